"""Wording of administrative documents, Nghị định 30/2020/NĐ-CP on văn thư (Appendix I).

- Place and date: "Vĩnh Long, ngày 05 tháng 01 năm 2018" — days below 10 and the months
  January and February take a leading zero (so that nobody can add a digit), others do not.
- Dates in the body as office practice writes them when citing a document: "ngày 04/5/2017",
  "ngày 15/01/2018" — the same padding, with slashes.
- Number and symbol: "Số: 125/BC-UBND"; before issue the number is left blank for the clerk.
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


def roman(n: int) -> str:
    """Heading numbers of the body: I, II, III…"""
    return ROMAN[n - 1] if 1 <= n <= len(ROMAN) else str(n)
