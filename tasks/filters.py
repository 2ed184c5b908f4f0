"""FilterSets of tasks: the leadership's lists (with their Excel export and the API) and the public plan's table."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtering import ListFilterSet
from core.search import search_filter
from plans import policy
from plans.filters import AgencyChoiceFilter
from plans.models import Plan, Section

from .choices import STATUS_GROUPS, AssignmentRole, TaskStatus
from .selectors import tasks_of_plans_q


def filter_text(queryset, name, value):
    return search_filter(queryset, value)


class SectionChoiceField(django_filters.fields.ModelChoiceField):
    """Sections of every plan in one list: each named with its plan ("28/KH-UBND — I. Tuyên truyền…"), as the public plan names its sub-plans' sections."""

    def label_from_instance(self, section: Section) -> str:
        return f"{section.plan.symbol} — {section}"


class SectionChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SectionChoiceField


class TaskFilter(ListFilterSet):
    """Filters by plan, section, agency (as lead or any role), status, due-date range and text without diacritics.

    The queryset must carry ``status_code`` (``tasks.status.status_expression``).
    """

    q = django_filters.CharFilter(label=_("Search"), method=filter_text)
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), queryset=Plan.objects.order_by("-issued_on"), method="filter_plan", empty_label=_("All plans")
    )
    section = SectionChoiceFilter(
        label=_("Section"),
        queryset=Section.objects.select_related("plan").only("pk", "number", "title", "plan__symbol"),
        empty_label=_("All sections"),
        null_label=_("Without section"),
    )
    agency = AgencyChoiceFilter(label=_("Agency"), method="filter_agency", empty_label=_("All agencies"))
    role = django_filters.ChoiceFilter(label=_("As"), choices=AssignmentRole.choices, method="filter_noop", empty_label=_("Any role"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="status_code", choices=TaskStatus.choices, empty_label=_("All statuses")
    )
    due_from = django_filters.DateFilter(label=_("Due from"), field_name="due_date", lookup_expr="gte")
    due_to = django_filters.DateFilter(label=_("Due until"), field_name="due_date", lookup_expr="lte")

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_agency

    def filter_plan(self, queryset, name, value):
        """A plan's tasks and those of the plans carrying it out: the list behind a plan's figures (``tasks_of_plans_q``)."""
        return queryset.filter(tasks_of_plans_q([value.pk])) if value is not None else queryset

    def filter_agency(self, queryset, name, value):
        if value is None:
            return queryset
        role = self.data.get("role")
        # A ceased agency still finds the tasks it handed over in a reorganisation (history); a successor finds what it inherited.
        held = Q(assignments__agency=value) | Q(assignments__inherited_from=value)
        condition = held & (Q(assignments__role=role) if role in AssignmentRole.values else Q())
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


class PublicTaskFilter(ListFilterSet):
    """The public plan's table and its open data: text without diacritics, section, status.

    The queryset is one plan's tasks with ``status_code``; ``plan`` gives the sections offered.
    """

    route = "public:plan"

    q = django_filters.CharFilter(label=_("Search"), method=filter_text)
    section = django_filters.ChoiceFilter(
        label=_("Section"), field_name="section_id", choices=[], empty_label=_("All sections"), null_label=_("Without section")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="status_code", choices=TaskStatus.choices, empty_label=_("All statuses")
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        # The plan's sections are loaded with the plan (``public.selectors.plan_public_detail``): no query here.
        self.filters["section"].extra["choices"] = [(str(s.pk), f"{s.number}. {s.title}") for s in plan.sections.all()] + [
            (str(s.pk), f"{child.symbol} — {s.number}. {s.title}") for child in plan.children.all() for s in child.sections.all()
        ]  # the tasks of the plans carrying it out are listed too (the roll-up rule)


def _public_plans(request):
    return policy.public(Plan.objects.order_by("-issued_on", "symbol"))


class PublicTasksFilter(ListFilterSet):
    """The tasks of every public plan (the public home page's figures): text without diacritics, plan, status.

    The status filter takes a group of statuses too (``tasks.choices.STATUS_GROUPS``: "completed" is both
    completed statuses), so each figure of the home page opens exactly the rows it counts. The queryset must
    carry ``status_code``; what the public may read is the caller's (``plans.policy.public``).
    """

    route = "public:tasks"

    q = django_filters.CharFilter(label=_("Search"), method=filter_text)
    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=_public_plans, method="filter_plan", empty_label=_("All plans"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(code, label) for code, (label, _statuses) in STATUS_GROUPS.items()] + TaskStatus.choices,
        method="filter_status",
        empty_label=_("All statuses"),
    )

    def filter_plan(self, queryset, name, value):
        """A plan's tasks and those of the plans carrying it out, as the plan's page lists them (``tasks_of_plans_q``)."""
        return queryset.filter(tasks_of_plans_q([value.pk])) if value is not None else queryset

    def filter_status(self, queryset, name, value):
        if value in STATUS_GROUPS:
            return queryset.filter(status_code__in=STATUS_GROUPS[value][1])
        return queryset.filter(status_code=value) if value else queryset
