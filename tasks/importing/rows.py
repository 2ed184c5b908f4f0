"""Turning the rows under the header into sections and tasks, as a careful clerk reads them."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.spreadsheets import restore
from core.text import clean_text, search_key

from ..timeframes import Timeframe, parse_timeframe
from .agencies import AgencyMatcher
from .errors import RowError
from .headers import COOPERATING, LEAD, NOTE, NUMBER, PRODUCT, TIMEFRAME, TITLE, is_column_number_row

_ROMAN = re.compile(r"^(?=[IVXLC]+$)C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_LETTER = re.compile(r"^[A-Z]$")
_ARABIC = re.compile(r"^\d+$")
_DOTTED = re.compile(r"^\d+(\.\d+)+$")
_FOOTER = re.compile(r"^(ghi chu|luu y|noi nhan|tm\.|kt\.|chu tich|\*)")


@dataclass
class ParsedSection:
    row: int
    number: str
    title: str


@dataclass
class ParsedTask:
    row: int
    section: ParsedSection | None
    number: str  # unique in the plan: "5", or "II.1" where numbering restarts in each section
    title: str
    product: str
    note: str
    timeframe: Timeframe
    leads: list = field(default_factory=list)
    cooperating: list = field(default_factory=list)


@dataclass
class ParsedAnnex:
    title_lines: list[str]
    sheet_name: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parts: dict = field(default_factory=dict)  # name -> parts.PartRead: the other tables of the annex (parts.py)


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value.__class__ is int:  # most numbers: nothing to clean
        return str(value)
    return clean_text(value).rstrip(".").strip()


def _is_section_number(number: str) -> bool:
    upper = number.upper()
    return bool(_ROMAN.match(upper) or _LETTER.match(upper))


class RowReader:
    """Reads data rows one at a time; collects every error instead of stopping at the first."""

    def __init__(self, *, header: list, columns: dict[str, int], plan_start: datetime.date, matcher: AgencyMatcher, title_lines: list[str]):
        self.columns = columns
        self.headers = {column: clean_text(header[index]) for column, index in columns.items()}
        self.plan_start = plan_start
        self.matcher = matcher
        self.result = ParsedAnnex(title_lines=title_lines)
        self.section: ParsedSection | None = None
        self.roman_sections = False  # some section is numbered I, II… or A, B… (then 1, 2… number tasks)
        self.ended = False
        self._cleaned: dict[object, str] = {}  # products and notes repeat ("Báo cáo"): each spelling cleaned once

    def cleaned(self, value: object) -> str:
        """``clean_text(value, keep_lines=True)``, once per distinct value in the annex."""
        if value.__class__ is not str:  # numbers and dates are rare here (and 1 == 1.0 == True as keys)
            return clean_text(value, keep_lines=True)
        text = self._cleaned.get(value)
        if text is None:
            text = self._cleaned[value] = clean_text(value, keep_lines=True)
        return text

    def cell(self, values: list, column: str):
        index = self.columns.get(column)
        return restore(values[index]) if index is not None and index < len(values) else None

    def error(self, row: int, column: str, value: object, message: str) -> None:
        header = self.headers.get(column, column)
        self.result.errors.append(RowError(row, header, clean_text(value) if value is not None else "", message))

    def read(self, row: int, values: list) -> None:
        if self.ended or not any(value not in (None, "") and str(value).strip() for value in values):
            return
        if is_column_number_row(values):
            return
        number = _number_text(self.cell(values, NUMBER))
        title = clean_text(self.cell(values, TITLE), keep_lines=True)
        others = [self.cell(values, column) for column in (LEAD, COOPERATING, TIMEFRAME, PRODUCT)]
        has_details = any(value not in (None, "") and str(value).strip() for value in others)
        if not has_details and (
            not number or _FOOTER.match(search_key(next(value for value in values if value not in (None, "") and str(value).strip())))
        ):
            self.ended = bool(self.result.tasks)  # notes below the table end it
            return
        if not number:
            self.error(row, NUMBER, "", _("The task has no number (STT)."))
            return
        if not has_details and (_is_section_number(number) or (_ARABIC.match(number) and not self.roman_sections)):
            self._section(row, number.upper(), title)
            return
        if not (_ARABIC.match(number) or _DOTTED.match(number)):
            self.error(
                row,
                NUMBER,
                number,
                _("Cannot read the number “%(number)s”: write a task number such as 5, or a section number such as II.")
                % {"number": number},
            )
            return
        self._task(row, values, number, title)

    def _section(self, row: int, number: str, title: str) -> None:
        if not title:
            self.error(row, TITLE, "", _("Section %(number)s has no title.") % {"number": number})
        if any(section.number == number for section in self.result.sections):
            self.error(row, NUMBER, number, _("Section number %(number)s appears twice.") % {"number": number})
        self.section = ParsedSection(row, number, clean_text(title))
        self.result.sections.append(self.section)
        self.roman_sections = self.roman_sections or _is_section_number(number)

    def _task(self, row: int, values: list, number: str, title: str) -> None:
        if not title:
            self.error(row, TITLE, "", _("The task has no content."))
        try:
            timeframe = parse_timeframe(self.cell(values, TIMEFRAME), plan_start=self.plan_start)
        except ValidationError as error:
            self.error(row, TIMEFRAME, self.cell(values, TIMEFRAME), error.messages[0])
            timeframe = None
        leads, messages = self.matcher.parse(self.cell(values, LEAD))
        for message in messages:
            self.error(row, LEAD, self.cell(values, LEAD), message)
        if not leads and not messages:
            self.error(row, LEAD, "", _("The task has no lead agency."))
        cooperating, messages = self.matcher.parse(self.cell(values, COOPERATING))
        for message in messages:
            self.error(row, COOPERATING, self.cell(values, COOPERATING), message)
        if timeframe is None:
            return
        task = ParsedTask(
            row=row,
            section=self.section,
            number=number,
            title=title,
            product=self.cleaned(self.cell(values, PRODUCT)),
            note=self.cleaned(self.cell(values, NOTE)),
            timeframe=timeframe,
            leads=leads,
            cooperating=[entry for entry in cooperating if entry not in leads],
        )
        self.result.tasks.append(task)

    def finish(self) -> ParsedAnnex:
        """Qualify restarting numbers with their section ("II.1") and report true duplicates."""
        tasks = self.result.tasks
        firsts: dict[int, ParsedTask] = {}
        for task in tasks:
            if task.section is not None:
                firsts.setdefault(id(task.section), task)
        restarts = all(task.section for task in tasks) and any(first is not tasks[0] and first.number == "1" for first in firsts.values())
        seen: dict[str, ParsedTask] = {}
        for task in tasks:
            if restarts and not _DOTTED.match(task.number):
                task.number = f"{task.section.number}.{task.number}"
            if task.number in seen:
                self.error(
                    task.row,
                    NUMBER,
                    task.number,
                    _("Task number %(number)s appears twice (first on row %(row)d).")
                    % {"number": task.number, "row": seen[task.number].row},
                )
            seen.setdefault(task.number, task)
        if not tasks and not self.result.errors:
            self.result.errors.append(RowError(None, "", "", _("The annex has a header row but no task under it.")))
        return self.result
