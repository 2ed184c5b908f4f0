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

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_LETTER_AFTER = r"(?![^\W\d_])"  # not followed by a letter: the syllable ends here
# "oá" → "óa", "oẹ" → "ọe", "uý" → "úy", except after "q" where "u" is part of the consonant.
_OLD_STYLE = re.compile(rf"(?<![qQ])([oO])([aAeE])([{_TONE_MARKS}]){_LETTER_AFTER}|(?<![qQ])([uU])([yY])([{_TONE_MARKS}]){_LETTER_AFTER}")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_ALL_WHITESPACE = re.compile(r"\s+")


def _move_tone(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1) + match.group(3) + match.group(2)
    return match.group(4) + match.group(6) + match.group(5)


def normalise_tones(text: str) -> str:
    """Return NFC text with tone marks placed in the new style ("hoá" → "hóa")."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_STYLE.sub(_move_tone, decomposed))


def clean_text(value: object, *, keep_lines: bool = False) -> str:
    """Clean text as stored: NFC, new-style tone marks, no stray spaces.

    With ``keep_lines`` the line breaks a person typed are kept (for long content);
    otherwise every run of white space becomes one space (for titles and names).
    """
    if value is None:
        return ""
    text = normalise_tones(str(value))
    if not keep_lines:
        return _ALL_WHITESPACE.sub(" ", text).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def search_key(value: object) -> str:
    """Return the accent-free, lower-case key used to compare and search text.

    "Chuyển đổi số" and "CHUYEN DOI SO" have the same key, "chuyen doi so"; so do
    "Ủy ban" and "Uỷ ban". "đ" becomes "d", as people type it without diacritics.
    """
    text = unicodedata.normalize("NFD", clean_text(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("đ", "d").replace("Đ", "D")
    return text.casefold()


def search_keys(*values: object) -> str:
    """Join the search keys of several fields into one searchable column."""
    return " ".join(key for key in (search_key(value) for value in values) if key)
