"""Reads of the indicators app: a plan's indicators with their judgement, the dashboard's panel, who reports."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language

from core.shared_figures import figures_cached, query_digest
from plans.models import Agency, Plan
from plans.selectors import holders_on

from .choices import Judgement
from .formatting import figure_text
from .models import VALUE, Indicator, IndicatorHandover, IndicatorTarget, IndicatorValue
from .rules import Point, Verdict, judge, target_in_force

# At risk first, then not achieved, no data, achieved: what leadership must look at comes first.
JUDGEMENT_ORDER: list[str] = [Judgement.AT_RISK, Judgement.NOT_ACHIEVED, Judgement.NO_DATA, Judgement.ACHIEVED]


def indicators_of_plan_q(plan_ids: list[int]) -> Q:
    """A plan's indicators: its own and the province-wide indices it names."""
    return Q(plan_id__in=plan_ids) | Q(named_by__in=plan_ids)


def indicators_of_plan(plan: Plan) -> QuerySet[Indicator]:
    return Indicator.objects.filter(pk__in=Indicator.objects.filter(indicators_of_plan_q([plan.pk])).values("pk"))


def with_figures(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Targets and current values read along (three queries for any number of indicators)."""
    return indicators.select_related("agency", "plan").prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("due_on")),
        Prefetch(
            "values", queryset=IndicatorValue.objects.filter(superseded_at__isnull=True).order_by("measured_on"), to_attr="current_values"
        ),
    )


@dataclass(frozen=True)
class TargetFigure:
    """A target as the one-statement read gives it (the fields pages read; no model instance to build)."""

    due_on: datetime.date
    value: Decimal
    year: int
    label: str = ""

    @property
    def point(self) -> Point:
        return Point(self.due_on, self.value, self.year)


@dataclass(frozen=True)
class ValueFigure:
    """A current value as the one-statement read gives it."""

    measured_on: datetime.date
    value: Decimal
    year: int
    recorded_at: datetime.datetime
    is_illustrative: bool

    @property
    def point(self) -> Point:
        return Point(self.measured_on, self.value, self.year)


@dataclass
class IndicatorRow:
    """One indicator as every surface reads it: baseline → latest → target, the share of the way and the judgement."""

    indicator: Indicator
    baseline: Point | None
    latest: IndicatorValue | ValueFigure | None
    target: IndicatorTarget | TargetFigure | None
    verdict: Verdict
    values: list[IndicatorValue | ValueFigure] = field(default_factory=list)
    reporter: Agency | None = None

    @property
    def judgement(self) -> str:
        return self.verdict.judgement

    @property
    def judgement_label(self) -> str:
        return str(Judgement(self.verdict.judgement).label)

    @property
    def is_illustrative(self) -> bool:
        """The figures the row shows are illustrative (the pages and summaries tag it): the indicator's own (baseline,
        targets) or its latest value. An example left in the history does not tag a published latest figure: each
        value of the list carries its own mark."""
        return self.indicator.is_illustrative or bool(self.latest is not None and self.latest.is_illustrative)

    @property
    def has_illustrative_figures(self) -> bool:
        """Any figure of the indicator read is illustrative, its history included (the API's flag)."""
        return self.indicator.is_illustrative or any(value.is_illustrative for value in self.values)

    @property
    def bar(self) -> int:
        share = self.verdict.share
        return 0 if share is None else int(max(Decimal(0), min(Decimal(100), share)))


def indicator_row(
    indicator: Indicator,
    *,
    today: datetime.date,
    holders: dict[int, Agency] | None = None,
    known_on: datetime.date | None = None,
    measured_by: datetime.date | None = None,
) -> IndicatorRow:
    """The judgement of one indicator on ``today`` read with :func:`with_figures` (``rules.judge``, the one rule).

    The values read are those recorded by ``known_on`` (default ``today``); with ``measured_by``, only those
    describing a day up to it (a summary of a period reads the values up to its cut-off, known when compiled).
    """
    current = getattr(indicator, "current_values", None)  # read along by with_figures; else read here
    if current is None:
        current = indicator.values.filter(superseded_at__isnull=True).order_by("measured_on")
    # Recorded by the end of ``known_on`` (local time): one bound, not a time-zone conversion per value.
    until = timezone.make_aware(datetime.datetime.combine((known_on or today) + datetime.timedelta(days=1), datetime.time.min))
    values = [value for value in current if value.recorded_at < until and (measured_by is None or value.measured_on <= measured_by)]
    targets = list(indicator.targets.all())
    points = {target.point: target for target in targets}
    target_point = target_in_force(list(points), today)
    verdict = judge(
        kind=indicator.kind,
        direction=indicator.direction,
        baseline=indicator.baseline,
        target=target_point,
        values=[value.point for value in values],
        today=today,
    )
    if holders is None:
        holders = holders_on(as_of=today)
    reporter = holders.get(indicator.agency_id, indicator.agency)
    return IndicatorRow(
        indicator=indicator,
        baseline=indicator.baseline,
        latest=values[-1] if values else None,
        target=points[target_point] if target_point else None,
        verdict=verdict,
        values=values,
        reporter=reporter,
    )


@dataclass(frozen=True)
class TrendDay:
    """One day of an indicator's trend: the value measured that day (if any) and the target in force that day."""

    day: datetime.date
    value: IndicatorValue | ValueFigure | None
    target: Point | None


def trend(row: IndicatorRow) -> list[TrendDay]:
    """The days of an indicator's chart: its values' days and its targets' due days, in order, each with the target
    in force that day as the judgement reads it (``rules.target_in_force``), so staged targets are drawn as stages."""
    points = [target.point for target in row.indicator.targets.all()]
    values = {value.measured_on: value for value in row.values}
    days = sorted(set(values) | {point.day for point in points})
    return [TrendDay(day, values.get(day), target_in_force(points, day)) for day in days]


def indicator_rows(indicators: QuerySet[Indicator], *, today: datetime.date, one_read: bool = False, **reading) -> list[IndicatorRow]:
    """Every indicator of ``indicators`` judged on ``today``, in the plan's order; the reporting agency as of today
    (``reading``: ``known_on``, ``measured_by`` of :func:`indicator_row`; ``one_read``: :func:`indicators_in_one_read`,
    and today's holders read only when there are indicators)."""
    chosen = indicators_in_one_read(indicators) if one_read else list(with_figures(indicators))
    holders = holders_on(as_of=today) if chosen else {}
    return [indicator_row(indicator, today=today, holders=holders, **reading) for indicator in chosen]


def _handed_after(day: datetime.date, indicator_ids: list[int] | None = None) -> dict[int, Agency]:
    """For every indicator whose reporting passed on after ``day`` (a split, a transfer of functions:
    ``IndicatorHandover``), the agency that reported it on ``day``: the first such handover's ``from_agency`` (one query)."""
    rows = IndicatorHandover.objects.filter(effective_on__gt=day).select_related("from_agency").order_by("effective_on", "id")
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=indicator_ids)
    before: dict[int, Agency] = {}
    for row in rows:
        before.setdefault(row.indicator_id, row.from_agency)
    return before


def reporting_agency_on(indicator: Indicator, day: datetime.date) -> Agency:
    """The agency reporting ``indicator`` on ``day``: the one it had then (a later split or transfer of functions
    kept in its handovers), or the one holding that agency's work after a merger or renaming (the as-of rule of
    ``plans.selectors.holders_on``, the same tasks follow)."""
    agency = _handed_after(day, [indicator.pk]).get(indicator.pk, indicator.agency)
    return holders_on(as_of=day).get(agency.pk, agency)


def reporting_agency_ids_on(day: datetime.date) -> set[int]:
    """The agencies reporting an indicator on ``day`` (:func:`reporting_agency_on` of each, in three queries): those a
    list of indicators is filtered by, not the agencies merged away since they were named."""
    holders = holders_on(as_of=day)
    before = _handed_after(day)
    reporting = set()
    for indicator_id, agency_id in Indicator.objects.values_list("pk", "agency_id"):
        agency_id = before[indicator_id].pk if indicator_id in before else agency_id
        reporting.add(holders[agency_id].pk if agency_id in holders else agency_id)
    return reporting


def indicators_reported_by(*, task_id: int, agency_id: int, day: datetime.date) -> list[Indicator]:
    """The indicators moved by a task that ``agency_id`` reports on ``day`` (carried by its report on that task)."""
    holders = holders_on(as_of=day)
    linked = list(Indicator.objects.filter(tasks=task_id).select_related("agency").order_by("position", "pk"))
    before = _handed_after(day, [indicator.pk for indicator in linked]) if linked else {}
    chosen = []
    for indicator in linked:
        agency = before.get(indicator.pk, indicator.agency)
        if holders.get(agency.pk, agency).pk == agency_id:
            chosen.append(indicator)
    return chosen


def sort_at_risk_first(rows: list[IndicatorRow]) -> list[IndicatorRow]:
    return sorted(rows, key=lambda row: (JUDGEMENT_ORDER.index(row.judgement), row.indicator.position, row.indicator.pk))


def judgement_counts(rows: list[IndicatorRow]) -> dict[str, int]:
    counts = Counter(row.judgement for row in rows)
    return {str(judgement): counts.get(judgement, 0) for judgement in JUDGEMENT_ORDER}


# One statement for every indicator with its targets and current values (the dashboard's panel): the indicator's
# row ("i"), each target ("t") and each current value ("v"), one shape, UNION ALL.
_SHAPE = ("indicator_id", "row", "day", "value", "year", "recorded_at", "flag")
_INDICATOR = ("code", "name", "unit", "kind", "direction", "agency_id", "agency__code", "agency__name", "baseline_value",
              "baseline_year", "is_illustrative", "position", "plan_id", "scope")  # fmt: skip


def _typed_null(field):
    # CAST(NULL AS type): PostgreSQL matches UNION columns pairwise and reads a bare NULL as text.
    return Cast(Value(None), output_field=field)


def _decimal() -> models.DecimalField:
    return models.DecimalField(max_digits=VALUE["max_digits"], decimal_places=VALUE["decimal_places"])


def _field_of(name: str) -> models.Field:
    if name == "baseline_value":
        return _decimal()
    if name in ("agency_id", "plan_id", "baseline_year", "position"):
        return models.IntegerField()
    if name == "is_illustrative":
        return models.BooleanField()
    return models.CharField()


def indicators_in_one_read(indicators: QuerySet[Indicator] | None = None) -> list[Indicator]:
    """The indicators (all by default) with ``targets`` and ``current_values`` read along, in one SQL statement
    (not three): the same objects :func:`with_figures` gives, for the dashboard and the plan page, whose statement
    budgets are fixed (a test pins the two reads together)."""
    chosen = Indicator.objects.all() if indicators is None else indicators
    among = chosen.order_by().values("pk")
    nothing = {name: _typed_null(_field_of(name)) for name in _INDICATOR}
    heads = (
        chosen.order_by()
        .annotate(
            row=Value("i"),
            day=_typed_null(models.DateField()),
            v=_typed_null(_decimal()),
            y=_typed_null(models.IntegerField()),
            at=_typed_null(models.DateTimeField()),
            flag=Value(False),
            **{f"x_{name.replace('__', '_')}": F(name) for name in _INDICATOR},
        )
        .values_list("pk", "row", "day", "v", "y", "at", "flag", *(f"x_{name.replace('__', '_')}" for name in _INDICATOR))
    )
    targets = (
        IndicatorTarget.objects.filter(indicator__in=among)
        .order_by()
        .annotate(
            row=Value("t"),
            at=_typed_null(models.DateTimeField()),
            flag=Value(False),
            **{f"x_{n.replace('__', '_')}": nothing[n] for n in _INDICATOR},
        )
        .values_list("indicator_id", "row", "due_on", "value", "year", "at", "flag", *(f"x_{n.replace('__', '_')}" for n in _INDICATOR))
    )
    values = (
        IndicatorValue.objects.filter(superseded_at__isnull=True, indicator__in=among)
        .order_by()
        .annotate(row=Value("v"), **{f"x_{n.replace('__', '_')}": nothing[n] for n in _INDICATOR})
        .values_list(
            "indicator_id",
            "row",
            "measured_on",
            "value",
            "year",
            "recorded_at",
            "is_illustrative",
            *(f"x_{n.replace('__', '_')}" for n in _INDICATOR),
        )
    )
    found: dict[int, Indicator] = {}
    targets_of: dict[int, list[TargetFigure]] = {}
    parts: list[tuple] = []
    for record in heads.union(targets, values, all=True):
        indicator_id, row, day, value, year, at, flag, *fields = record
        if row == "i":
            data = dict(zip(_INDICATOR, fields, strict=True))
            agency = Agency(pk=data.pop("agency_id"), code=data.pop("agency__code"), name=data.pop("agency__name"))
            indicator = Indicator(pk=indicator_id, agency=agency, **data)
            targets_of[indicator_id] = []
            indicator._prefetched_objects_cache = {"targets": targets_of[indicator_id]}  # type: ignore[attr-defined]
            indicator.current_values = []  # type: ignore[attr-defined]
            found[indicator_id] = indicator
        else:
            parts.append((indicator_id, row, day, value, year, at, flag))
    for indicator_id, row, day, value, year, at, flag in parts:
        if row == "t":
            targets_of[indicator_id].append(TargetFigure(due_on=day, value=value, year=year))
        else:
            found[indicator_id].current_values.append(  # type: ignore[attr-defined]
                ValueFigure(measured_on=day, value=value, year=year, recorded_at=at, is_illustrative=flag)
            )
    for indicator_id, indicator in found.items():  # each list is short: sorted apart, by day
        targets_of[indicator_id].sort(key=attrgetter("due_on"))
        indicator.current_values.sort(key=attrgetter("measured_on"))  # type: ignore[attr-defined]
    return sorted(found.values(), key=attrgetter("position", "pk"))


def dashboard_panel(*, today: datetime.date, url: str, holders: dict[int, Agency] | None = None, shown: int = 8) -> dict:
    """The dashboard's indicators panel: every indicator judged on ``today``, counted by judgement, the first
    ``shown`` at risk first. Each count opens ``url?judgement=…``, the leadership list, which reads the same rows
    (``holders``: today's ``holders_on``, when the caller has it)."""
    holders = holders if holders is not None else holders_on(as_of=today)
    rows = sort_at_risk_first([indicator_row(indicator, today=today, holders=holders) for indicator in indicators_in_one_read()])
    counts = judgement_counts(rows)
    return {
        # texts, not lazy ones: kept per language in the shared cache (a lazy text is rebuilt each time it is read)
        "counts": [(judgement, str(Judgement(judgement).label), counts[judgement], f"{url}?judgement={judgement}") for judgement in counts],
        "rows": rows[:shown],
        "total": len(rows),
        "all_url": url,
    }


def dashboard_panel_shared(*, today: datetime.date, url: str, holders: dict[int, Agency] | None = None) -> dict:
    """:func:`dashboard_panel` from the shared cache (``core.shared_figures``), computed again only after a change of
    everything: the writes that move a judgement (indicators, their targets and values, the values an accepted report
    brings, agencies and their lineage, reorganisations) name no plan, so a report sent on a plan, which moves the
    dashboard's other figures, leaves the panel as it was (500 indicators judged: most of a dashboard's recompute).
    ``holders``: today's ``holders_on``, when the caller has it."""
    return figures_cached(
        "indicators-panel",
        (today.isoformat(), get_language(), url),
        lambda: dashboard_panel(today=today, url=url, holders=holders),
        plans=(),
        agencies=(),
    )


def panel_shared(indicators: QuerySet[Indicator], *, today: datetime.date, shown: int) -> dict:
    """A plan page's indicators panel: ``indicators`` (as the reader may see them) judged on ``today``, all of them
    when there are at most ``shown``, else the first ``shown`` at risk first; with how many there are. Shared by every
    reader who asks the same question (the same SQL: the same scope) until a change of everything, as
    :func:`dashboard_panel_shared` is."""

    def compute() -> dict:
        rows = indicator_rows(indicators, today=today, one_read=True)
        chosen = rows if len(rows) <= shown else sort_at_risk_first(rows)[:shown]
        return {"rows": chosen, "total": len(rows), "illustrative": any(row.is_illustrative for row in chosen)}

    try:
        digest = query_digest(indicators, shown)
    except EmptyResultSet:  # a scope that sees nothing
        return {"rows": [], "total": 0, "illustrative": False}
    return figures_cached("indicators-plan-panel", (digest, today.isoformat(), get_language()), compute, plans=(), agencies=())


def reported_by_q(agency_id: int, *, day: datetime.date) -> Q:
    """Indicators ``agency_id`` reports on ``day``: its own, unless its work passed to another, and those of the
    agencies whose work it holds then (``holders_on``: the rule tasks follow); an indicator handed on after ``day``
    (``IndicatorHandover``) counts for the agency that reported it then."""
    holders = holders_on(as_of=day)
    held = [predecessor for predecessor, holder in holders.items() if holder.pk == agency_id]
    mine = set(held) if agency_id in holders else {agency_id, *held}
    before = _handed_after(day)
    then_mine = [indicator_id for indicator_id, agency in before.items() if agency.pk in mine]
    return (Q(agency_id__in=mine) & ~Q(pk__in=list(before))) | Q(pk__in=then_mine)


def summary_table(plan: Plan, *, cut_off: datetime.date, compiled_on: datetime.date) -> list[dict]:
    """The summary's "Kết quả thực hiện các chỉ tiêu": each indicator of the plan at the period's cut-off, as known
    when the summary is compiled, in words (JSON-ready: the snapshot keeps it, later values never change it)."""
    out = []
    for row in indicator_rows(indicators_of_plan(plan), today=cut_off, known_on=compiled_on, measured_by=cut_off):
        indicator = row.indicator

        def text(value, year, indicator=indicator) -> str:
            return figure_text(kind=indicator.kind, unit=indicator.unit, value=value, year=year)

        out.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "baseline": text(row.baseline.value, row.baseline.year) + f" ({row.baseline.year})" if row.baseline else "—",
                "latest": text(row.latest.value, row.latest.year) + f" ({row.latest.measured_on:%d/%m/%Y})" if row.latest else "—",
                "target": text(row.target.value, row.target.year) + f" ({row.target.due_on:%d/%m/%Y})" if row.target else "—",
                "share": None if row.verdict.share is None else float(row.verdict.share),
                "judgement": row.judgement,
                "judgement_label": row.judgement_label,
                "illustrative": row.is_illustrative,
            }
        )
    return out
