"""A plan's indicators in its Excel annex: read with the tasks (preview, errors by row and column, all or nothing),
written back as a sheet of the plan's annex export in the layout the import reads.

The sheet: one named "Chỉ tiêu", or any other sheet (not the task table's) whose header row has a "Chỉ tiêu"
column and two more of :data:`SYNONYMS`. Its columns, as offices write them:

- "Chỉ tiêu" (the name; required), "Mục tiêu" and "Năm đạt" (the target and its year; required columns);
- "STT", "Mã" (a short code: PCI, CT-01), "Đơn vị tính", "Giá trị cơ sở", "Năm cơ sở", "Nguồn số liệu cơ sở",
  "Loại" (Số, Tỷ lệ (%), Thứ hạng, Có/Không), "Chiều" (Càng cao càng tốt / Càng thấp càng tốt),
  "Cơ quan báo cáo", "Cách tính": optional.

Defaults, said on the import page: a kind not given is "Tỷ lệ (%)" when the unit is "%", "Thứ hạng" when the
unit is a rank, else "Số"; the direction, higher is better (a rank: its number falls as it improves); a baseline
without its year is of the year before the plan; no reporting agency named: the plan's coordinating agency.

A row without a name under an indicator, with a target and its year, adds a target to it (a plan often sets
2025 and 2030). Matching on import: by code when the row has one, else by name; a row naming a province-wide
index (PCI, DTI, …) links the plan to it without changing its figures. Indicators of the plan the file no
longer lists are kept and named (as tasks are).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import restore
from core.text import clean_text, search_key
from plans.models import Agency, Plan
from plans.selectors import holders_on
from tasks.importing.agencies import AgencyMatcher
from tasks.importing.errors import RowError
from tasks.importing.headers import HEADER_SEARCH_ROWS
from tasks.importing.parts import PartRead

from .choices import Direction, IndicatorKind, IndicatorScope
from .models import Indicator, IndicatorTarget
from .rules import provinces_in, value_problem, year_end

NUMBER, CODE, NAME, UNIT, KIND, DIRECTION = "number", "code", "name", "unit", "kind", "direction"
BASELINE, BASELINE_YEAR, SOURCE, TARGET, TARGET_YEAR, AGENCY, DESCRIPTION = (
    "baseline",
    "baseline_year",
    "source",
    "target",
    "target_year",
    "agency",
    "description",
)
SHEET = "Chỉ tiêu"
# The export's header, in the order it writes them: the import reads the same words (and the synonyms below).
HEADERS = {
    NUMBER: "STT",
    CODE: "Mã",
    NAME: "Chỉ tiêu",
    UNIT: "Đơn vị tính",
    KIND: "Loại",
    DIRECTION: "Chiều",
    BASELINE: "Giá trị cơ sở",
    BASELINE_YEAR: "Năm cơ sở",
    SOURCE: "Nguồn số liệu cơ sở",
    TARGET: "Mục tiêu",
    TARGET_YEAR: "Năm đạt",
    AGENCY: "Cơ quan báo cáo",
    DESCRIPTION: "Cách tính",
}
SYNONYMS: dict[str, str] = {
    **{search_key(text): column for column, text in HEADERS.items()},
    "tt": NUMBER,
    "so tt": NUMBER,
    "ma chi tieu": CODE,
    "ky hieu": CODE,
    "ten chi tieu": NAME,
    "noi dung chi tieu": NAME,
    "chi tieu, chi so": NAME,
    "chi so": NAME,
    "dvt": UNIT,
    "don vi": UNIT,
    "loai chi tieu": KIND,
    "chieu danh gia": DIRECTION,
    "co so": BASELINE,
    "gia tri nam co so": BASELINE,
    "nguon so lieu": SOURCE,
    "nguon": SOURCE,
    "gia tri muc tieu": TARGET,
    "muc tieu can dat": TARGET,
    "nam hoan thanh": TARGET_YEAR,
    "thoi han dat": TARGET_YEAR,
    "don vi bao cao": AGENCY,
    "co quan chu tri": AGENCY,
    "co quan theo doi": AGENCY,
    "cach do": DESCRIPTION,
    "ghi chu": DESCRIPTION,
}
REQUIRED = (NAME, TARGET, TARGET_YEAR)
KIND_WORDS = {
    "so": IndicatorKind.NUMBER,
    "so luong": IndicatorKind.NUMBER,
    "gia tri": IndicatorKind.NUMBER,
    "ty le": IndicatorKind.PERCENTAGE,
    "ty le (%)": IndicatorKind.PERCENTAGE,
    "phan tram": IndicatorKind.PERCENTAGE,
    "%": IndicatorKind.PERCENTAGE,
    "thu hang": IndicatorKind.RANK,
    "xep hang": IndicatorKind.RANK,
    "co/khong": IndicatorKind.YES_NO,
    "co khong": IndicatorKind.YES_NO,
}
KIND_TEXT = {
    IndicatorKind.NUMBER: "Số",
    IndicatorKind.PERCENTAGE: "Tỷ lệ (%)",
    IndicatorKind.RANK: "Thứ hạng",
    IndicatorKind.YES_NO: "Có/Không",
}
DIRECTION_WORDS = {
    "cang cao cang tot": Direction.HIGHER,
    "cao hon la tot": Direction.HIGHER,
    "tang": Direction.HIGHER,
    "cang thap cang tot": Direction.LOWER,
    "thap hon la tot": Direction.LOWER,
    "giam": Direction.LOWER,
}
DIRECTION_TEXT = {Direction.HIGHER: "Càng cao càng tốt", Direction.LOWER: "Càng thấp càng tốt"}
YES, NO = {"co", "x", "dat"}, {"khong", "chua", "khong dat"}
MAX_ROWS = 2000
_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_SECTION = re.compile(r"^(?=[IVXLC]+$)C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$|^[A-Z]$")
_BRACKETED = re.compile(r"^\(\d+\)$")
_FOOTER = re.compile(r"^(ghi chu|luu y|noi nhan|tm\.|kt\.|chu tich|\*)")
_LIMIT = Decimal(10) ** 12  # 14 digits, 2 after the point (models.VALUE)


class CellProblem(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


@dataclass
class ParsedIndicator:
    row: int
    code: str
    name: str
    unit: str
    kind: str
    direction: str
    baseline_value: Decimal | None
    baseline_year: int | None
    baseline_source: str
    description: str
    agency: Agency | None
    targets: list[tuple[int, Decimal, int]] = field(default_factory=list)  # (year, value, Excel row)
    existing: Indicator | None = None  # the plan's own indicator it updates
    province: Indicator | None = None  # a province-wide index the plan names

    def key(self) -> str:
        return f"code:{search_key(self.code)}" if self.code else f"name:{search_key(self.name)}"


def column_of(value: object) -> str | None:
    return SYNONYMS.get(" ".join(search_key(value).replace(":", "").split()))


def _is_header(values: list) -> bool:
    columns = {column_of(value) for value in values if value not in (None, "")}
    return NAME in columns and len(columns - {None}) >= 3


def _column_numbers(values: list) -> bool:
    """The "(1) (2) (3) …" row under the header (a row of figures is not one: its numbers are not 1, 2, 3…)."""
    filled = [str(value).strip() for value in values if value not in (None, "") and str(value).strip()]
    if len(filled) < 2:
        return False
    return all(_BRACKETED.match(value) for value in filled) or filled == [str(n) for n in range(1, len(filled) + 1)]


def number_of(value: object) -> Decimal | None:
    """A figure as offices type it: a number cell, "72,5", "72.5", "1.234,5", "95 %"; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellProblem(_("Write a number."))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = clean_text(value).replace(" ", "").removesuffix("%")
        # "1.234,5": dots group the thousands and the comma is the decimal point; "72,5" and "72.5" alike.
        text = text.replace(".", "").replace(",", ".") if "," in text and "." in text else text.replace(",", ".")
        if not _NUMBER.match(text):
            raise CellProblem(_("“%(value)s” is not a number: write e.g. 72,5.") % {"value": clean_text(value)})
        number = Decimal(text)
    try:
        if number != number.quantize(Decimal("0.01")):
            raise CellProblem(_("Write at most two decimals."))
    except InvalidOperation:
        raise CellProblem(_("Write a number.")) from None
    if abs(number) >= _LIMIT:
        raise CellProblem(_("The number is too large."))
    return number


def figure_of(value: object, *, kind: str, year: int | None) -> Decimal | None:
    """A value of an indicator of ``kind``: a rank may be written "12/63", a yes/no "Có" or "Không"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    key = search_key(value).strip()
    if kind == IndicatorKind.YES_NO and not isinstance(value, int | float | Decimal):
        if key in YES:
            return Decimal(1)
        if key in NO:
            return Decimal(0)
        raise CellProblem(_("Write “Có” or “Không” (or 1 or 0)."))
    if kind == IndicatorKind.RANK and isinstance(value, str) and "/" in value:
        rank, _slash, among = value.partition("/")
        number, provinces = number_of(rank), number_of(among)
        if year is not None and provinces is not None and provinces != provinces_in(year):
            raise CellProblem(
                _("A rank of %(year)d is among %(provinces)d provinces, not %(among)s.")
                % {"year": year, "provinces": provinces_in(year), "among": among.strip()}
            )
        return number
    return number_of(value)


def year_of(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.date):
        return value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    match = _YEAR.match(search_key(value).strip())
    year = int(match.group(1)) if match else None
    if year is None or not 1990 <= year <= 2100:
        raise CellProblem(_("“%(value)s” is not a year: write e.g. 2030.") % {"value": clean_text(value)})
    return year


class IndicatorsPart:
    """The indicators table of an annex (``tasks.importing.parts``), registered by ``IndicatorsConfig.ready``."""

    name = "indicators"

    # Reading -------------------------------------------------------------------------------------------------

    def read(self, *, workbook, task_sheet: str, plan: Plan, matcher: AgencyMatcher, on: datetime.date) -> PartRead | None:
        for sheet in workbook.worksheets:
            if sheet.title == task_sheet or not hasattr(sheet, "iter_rows"):
                continue
            named = search_key(sheet.title).strip() == search_key(SHEET)
            rows = self._rows(sheet)
            try:
                for number, values in rows:
                    if number > HEADER_SEARCH_ROWS:
                        break
                    if _is_header(values):
                        return _Reader(sheet.title, plan=plan, matcher=matcher, on=on).read(number, values, rows)
            except CellProblem as problem:
                return PartRead(sheet=sheet.title, errors=[RowError(None, "", "", str(problem))])
            if named:
                message = _(
                    "The sheet “%(sheet)s” has no header row with “Chỉ tiêu”, “Mục tiêu”, “Năm đạt” in its first %(rows)d rows."
                ) % {"sheet": sheet.title, "rows": HEADER_SEARCH_ROWS}
                return PartRead(sheet=sheet.title, errors=[RowError(None, "", "", message)])
        return None

    @staticmethod
    def _rows(sheet):
        """The sheet's rows, numbered as Excel numbers them; a sheet that breaks while read rejects the file."""
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [restore(value) for value in values[:60]]
        except CellProblem:
            raise
        except Exception:  # openpyxl's and defusedxml's many errors: the user needs one message
            raise CellProblem(
                _("Excel cannot read the sheet “%(sheet)s”: it may be damaged. Open it in Excel, save it as .xlsx and try again.")
                % {"sheet": sheet.title}
            ) from None

    # Writing -------------------------------------------------------------------------------------------------

    def write(self, *, plan: Plan, read: PartRead, by) -> dict:
        """Create or update the plan's indicators and their targets from ``read`` (inside the import's transaction)."""
        counts = {"created": 0, "updated": 0, "unchanged": 0, "linked": 0}
        seen: set[int] = set()
        today = timezone.localdate()
        holders = holders_on(as_of=today)
        for position, parsed in enumerate(read.items, start=1):
            if parsed.province is not None:
                seen.add(parsed.province.pk)
                if not parsed.province.named_by.filter(pk=plan.pk).exists():
                    parsed.province.named_by.add(plan)
                    counts["linked"] += 1
                else:
                    counts["unchanged"] += 1
                continue
            indicator = parsed.existing or Indicator(scope=IndicatorScope.PLAN, plan=plan)
            agency = parsed.agency
            if indicator.pk and agency is not None and holders.get(indicator.agency_id, indicator.agency) == agency:
                agency = indicator.agency  # the file names today's holder: the agency stays as recorded (as-of reads)
            values = {
                "code": parsed.code,
                "name": parsed.name,
                "unit": parsed.unit,
                "kind": parsed.kind,
                "direction": parsed.direction,
                "baseline_value": parsed.baseline_value,
                "baseline_year": parsed.baseline_year,
                "baseline_source": parsed.baseline_source,
                "description": parsed.description,
                "agency_id": agency.pk if agency is not None else None,
                "position": position,
            }
            changed = [name for name, value in values.items() if getattr(indicator, name) != value]
            for name in changed:
                setattr(indicator, name, values[name])
            created = indicator.pk is None
            if created or changed:
                indicator.save()
            seen.add(indicator.pk)
            targets_changed = self._targets(indicator, parsed.targets, created=created)
            if created:
                counts["created"] += 1
            elif changed or targets_changed:
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        counts["missing"] = [str(indicator) for indicator in Indicator.objects.filter(plan=plan).exclude(pk__in=seen)]
        return counts

    @staticmethod
    def _targets(indicator: Indicator, wanted: list[tuple[int, Decimal, int]], *, created: bool) -> bool:
        """The indicator's targets become the file's (a target of a year kept keeps its day); whether any changed."""
        current = {} if created else {target.year: target for target in indicator.targets.all()}
        changed = False
        for year, value, _row in wanted:
            target = current.pop(year, None)
            if target is None:
                IndicatorTarget.objects.create(indicator=indicator, year=year, due_on=year_end(year), value=value)
                changed = True
            elif target.value != value:
                target.value = value
                target.save(update_fields=["value"])
                changed = True
        if current:
            IndicatorTarget.objects.filter(pk__in=[target.pk for target in current.values()]).delete()
            changed = True
        return changed

    # Exporting -----------------------------------------------------------------------------------------------

    def exports(self, *, plan: Plan) -> bool:
        from .selectors import indicators_of_plan

        return indicators_of_plan(plan).exists()

    def export(self, *, plan: Plan, workbook) -> None:
        rows = list(indicator_annex_rows(plan))
        if not rows:
            return
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        sheet = workbook.create_sheet(SHEET)
        for index, width in enumerate((6, 10, 50, 12, 12, 18, 12, 10, 30, 12, 10, 32, 30)):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        bold, plain = Font(name="Times New Roman", bold=True), Font(name="Times New Roman")
        wrap = Alignment(wrap_text=True, vertical="top")
        for index, row in enumerate(_title_rows(plan) + rows, start=1):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text as typed, never a formula (core.spreadsheets)
                cell.font = bold if index <= TITLE_ROWS + 1 else plain
                cell.alignment = wrap
                cells.append(cell)
            sheet.append(cells)


TITLE_ROWS = 6


def _title_rows(plan: Plan) -> list[list]:
    return [
        ["ỦY BAN NHÂN DÂN", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        [f"TỈNH {settings.PORTAL_PROVINCE.upper()}", None, "Độc lập - Tự do - Hạnh phúc"],
        [],
        ["PHỤ LỤC"],
        [f"CÁC CHỈ TIÊU CỦA KẾ HOẠCH SỐ {plan.symbol} NGÀY {plan.issued_on:%d/%m/%Y}".upper()],
        [],
    ]


def _export_figure(kind: str, value: Decimal | None):
    if value is None:
        return None
    if kind == IndicatorKind.YES_NO:
        return "Có" if value else "Không"
    return int(value) if value == value.to_integral_value() else float(value)


def indicator_annex_rows(plan: Plan):
    """The header, the column numbers and the plan's indicators (its own, then the province-wide indices it names),
    a row each with its first target, and a row under it for each further target; nothing when it has none."""
    from .selectors import indicators_of_plan

    indicators = list(indicators_of_plan(plan).select_related("agency").prefetch_related("targets").order_by("scope", "position", "pk"))
    if not indicators:
        return
    yield list(HEADERS.values())
    yield [f"({index})" for index in range(1, len(HEADERS) + 1)]
    for number, indicator in enumerate(indicators, start=1):
        targets = sorted(indicator.targets.all(), key=lambda target: target.due_on)
        first = targets[0] if targets else None
        yield [
            number,
            indicator.code,
            indicator.name,
            indicator.unit,
            KIND_TEXT[indicator.kind],
            DIRECTION_TEXT[indicator.direction],
            _export_figure(indicator.kind, indicator.baseline_value),
            indicator.baseline_year,
            indicator.baseline_source,
            _export_figure(indicator.kind, first.value) if first else None,
            first.year if first else None,
            indicator.agency.name,
            indicator.description,
        ]
        for target in targets[1:]:
            yield [None] * 9 + [_export_figure(indicator.kind, target.value), target.year, None, None]


class _Reader:
    """Reads the rows under the header of the indicators sheet, collecting every error."""

    def __init__(self, sheet: str, *, plan: Plan, matcher: AgencyMatcher, on: datetime.date) -> None:
        self.plan, self.matcher, self.on = plan, matcher, on
        self.result = PartRead(sheet=sheet)
        self.headers: dict[str, str] = {}
        self.columns: dict[str, int] = {}
        self.defaulted_baseline = False

    def error(self, row: int | None, column: str, value: object, message: str) -> None:
        header = self.headers.get(column, HEADERS.get(column, column))
        text = "" if value is None else clean_text(value)
        self.result.errors.append(RowError(row, header, text, f"{_('Sheet')} “{self.result.sheet}”: {message}"))

    def cell(self, values: list, column: str):
        index = self.columns.get(column)
        return values[index] if index is not None and index < len(values) else None

    def text(self, values: list, column: str) -> str:
        return clean_text(self.cell(values, column), keep_lines=column == DESCRIPTION)

    def read(self, header_row: int, header: list, rows) -> PartRead:
        for index, value in enumerate(header):
            if value in (None, "") or not str(value).strip():
                continue
            column = column_of(value)
            if column is None:
                text = clean_text(value)
                self.error(header_row, text, value, _("Unknown column header: check its spelling (e.g. “Đơn vị tính”, “Năm đạt”)."))
            elif column in self.columns:
                self.error(header_row, clean_text(value), value, _("This column appears twice."))
            else:
                self.columns[column], self.headers[column] = index, clean_text(value)
        for column in REQUIRED:
            if column not in self.columns:
                self.error(None, column, None, _("The sheet has no such column: add it to the header row."))
        if self.result.errors:
            return self.result
        existing = self._existing()
        last: ParsedIndicator | None = None
        for row, values in rows:
            if not any(value not in (None, "") and str(value).strip() for value in values) or _column_numbers(values):
                continue
            name, number = self.text(values, NAME), clean_text(self.cell(values, NUMBER))
            target, target_year = self.cell(values, TARGET), self.cell(values, TARGET_YEAR)
            has_target = any(value not in (None, "") and str(value).strip() for value in (target, target_year))
            if not name:
                first = next(value for value in values if value not in (None, "") and str(value).strip())
                if not has_target and (_FOOTER.match(search_key(first)) or _SECTION.match(number.upper())):
                    if _FOOTER.match(search_key(first)) and self.result.items:
                        break  # notes under the table end it
                    continue  # a heading ("I. Chỉ tiêu về kinh tế số"): read for the eye only
                if last is None or number:
                    self.error(row, NAME, None, _("The indicator has no name."))
                    continue
                self._target(row, values, last)
                continue
            if not has_target and _SECTION.match(number.upper()):
                continue  # a group heading with its title in the name column
            if len(self.result.items) >= MAX_ROWS:
                self.error(row, "", None, _("The sheet has more than %(limit)d indicators: split it.") % {"limit": MAX_ROWS})
                break
            last = self._indicator(row, values, name, existing)
            if last is not None:
                self.result.items.append(last)
        self._duplicates()
        if self.defaulted_baseline:
            self.result.warnings.append(
                _("Baselines without their year are taken as of %(year)d, the year before the plan (column “Năm cơ sở”).")
                % {"year": self.on.year - 1}
            )
        self.result.preview = [self._preview(parsed) for parsed in self.result.items]
        return self.result

    def _existing(self) -> dict[str, Indicator]:
        """The plan's own indicators and every province-wide index, by code and by name (own first)."""
        found: dict[str, Indicator] = {}
        chosen = Indicator.objects.filter(plan=self.plan).select_related("agency").prefetch_related("targets")
        provinces = Indicator.objects.filter(scope=IndicatorScope.PROVINCE).select_related("agency")
        for indicator in [*chosen, *provinces]:
            if indicator.code:
                found.setdefault(f"code:{search_key(indicator.code)}", indicator)
            found.setdefault(f"name:{search_key(indicator.name)}", indicator)
        return found

    def _figure(self, row: int, values: list, column: str, *, kind: str, year: int | None) -> Decimal | None:
        try:
            value = figure_of(self.cell(values, column), kind=kind, year=year)
        except CellProblem as problem:
            self.error(row, column, self.cell(values, column), str(problem))
            return None
        if value is not None and year is not None and (problem := value_problem(kind=kind, value=value, year=year)):
            self.error(row, column, self.cell(values, column), str(problem))
            return None
        return value

    def _year(self, row: int, values: list, column: str) -> int | None:
        try:
            return year_of(self.cell(values, column))
        except CellProblem as problem:
            self.error(row, column, self.cell(values, column), str(problem))
            return None

    def _target(self, row: int, values: list, parsed: ParsedIndicator) -> None:
        year = self._year(row, values, TARGET_YEAR)
        if year is None:
            if self.cell(values, TARGET_YEAR) in (None, ""):
                self.error(row, TARGET_YEAR, None, _("Give the year the target is to be reached."))
            return
        value = self._figure(row, values, TARGET, kind=parsed.kind, year=year)
        if value is None:
            if self.cell(values, TARGET) in (None, ""):
                self.error(row, TARGET, None, _("Give the target's value."))
            return
        earlier = next((target for target in parsed.targets if target[0] == year), None)
        if earlier is not None:
            self.error(
                row,
                TARGET_YEAR,
                year,
                _("This indicator already has a target for %(year)d (row %(row)d).") % {"year": year, "row": earlier[2]},
            )
            return
        parsed.targets.append((year, value, row))

    def _kind(self, row: int, values: list, unit: str) -> str:
        written = self.cell(values, KIND)
        if written in (None, "") or not str(written).strip():
            unit_key = search_key(unit).strip()
            if unit_key == "%":
                return IndicatorKind.PERCENTAGE
            return IndicatorKind.RANK if unit_key in ("hang", "thu hang", "xep hang") else IndicatorKind.NUMBER
        kind = KIND_WORDS.get(search_key(written).strip())
        if kind is None:
            self.error(row, KIND, written, _("Write one of: %(words)s.") % {"words": ", ".join(KIND_TEXT.values())})
            return IndicatorKind.NUMBER
        return kind

    def _direction(self, row: int, values: list, kind: str) -> str:
        written = self.cell(values, DIRECTION)
        if written in (None, "") or not str(written).strip():
            return Direction.LOWER if kind == IndicatorKind.RANK else Direction.HIGHER
        direction = DIRECTION_WORDS.get(search_key(written).strip())
        if direction is None:
            self.error(row, DIRECTION, written, _("Write one of: %(words)s.") % {"words": ", ".join(DIRECTION_TEXT.values())})
            return Direction.HIGHER
        return direction

    def _agency(self, row: int, values: list) -> Agency | None:
        written = self.cell(values, AGENCY)
        if written in (None, "") or not str(written).strip():
            if self.plan.coordinator_id is None:
                self.error(
                    row, AGENCY, None, _("Name the agency reporting this indicator (the plan has no coordinating agency to default to).")
                )
                return None
            return self.plan.coordinator
        found, messages = self.matcher.parse(written)
        for message in messages:
            self.error(row, AGENCY, written, message)
        agencies = [entry for entry in found if isinstance(entry, Agency)]
        if messages:
            return None
        if len(found) != 1 or len(agencies) != 1:
            self.error(row, AGENCY, written, _("Name one agency (not a group, not several): the one that reports the indicator."))
            return None
        return agencies[0]

    def _indicator(self, row: int, values: list, name: str, existing: dict[str, Indicator]) -> ParsedIndicator | None:
        errors_before = len(self.result.errors)
        unit = self.text(values, UNIT)
        kind = self._kind(row, values, unit)
        baseline_year = self._year(row, values, BASELINE_YEAR)
        baseline_cell = self.cell(values, BASELINE)
        if baseline_year is None and baseline_cell not in (None, "") and str(baseline_cell).strip() and BASELINE_YEAR not in self.columns:
            baseline_year = self.on.year - 1
            self.defaulted_baseline = True
        elif baseline_year is None and baseline_cell not in (None, "") and str(baseline_cell).strip():
            self.error(row, BASELINE_YEAR, None, _("Give the year of the baseline."))
        parsed = ParsedIndicator(
            row=row,
            code=self.text(values, CODE)[:32],
            name=name,
            unit=unit[:64],
            kind=kind,
            direction=self._direction(row, values, kind),
            baseline_value=self._figure(row, values, BASELINE, kind=kind, year=baseline_year),
            baseline_year=None,
            baseline_source=self.text(values, SOURCE)[:500],
            description=self.text(values, DESCRIPTION),
            agency=None,
        )
        parsed.baseline_year = baseline_year if parsed.baseline_value is not None else None
        match = existing.get(parsed.key()) or (existing.get(f"name:{search_key(name)}") if parsed.code else None)
        if match is not None and match.code and parsed.code and search_key(match.code) != search_key(parsed.code):
            match = None  # same name, another code: another indicator
        if match is not None and match.scope == IndicatorScope.PROVINCE:
            parsed.province = match  # its figures are the province's: the plan only names it
            return parsed if len(self.result.errors) == errors_before else None
        parsed.existing = match
        parsed.agency = self._agency(row, values)
        self._target(row, values, parsed)
        if parsed.existing is not None and parsed.existing.kind != kind:
            # A kind changed on an indicator with values: each value must still be one of the new kind.
            for value in parsed.existing.values.filter(superseded_at__isnull=True).order_by("measured_on"):
                if problem := value_problem(kind=kind, value=value.value, year=value.year):
                    self.error(
                        row,
                        KIND,
                        self.cell(values, KIND),
                        _("The value of %(day)s (%(value)s) does not fit this kind: %(problem)s")
                        % {"day": value.measured_on.strftime("%d/%m/%Y"), "value": value.value, "problem": problem},
                    )
                    break
        return parsed if len(self.result.errors) == errors_before else None

    def _duplicates(self) -> None:
        seen: dict[str, ParsedIndicator] = {}
        for parsed in self.result.items:
            key = parsed.province.pk if parsed.province else parsed.key()
            first = seen.setdefault(str(key), parsed)
            if first is not parsed:
                column = CODE if parsed.code else NAME
                self.error(
                    parsed.row,
                    column,
                    parsed.code or parsed.name,
                    _("This indicator appears twice (first on row %(row)d).") % {"row": first.row},
                )

    def _preview(self, parsed: ParsedIndicator) -> dict:
        if parsed.province is not None:
            action = _("province-wide index: the plan names it")
        else:
            action = _("update") if parsed.existing is not None else _("new")
        return {
            "row": parsed.row,
            "code": parsed.code,
            "name": parsed.name,
            "unit": parsed.unit,
            "kind": str(IndicatorKind(parsed.kind).label),
            "baseline": "" if parsed.baseline_value is None else f"{parsed.baseline_value} ({parsed.baseline_year})",
            "targets": "; ".join(f"{value} ({year})" for year, value, _row in parsed.targets),
            "agency": parsed.agency.name if parsed.agency else "",
            "action": str(action),
        }
