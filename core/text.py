"""Vietnamese text normalisation: one spelling for the same words.

Vietnamese arrives in two Unicode forms (NFC and decomposed NFD) and two tone-mark
placements ("hoá"/"hóa", "Uỷ"/"Ủy", the old and the new style of the 1980s spelling
reforms). The portal stores clean NFC text with the tone mark on the first vowel of
"oa", "oe" and "uy" when nothing follows them (the style of Nghị định 30/2020's
examples: "Hòa", "Ủy ban"); every comparison, search and uniqueness check goes
through :func:`clean_text` or :func:`search_key`.
"""

import re
import unicodedata
from functools import lru_cache

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def _old_style_table() -> dict[str, str]:
    """Old-style pairs in NFC ("oá", "uỷ", …) and their new-style spelling ("óa", "ủy")."""
    table = {}
    for first, seconds in (("o", "ae"), ("O", "AE"), ("o", "AE"), ("O", "ae"), ("u", "y"), ("U", "Y"), ("u", "Y"), ("U", "y")):
        for second in seconds:
            for mark in _TONE_MARKS:
                old = unicodedata.normalize("NFC", first + second + mark)
                new = unicodedata.normalize("NFC", first + mark + second)
                table[old] = new
    return table


_NEW_STYLE = _old_style_table()
# An old-style pair that ends its syllable (no letter follows), not after "q" where "u" belongs to the consonant.
# Every pair is two characters, an unmarked vowel then a marked one: two character classes find the
# candidates (several times faster than an alternation of every pair) and the table decides.
_OLD_STYLE = re.compile(
    "(?<![qQ])([" + "".join(sorted({old[0] for old in _NEW_STYLE})) + "][" + "".join(sorted({old[1] for old in _NEW_STYLE})) + "])"
    "(?![^\\W\\d_])"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_tones(text: str) -> str:
    """Return NFC text with tone marks placed in the new style ("hoá" → "hóa")."""
    if text.isascii():  # numbers, codes, unaccented text: already NFC, and no tone marks to move
        return text
    text = unicodedata.normalize("NFC", text)
    return _OLD_STYLE.sub(lambda match: _NEW_STYLE.get(match.group(1), match.group(1)), text)


def clean_text(value: object, *, keep_lines: bool = False) -> str:
    """Clean text as stored: NFC, new-style tone marks, no stray spaces.

    With ``keep_lines`` the line breaks a person typed are kept (for long content);
    otherwise every run of white space becomes one space (for titles and names).
    """
    if value is None:
        return ""
    text = normalise_tones(str(value))
    if not keep_lines:
        return " ".join(text.split())  # str.split() and re's \s agree on what white space is
    if "\n" not in text and "\r" not in text:  # most cells: one line
        return _SPACES.sub(" ", text).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _accent_table() -> dict[int, str]:
    """Every accented Latin letter (Vietnamese included) → its base letter; "đ" → "d"."""
    table = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch))
        if base != chr(code) and base:
            table[code] = base
    table.update({ord("đ"): "d", ord("Đ"): "D"})
    table.update(dict.fromkeys(range(0x0300, 0x0370), None))  # stray combining marks
    return table


_ACCENTS = _accent_table()


@lru_cache(maxsize=65536)
def _folded_word(word: str) -> str:
    return word.translate(_ACCENTS).casefold()


@lru_cache(maxsize=65536)
def _search_key(text: str) -> str:
    # clean_text(text).translate(_ACCENTS).casefold(), a word at a time: both act letter by letter and
    # add no white space, and a text of a few thousand distinct words is folded once per word.
    return " ".join(map(_folded_word, clean_text(text).split(" ")))


def search_key(value: object) -> str:
    """Return the accent-free, lower-case key used to compare and search text.

    "Chuyển đổi số" and "CHUYEN DOI SO" have the same key, "chuyen doi so"; so do
    "Ủy ban" and "Uỷ ban". "đ" becomes "d", as people type it without diacritics.
    """
    return _search_key(value if isinstance(value, str) else ("" if value is None else str(value)))


def search_keys(*values: object) -> str:
    """Join the search keys of several fields into one searchable column."""
    return " ".join(key for key in (search_key(value) for value in values) if key)


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the words of ``query`` occur in ``text``, ignoring accents and case, as (start, end) pairs.

    The same comparison as the search ("chuyen doi" finds "Chuyển đổi"), mapped back onto the text
    as written so that a page can highlight what matched. Overlapping matches are merged.
    """
    words = search_key(query).split()
    if not words or not text:
        return []
    folded, origin = [], []
    for index, char in enumerate(text):
        for piece in char.translate(_ACCENTS).casefold():
            folded.append(piece)
            origin.append(index)
    haystack = "".join(folded)
    spans = []
    for word in words:
        start = haystack.find(word)
        while start != -1:
            spans.append((origin[start], origin[start + len(word) - 1] + 1))
            start = haystack.find(word, start + len(word))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
