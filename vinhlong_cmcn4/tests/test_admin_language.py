"""Every admin page an administrator opens speaks Vietnamese: no English left by Django or the apps we use.

The list of words below was built from a crawl of every changelist, add page and change page of the
demo data as the administrator (quantri), before the catalogue and ``admin_wording`` fixed them.
"""

import datetime
import html
import re
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

ENGLISH = {
    # Django's admin: strings its Vietnamese catalogue lacks
    "Skip",
    "Toggle",
    "theme",
    "navigation",
    "Sidebar",
    "Breadcrumbs",
    "Filter",
    "Show",
    "Hide",
    "counts",
    "Select",
    "selected",
    "View",
    "Add",
    "link",
    "Model",
    "entry",
    "entries",
    "Set",
    "password",
    "Enable",
    "Search",
    "True",
    "False",
    "Display",
    "Short",
    # wrong Vietnamese in Django's catalogue
    "Thêm vào",
    "Hoạt động:",
    "Đi đến",
    "mô models",
    "Bởi",
    # django-axes
    "Axes",
    "Access",
    "attempts",
    "failures",
    "logs",
    "Attempt",
    "Locked",
    "Out",
    "Logout",
    "Time",
    "Path",
    "Agent",
    "Meta",
    "Data",
    "Address",
    # django-celery-beat and -results
    "Task",
    "Name",
    "Crontab",
    "translation",
    "Scheduler",
    "Every",
    "minute",
    "At",
    "AM",
    "PM",
    "m/h/dM/MY/d",
    "UTC",
    # django-simple-history
    "Changes",
    "Choose",
    "revert",
}
_PATTERN = re.compile("|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in sorted(ENGLISH, key=len, reverse=True)))


def visible_text(page: str) -> str:
    """What an administrator reads: text, tooltips, labels and button captions (not the data in inputs)."""
    page = re.sub(r"(?s)<script.*?</script>|<style.*?</style>|<head>.*?</head>|<option.*?</option>|<textarea.*?</textarea>", " ", page)
    attributes = re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]*)"', page)
    attributes += re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", "\n", page) + "\n" + "\n".join(attributes))


def _rows_for_the_apps_without_demo_data():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import ClockedSchedule, SolarSchedule
    from django_celery_results.models import GroupResult, TaskResult

    when = timezone.now()
    common = {"user_agent": "Mozilla/5.0", "ip_address": "127.0.0.1", "username": "khach", "path_info": "/dang-nhap/"}
    AccessAttempt.objects.create(**common, http_accept="text/html", get_data="", post_data="", failures_since_start=3)
    AccessFailureLog.objects.create(**common, http_accept="text/html", locked_out=False)
    AccessLog.objects.create(**common, http_accept="text/html", logout_time=when)
    ClockedSchedule.objects.create(clocked_time=when + datetime.timedelta(days=1))
    SolarSchedule.objects.create(event="sunrise", latitude="10.25", longitude="105.97")
    TaskResult.objects.create(task_id="a1", task_name="reports.jobs.upkeep_job", status="FAILURE", date_done=when)
    GroupResult.objects.create(group_id="g1", date_done=when)


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{info}_change", args=[first.pk]))
    return urls


def test_no_admin_page_of_the_portal_shows_english_to_an_administrator(client, settings):
    settings.DEBUG = True  # the demo refuses to load without it
    call_command("seed_demo", stdout=StringIO())
    _rows_for_the_apps_without_demo_data()
    settings.DEBUG = False
    from plans.models import User

    client.force_login(User.objects.get(username="quantri"))
    found: dict[str, set[str]] = {}
    opened = 0
    for url in admin_urls():
        response = client.get(url)
        if response.status_code == 403:  # e.g. no add page for the login logs: nothing to read
            continue
        assert response.status_code == 200, url
        opened += 1
        for match in _PATTERN.finditer(visible_text(response.content.decode())):
            found.setdefault(match.group(0), set()).add(url)
    assert opened > 60
    assert not found, {word: sorted(urls)[:3] for word, urls in found.items()}


def test_the_permission_lists_of_a_user_and_a_group_read_in_vietnamese(client, sysadmin):
    from django.contrib.auth.models import Group

    client.force_login(sysadmin)
    group = Group.objects.first()
    for url in (reverse("admin:plans_user_change", args=[sysadmin.pk]), reverse("admin:auth_group_change", args=[group.pk])):
        page = client.get(url).content.decode()
        options = [html.unescape(text) for text in re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', page) if " | " in text]
        assert len(options) > 100, url
        english = [text for text in options if re.search(r"\bCan (add|change|delete|view)\b", text)]
        assert not english, english[:5]
        assert "Quản trị | mục nhật ký | Có thể thêm mục nhật ký" in options
