"""Demo indicators: the three indices the department plan names, and three quantified targets in the style of
today's digital-transformation plans, with several years of values.

Every figure here is ILLUSTRATIVE: made for the demonstration, not a published statistic. Each indicator and
value carries ``is_illustrative=True`` and a source saying so, and the pages show it. No published figure could
be checked when this data was written, so none is used; a real one would go in with its document and date
(``source``, ``source_url``, ``published_on``).
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings

from indicators.models import Indicator, IndicatorTarget
from indicators.services import indicator_value_record
from plans.models import Agency, Plan
from tasks.models import Task

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
ILLUSTRATIVE = "Số liệu minh họa cho bản trình diễn — không phải số liệu đã công bố"

# (code, name, unit, kind, direction, agency, description, baseline (value, year), targets {year: value},
#  values {year: value}, published the next year on this day (month, day)).
INDICES = [
    (
        "PCI",
        "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) — thứ hạng",
        "",
        "rank",
        "lower",
        "SKHDT",
        "Do VCCI công bố hằng năm cho năm trước. Thứ hạng trong 63 tỉnh, thành phố đến năm 2024, trong 34 từ năm 2025.",
        (24, 2016),
        {2020: 15, 2025: 10, 2030: 8},
        {2017: 22, 2018: 20, 2019: 19, 2020: 17, 2021: 18, 2022: 16, 2023: 14, 2024: 13, 2025: 11},
        (5, 10),
    ),
    (
        "PAR",
        "Chỉ số cải cách hành chính (PAR INDEX) — điểm",
        "điểm",
        "number",
        "higher",
        "SNV",
        "Do Bộ Nội vụ công bố hằng năm cho năm trước, thang 100 điểm.",
        (Decimal("78.5"), 2016),
        {2020: 85, 2025: 90},
        {
            2017: Decimal("79.1"),
            2018: Decimal("80.4"),
            2019: Decimal("81.0"),
            2020: Decimal("82.2"),
            2021: Decimal("83.0"),
            2022: Decimal("84.1"),
            2023: Decimal("84.6"),
            2024: Decimal("85.3"),
            2025: Decimal("86.0"),
        },  # fmt: skip
        (4, 15),
    ),
    (
        "ICT-DTI",
        "Chỉ số sẵn sàng ứng dụng CNTT (ICT Index, đến 2019), nay là Chỉ số chuyển đổi số (DTI, từ 2020) — thứ hạng",
        "",
        "rank",
        "lower",
        "STTTT",
        "ICT Index do Bộ TT&TT công bố đến năm 2019; từ năm 2020 thay bằng DTI. Thứ hạng trong 63 tỉnh đến 2024, trong 34 từ 2025.",
        (35, 2016),
        {2020: 25, 2025: 15},
        {2017: 33, 2018: 31, 2019: 30, 2020: 27, 2021: 28, 2022: 26, 2023: 24, 2024: 22, 2025: 16},
        (6, 20),
    ),
]

# Quantified targets of the department plan: (code, name, unit, kind, direction, agency, task numbers,
# baseline, targets, values by year).
TARGETS = [
    (
        "CT-01",
        "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận và giải quyết trực tuyến",
        "%",
        "percentage",
        "higher",
        "STTTT",
        ["1"],
        (Decimal(5), 2017),
        {2020: 30, 2025: 80, 2030: 100},
        {2018: 8, 2019: 14, 2020: 27, 2021: 36, 2022: 45, 2023: 52, 2024: 58, 2025: 61},
    ),
    (
        "CT-02",
        "Số doanh nghiệp khởi nghiệp đổi mới sáng tạo được hỗ trợ (lũy kế)",
        "doanh nghiệp",
        "number",
        "higher",
        "SKHCN",
        ["8"],
        (Decimal(0), 2017),
        {2020: 20},
        {2018: 4, 2019: 9, 2020: 15},
    ),
    (
        "CT-03",
        "Trung tâm giám sát, điều hành thông minh (IOC) của tỉnh đi vào hoạt động",
        "",
        "yes_no",
        "higher",
        "STTTT",
        ["3"],
        (Decimal(0), 2017),
        {2027: 1},
        {2022: 0, 2023: 0, 2024: 0, 2025: 0},
    ),
]


def _indicator(code: str, defaults: dict, *, plan: Plan | None) -> Indicator:
    indicator = Indicator.objects.filter(code=code, plan=plan).first() or Indicator(code=code, plan=plan)
    for name, value in defaults.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    return indicator


def _targets(indicator: Indicator, targets: dict) -> None:
    for year, value in targets.items():
        IndicatorTarget.objects.update_or_create(
            indicator=indicator, due_on=datetime.date(year, 12, 31), defaults={"year": year, "value": Decimal(value)}
        )


def _values(indicator: Indicator, values: dict, published: tuple[int, int] | None, today: datetime.date, by) -> None:
    for year, value in values.items():
        day = datetime.date(year + 1, *published) if published else datetime.date(year + 1, 1, 15)
        if day > today:
            continue
        indicator_value_record(
            indicator=indicator,
            measured_on=datetime.date(year, 12, 31),
            year=year,
            value=Decimal(value),
            period_label=f"Năm {year}",
            source=ILLUSTRATIVE,
            published_on=day,
            is_illustrative=True,
            by=by,
            at=datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ),
        )


def indicators_seed(*, plans: list[Plan], department_plan: Plan, today: datetime.date, by=None) -> None:
    """The demo's indicators (idempotent: found by code and plan)."""
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    for code, name, unit, kind, direction, agency, description, (base, base_year), targets, values, published in INDICES:
        indicator = _indicator(
            code,
            {
                "scope": "province",
                "name": name,
                "unit": unit,
                "kind": kind,
                "direction": direction,
                "agency": agencies[agency],
                "description": description,
                "baseline_value": Decimal(base),
                "baseline_year": base_year,
                "baseline_source": ILLUSTRATIVE,
                "is_illustrative": True,
            },  # fmt: skip
            plan=None,
        )
        indicator.named_by.set(plans)
        _targets(indicator, targets)
        _values(indicator, values, published, today, by)
    for position, (code, name, unit, kind, direction, agency, numbers, (base, base_year), targets, values) in enumerate(TARGETS, 1):
        indicator = _indicator(
            code,
            {
                "scope": "plan",
                "name": name,
                "unit": unit,
                "kind": kind,
                "direction": direction,
                "agency": agencies[agency],
                "baseline_value": base,
                "baseline_year": base_year,
                "baseline_source": ILLUSTRATIVE,
                "is_illustrative": True,
                "position": position,
            },  # fmt: skip
            plan=department_plan,
        )
        indicator.tasks.set(Task.objects.filter(plan=department_plan, number__in=numbers))
        _targets(indicator, targets)
        _values(indicator, values, None, today, by)
