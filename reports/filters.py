"""FilterSets of the reports app's lists, shared by each page, its Excel export and the links to it.

Links from e-mails, notices and the dashboard are built with ``<Filter>.url(...)``
(``core.filtering``), so they use the parameters the list reads.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtering import ListFilterSet
from core.search import search_filter
from plans import policy
from plans.choices import PeriodKind, PlanState
from plans.filters import AgencyChoiceFilter
from plans.models import Agency, Plan
from tasks.choices import AssignmentRole, TaskStatus
from tasks.delegation import answered_by
from tasks.filters import TaskFilter, filter_text
from tasks.models import Task, TaskAssignment
from tasks.selectors import tasks_of_plans_q

from . import compliance
from .choices import ReportState, SummaryState
from .models import ReportingPeriod, Summary
from .reorganisation.selectors import predecessor_ids
from .selectors import NOT_REPORTED, due_periods, owed_not_sent, reportable_in_due_period_q

ANSWERED = "2"  # "mine" on the agency list: the parts the officer carries and those nobody carries (``delegation.answered_by``)
NOT_SENT = "missing"  # owed and not sent: the reminders' and the dashboard's "missing" (``reports.compliance``)
IN_FORCE = "1"
IN_FORCE_FAMILY = "family"  # the plans in force and the plans carrying them out: the dashboard's totals


class DashboardTaskFilter(TaskFilter):
    """The leadership's task list (``/dieu-hanh/nhiem-vu/``): the tasks behind every number of the dashboard."""

    route = "reports:dashboard_tasks"

    family = django_filters.ModelChoiceFilter(
        label=_("Plan with the plans carrying it out"),
        queryset=Plan.objects.order_by("-issued_on"),
        method="filter_family",
        widget=forms.HiddenInput,  # set by the dashboard's links; the plan list beside it stays the plain one
    )
    in_force = django_filters.ChoiceFilter(
        label=_("Plan state"),
        choices=[(IN_FORCE, _("In force")), (IN_FORCE_FAMILY, _("In force, with the plans carrying them out"))],
        method="filter_in_force",
        empty_label=_("All plans"),
    )
    report = django_filters.ChoiceFilter(
        label=_("This period's report"),
        choices=[(NOT_SENT, _("Owed, not sent"))],
        method="filter_report",
        empty_label=_("Any"),
    )
    tien_than = django_filters.BooleanFilter(
        label=_("Show predecessors separately"), method="filter_noop", widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def filter_agency(self, queryset, name, value):
        """Today's agencies by default: an agency also finds the tasks of the agencies it succeeded, completed ones included
        (each still names who completed it); with ``tien_than`` only its own. A ceased agency finds what it handed over."""
        if value is None or self.form.cleaned_data.get("tien_than"):
            return super().filter_agency(queryset, name, value)
        role = self.data.get("role")
        held = Q(assignments__agency_id__in=[value.pk, *predecessor_ids(value.pk, main_only=True)]) | Q(assignments__inherited_from=value)
        condition = held & (Q(assignments__role=role) if role in AssignmentRole.values else Q())
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))

    def filter_family(self, queryset, name, value):
        """A plan's tasks and those of the plans carrying it out: the dashboard's per-plan figures (``tasks_of_plans_q``)."""
        return queryset.filter(tasks_of_plans_q([value.pk])) if value else queryset

    def filter_in_force(self, queryset, name, value):
        if value == IN_FORCE_FAMILY:
            return queryset.filter(tasks_of_plans_q(Plan.objects.filter(state=PlanState.IN_FORCE).values("pk")))
        return queryset.filter(plan__state=PlanState.IN_FORCE) if value == IN_FORCE else queryset

    def filter_report(self, queryset, name, value):
        """Tasks whose lead agency (the one chosen, or any) owes this period's report and has not sent it."""
        if value != NOT_SENT:
            return queryset
        today = timezone.localdate()
        due = due_periods(Plan.objects.filter(state=PlanState.IN_FORCE), today)
        missing = compliance.missing({plan_id: d.row.pk if d.row else None for plan_id, d in due.items()}, as_of=today)
        agency = self.form.cleaned_data.get("agency")
        if agency is not None:
            # Today's agencies by default: the successor's row also counts what its predecessors owe (reports.lineage).
            folded = [] if self.form.cleaned_data.get("tien_than") else predecessor_ids(agency.pk, main_only=True)
            missing = missing.filter(agency_id__in=[agency.pk, *folded])
        return queryset.filter(pk__in=missing.values("task_id"))


class AgencyTaskFilter(ListFilterSet):
    """The agency's task list (``/don-vi/nhiem-vu/``); the queryset is ``selectors.agency_tasks``'s.

    ``plans`` are the plans offered (those the agency has tasks in).
    """

    route = "reports:agency_tasks"

    q = django_filters.CharFilter(label=_("Search"), method=filter_text)
    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=Plan.objects.none(), empty_label=_("All plans"))
    role = django_filters.ChoiceFilter(label=_("As"), field_name="my_role", choices=AssignmentRole.choices, empty_label=_("Any role"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="status_code", choices=TaskStatus.choices, empty_label=_("All statuses")
    )
    report_state = django_filters.ChoiceFilter(
        label=_("This period's report"),
        choices=[(NOT_SENT, _("Owed, not sent")), (NOT_REPORTED, _("Not reported")), *ReportState.choices],
        method="filter_report_state",
        empty_label=_("All"),
    )
    mine = django_filters.ChoiceFilter(
        label=_("In charge"),
        choices=[("1", _("My tasks")), (ANSWERED, _("Mine and those nobody is in charge of"))],
        method="filter_mine",
        empty_label=_("Whole agency"),
    )

    def __init__(self, *args, plans=None, agency_id=None, due=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = plans if plans is not None else Plan.objects.none()
        self.agency_id, self.due = agency_id, due or {}  # the list's agency and its plans' periods due (``agency_tasks``)
        self.user = user  # whose "mine" it is
        self.form.fields["q"].widget.attrs.update(type="search", placeholder=_("Search tasks, with or without diacritics"))

    def filter_mine(self, queryset, name, value):
        if value == ANSWERED and self.user is not None:  # as an officer's "Việc cần xử lý" counts the reports theirs to file
            answered = TaskAssignment.objects.filter(answered_by(self.user), task=OuterRef("pk"), agency=self.agency_id)
            return queryset.filter(Exists(answered))
        return queryset.filter(mine=True) if value == "1" else queryset

    def filter_report_state(self, queryset, name, value):
        if value == NOT_REPORTED:  # as the page counts it: a completed task owes nothing ("không cần báo cáo"),
            # nor one the period due cannot be reported for ("chưa đến kỳ báo cáo": it starts later)
            return queryset.filter(reportable_in_due_period_q(), report_state__isnull=True).exclude(
                status_code__in=(TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)
            )
        if value == NOT_SENT:  # as "Việc cần xử lý" and the reminders count it: the period's bounds included
            return queryset.filter(pk__in=owed_not_sent(self.agency_id, self.due, timezone.localdate()).values("task_id"))
        return queryset.filter(report_state=value)


class InboxFilter(ListFilterSet):
    """The coordinator's inbox (``/dau-moi/hop-thu/``); the queryset is ``selectors.inbox``'s.

    ``plans`` are the plans offered (``selectors.inbox_plans``: those whose reports the user reviews).
    """

    route = "reports:inbox"

    q = django_filters.CharFilter(label=_("Search"), method="filter_task_text")
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), field_name="task__plan", queryset=Plan.objects.none(), empty_label=_("All plans")
    )
    agency = AgencyChoiceFilter(label=_("Agency"), empty_label=_("All agencies"))
    period = django_filters.ModelChoiceFilter(
        label=_("Period"), queryset=ReportingPeriod.objects.order_by("-last_day", "kind"), empty_label=_("All periods")
    )
    late = django_filters.ChoiceFilter(
        label=_("Sent on time or late"),
        choices=[("1", _("Late")), ("0", _("On time"))],
        method="filter_late",
        empty_label=_("On time or late"),
    )

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = plans if plans is not None else Plan.objects.none()

    def filter_task_text(self, queryset, name, value):
        return queryset.filter(task__in=search_filter(Task.objects.all(), value))

    def filter_late(self, queryset, name, value):
        return queryset.filter(is_late=value == "1")


class DashboardReportFilter(ListFilterSet):
    """The reports sent behind the dashboard's "late reports" counts (``/dieu-hanh/bao-cao/``); the queryset holds sent
    reports only (``compliance.SENT``, as ``compliance.late_reports`` counts them)."""

    route = "reports:dashboard_reports"

    q = django_filters.CharFilter(label=_("Search"), method="filter_task_text")
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), field_name="task__plan", queryset=Plan.objects.order_by("-issued_on"), empty_label=_("All plans")
    )
    agency = AgencyChoiceFilter(label=_("Agency"), empty_label=_("All agencies"), method="filter_agency")
    late = django_filters.ChoiceFilter(
        label=_("Sent on time or late"),
        choices=[("1", _("Late")), ("0", _("On time"))],
        method="filter_late",
        empty_label=_("On time or late"),
    )
    in_force = django_filters.ChoiceFilter(
        label=_("Plan state"), choices=[(IN_FORCE, _("In force"))], method="filter_in_force", empty_label=_("All plans")
    )
    tien_than = django_filters.BooleanFilter(
        label=_("Show predecessors separately"), method="filter_noop", widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_task_text(self, queryset, name, value):
        return queryset.filter(task__in=search_filter(Task.objects.all(), value))

    def filter_late(self, queryset, name, value):
        return queryset.filter(is_late=value == "1")

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(task__plan__state=PlanState.IN_FORCE) if value == IN_FORCE else queryset

    def filter_agency(self, queryset, name, value):
        """Today's agencies by default: an agency also finds its predecessors' reports, as the dashboard's row counts them."""
        if value is None:
            return queryset
        folded = [] if self.form.cleaned_data.get("tien_than") else predecessor_ids(value.pk, main_only=True)
        return queryset.filter(agency_id__in=[value.pk, *folded])


class ReassignFilter(ListFilterSet):
    """The coordinator's queue of tasks to reassign (``/dau-moi/giao-lai/``); the queryset is
    ``reorganisation.selectors.waiting_for_reassignment``'s (assignments); ``plans`` are the plans offered
    (``reorganisation.selectors.reassign_plans``: those the user coordinates)."""

    route = "reports:reassign_queue"

    q = django_filters.CharFilter(label=_("Search"), method="filter_task_text")
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), field_name="task__plan", queryset=Plan.objects.none(), empty_label=_("All plans")
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Dissolved agency"),
        queryset=Agency.objects.filter(active_to__isnull=False).order_by("name"),
        empty_label=_("All agencies"),
    )

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = plans if plans is not None else Plan.objects.none()

    def filter_task_text(self, queryset, name, value):
        return queryset.filter(task__in=search_filter(Task.objects.all(), value))


class ChaseFilter(ListFilterSet):
    """The chase list (``/dau-moi/don-doc/``): its rows are ``compliance.missing``'s (lead assignments owing the period
    due), narrowed here before ``chasing.owed_reports`` groups them by plan and agency."""

    route = "reports:chase"

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"),
        field_name="task__plan",
        queryset=Plan.objects.filter(state=PlanState.IN_FORCE).order_by("-issued_on"),
        empty_label=_("All plans"),
    )
    agency = AgencyChoiceFilter(label=_("Agency"), empty_label=_("All agencies"))

    def filter_text(self, queryset, name, value):
        """The task's text, the agency's names or the plan's, without accents as everywhere (``core.search``)."""
        found = (
            Q(task__in=search_filter(Task.objects.all(), value, ranked=False))
            | Q(agency__in=search_filter(Agency.objects.all(), value, ranked=False))
            | Q(task__plan__in=search_filter(Plan.objects.all(), value, ranked=False))
        )
        return queryset.filter(found)

    def narrow(self, rows):
        """``rows`` with the filters chosen (a wrong value is named under its field and filters nothing out)."""
        if not self.is_bound:
            return rows
        self.form.is_valid()
        return self.filter_queryset(rows)


class PublicSummaryFilter(ListFilterSet):
    """The public list of issued summaries: the plans offered are the public ones (``policy.public``)."""

    route = "reports:public_summaries"

    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.none(), label=_("Plan"), empty_label=_("All plans"))
    year = django_filters.NumberFilter(field_name="period__year", label=_("Year"), min_value=2000, max_value=2100)
    kind = django_filters.ChoiceFilter(
        field_name="period__kind", choices=PeriodKind.choices, label=_("Period kind"), empty_label=_("All kinds")
    )

    class Meta(ListFilterSet.Meta):
        model = Summary
        fields = ["plan", "year", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = policy.public(Plan.objects.all()).order_by("-issued_on", "symbol")


class SummaryFilter(ListFilterSet):
    route = "reports:summary_list"

    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.order_by("-issued_on", "symbol"), label=_("Plan"), empty_label=_("All plans")
    )
    kind = django_filters.ChoiceFilter(
        field_name="period__kind", choices=PeriodKind.choices, label=_("Period kind"), empty_label=_("All kinds")
    )
    year = django_filters.NumberFilter(field_name="period__year", label=_("Year"), min_value=2000, max_value=2100)
    state = django_filters.ChoiceFilter(choices=SummaryState.choices, label=_("State"), empty_label=_("All states"))

    class Meta(ListFilterSet.Meta):
        model = Summary
        fields = ["plan", "kind", "year", "state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
