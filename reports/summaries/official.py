"""Wording of administrative documents, Nghị định 30/2020/NĐ-CP on văn thư (Appendix I).

- Place and date: "Vĩnh Long, ngày 05 tháng 01 năm 2018" — days below 10 and the months
  January and February take a leading zero (so that nobody can add a digit), others do not.
- Dates in the body as office practice writes them when citing a document: "ngày 04/5/2017",
  "ngày 15/01/2018" — the same padding, with slashes.
- Number and symbol: "Số: 125/BC-UBND"; before issue the number is left blank for the clerk. Numbers run from 01
  each year (Điều 15): a number below 10 is written with a leading zero ("05/BC-UBND"), and "015" is 15.
"""

import datetime

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def date_line(place: str, day: datetime.date) -> str:
    """The place-and-date line of a document issued on ``day``."""
    return f"{place}, ngày {day.day:02d} tháng {_month(day)} năm {day.year}"


def _month(day: datetime.date) -> str:
    return f"{day.month:02d}" if day.month <= 2 else str(day.month)


def short_date(day: datetime.date) -> str:
    """A date in the body: "04/5/2017", "15/01/2018", "31/12/2018"."""
    return f"{day.day:02d}/{_month(day)}/{day.year}"


def number_line(number: str, suffix: str) -> str:
    """ "Số: 125/BC-UBND", or "Số:      /BC-UBND" while the number is not given."""
    return f"Số: {number}/{suffix}" if number else f"Số:        /{suffix}"


def official_number(typed: str) -> str:
    """The number the clerk gave, as the document writes it: "125", "15", "05" for 5 (also typed 005); "" when
    ``typed`` is no such number (letters, "125a", 0, digits other than ASCII ones, more than 32 digits)."""
    typed = typed.strip()
    if not typed or len(typed) > 32 or not typed.isascii() or not typed.isdigit() or int(typed) == 0:
        return ""
    return f"{int(typed):02d}"


def roman(n: int) -> str:
    """Heading numbers of the body: I, II, III…"""
    return ROMAN[n - 1] if 1 <= n <= len(ROMAN) else str(n)
