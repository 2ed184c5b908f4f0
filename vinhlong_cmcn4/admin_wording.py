"""Vietnamese for the admin screens of third-party apps that write English outside any catalogue.

Most of the admin speaks Vietnamese through ``locale/vi`` (our catalogue overrides Django's stock
Vietnamese, which lacks or mistranslates some strings; see ``third_party_strings.py``). What is left
here is English written straight into code: django-celery-beat's crontab text "(m/h/dM/MY/d)", its
English description of a schedule ("At 07:00 AM") and two unlabelled columns; the names of
login records and job results (English, in UTC); django-axes' app name;
the alt text "True"/"False" of the admin's yes/no icons; the names of permissions ("Can add log entry"),
which Django stores in English. Each is set once, when the admin loads.
"""

from django.apps import apps
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _boolean_icon(field_val):
    """The admin's yes/no icon, its alt text in Vietnamese (Django writes True/False/None)."""
    name = {True: "yes", False: "no", None: "unknown"}[field_val]
    alt = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), alt)


def _crontab_str(crontab) -> str:
    """ "0 7 * * * (phút/giờ/ngày/tháng/thứ) Asia/Ho_Chi_Minh"."""
    from django_celery_beat.models import cronexp

    fields = " ".join(cronexp(getattr(crontab, name)) for name in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week"))
    order = gettext("minute/hour/day/month/weekday")
    return f"{fields} ({order}) {crontab.timezone}"


def _crontab_description(crontab) -> str:
    """The schedule in Vietnamese words, 24-hour clock (cron-descriptor's vi_VN)."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = Options()
    options.locale_code = "vi_VN"
    options.use_24hour_time_format = True
    expression = " ".join(str(getattr(crontab, name)) for name in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week"))
    try:
        return f"{ExpressionDescriptor(expression, options).get_description()} ({crontab.timezone})"
    except Exception:  # noqa: BLE001 - an expression the describer cannot read is shown as written
        return _crontab_str(crontab)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S %d/%m/%Y") if moment else "—"


def _clocked_str(clocked) -> str:
    return _local(clocked.clocked_time)


def _attempt_str(attempt) -> str:
    return f"{attempt.username or '—'} — {_local(attempt.attempt_time)}"


def _job_result_str(result) -> str:
    return f"{result.task_name or result.task_id} ({result.status})"


def _group_result_str(result) -> str:
    return f"{result.group_id} — {_local(result.date_done)}"


_DEFAULT_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """ "Quản trị | mục nhật ký | Có thể thêm mục nhật ký": Django stores "Can add log entry" in English, once, at migrate.

    The four permissions Django makes for every model are named again from the model's translated name;
    a model's own permissions (``Meta.permissions``) through the catalogue.
    """
    content_type = permission.content_type
    model = content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in _DEFAULT_ACTIONS and model_name == model._meta.model_name:
        name = _DEFAULT_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{content_type} | {name}"


def admin_wording_apply() -> None:
    from django.contrib.auth.models import Permission

    admin_list._boolean_icon = _boolean_icon
    Permission.__str__ = permission_label
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        apps.get_app_config("axes").verbose_name = _("Sign-in protection")
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.__str__ = _attempt_str  # axes writes "Access Log for … @ <UTC time>"
    if apps.is_installed("django_celery_results"):
        from django_celery_results.models import GroupResult, TaskResult

        TaskResult.__str__ = _job_result_str  # "<Task: id (STATUS)>"
        GroupResult.__str__ = _group_result_str
    if apps.is_installed("django_celery_beat"):
        from django_celery_beat import admin as beat_admin
        from django_celery_beat.models import ClockedSchedule, CrontabSchedule, PeriodicTask

        _crontab_description.short_description = _("Schedule in words")
        CrontabSchedule.__str__ = _crontab_str
        CrontabSchedule.human_readable = property(_crontab_description)
        ClockedSchedule.__str__ = _clocked_str
        PeriodicTask._meta.get_field("task").verbose_name = _("job name")
        PeriodicTask.scheduler.fget.short_description = _("Schedule")
        beat_admin.PeriodicTaskAdmin.crontab_translation.short_description = _("Schedule in words")
