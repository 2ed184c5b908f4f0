"""Wording of administrative documents, Nghị định 30/2020/NĐ-CP on văn thư (Appendix I).

- Place and date: "Vĩnh Long, ngày 05 tháng 01 năm 2018" — days below 10 and the months
  January and February take a leading zero (so that nobody can add a digit), others do not.
- Number and symbol: "Số: 125/BC-UBND"; before issue the number is left blank for the clerk.
"""

import datetime

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def date_line(place: str, day: datetime.date) -> str:
    """The place-and-date line of a document issued on ``day``."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number: str, suffix: str) -> str:
    """ "Số: 125/BC-UBND", or "Số:      /BC-UBND" while the number is not given."""
    return f"Số: {number}/{suffix}" if number else f"Số:        /{suffix}"


def roman(n: int) -> str:
    """Heading numbers of the body: I, II, III…"""
    return ROMAN[n - 1] if 1 <= n <= len(ROMAN) else str(n)
