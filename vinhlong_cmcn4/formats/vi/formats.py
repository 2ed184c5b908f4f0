"""Vietnamese formats: day first everywhere, as people in Vietnam write dates.

Django's stock ``vi`` locale sets no input formats, so it falls back to month-first
parsing ("05/03/2026" would be 3 May). These override it.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
YEAR_MONTH_FORMAT = r"\t\h\á\n\g n/Y"
MONTH_DAY_FORMAT = "d/m"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 05/03/2026
    "%d/%m/%y",  # 05/03/26
    "%d-%m-%Y",  # 05-03-2026
    "%d.%m.%Y",  # 05.03.2026
    "%Y-%m-%d",  # ISO, for API clients and <input type="date">
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H giờ %M"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%d",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
