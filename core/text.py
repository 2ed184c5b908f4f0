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


_SYLLABLE = re.compile(r"[^\W_]+")  # letters and digits: a syllable, a number, a code's part ("28", "kh", "ubnd")
# Between two fields of the search column: no phrase runs from one field into the next.
FIELD_BREAK = "|"


def search_words(value: object) -> list[str]:
    """The syllables of ``value`` as searched: accent-free, lower case, punctuation dropped.

    Vietnamese words are syllables separated by spaces, so a syllable is what search matches
    whole: "so" finds "số" and "sở" but not "soát"; "28/KH-UBND" is "28 kh ubnd".
    """
    return _SYLLABLE.findall(search_key(value))


def search_keys(*values: object) -> str:
    """The search column of several fields: each field's syllables, fields apart, with a space at both ends.

    " ke hoach chuyen doi so | 28 kh ubnd ": a whole syllable is `` word ``, a phrase is
    `` word word ``, found by the same ``LIKE`` on every database (and a trigram index on PostgreSQL).
    """
    fields = [" ".join(words) for words in map(search_words, values) if words]
    return f" {f' {FIELD_BREAK} '.join(fields)} " if fields else ""


def search_patterns(query: str) -> tuple[list[str], str | None]:
    """What a search ``query`` looks for in a search column: each of its syllables whole, and its phrase.

    The phrase (None for one syllable) ranks rows that hold the query's syllables in its order first.
    """
    words = list(dict.fromkeys(search_words(query)))
    phrase = search_words(query)
    return [f" {word} " for word in words], (f" {' '.join(phrase)} " if len(phrase) > 1 else None)


def _syllables(text: str) -> list[tuple[int, int, str]]:
    """Each syllable of ``text`` as written: (start, end, its search key)."""
    return [(m.start(), m.end(), _folded_word(m.group())) for m in _SYLLABLE.finditer(text)]


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the syllables of ``query`` occur whole in ``text``, ignoring accents and case, as (start, end) pairs.

    The same comparison as the search ("chuyen doi" finds "Chuyển đổi", "so" does not find "soát"),
    mapped back onto the text as written so that a page can highlight what matched.
    """
    words = set(search_words(query))
    if not words or not text:
        return []
    return [(start, end) for start, end, key in _syllables(text) if key in words]


def _phrase_start(syllables: list[tuple[int, int, str]], phrase: list[str]) -> int | None:
    keys = [key for _, _, key in syllables]
    for index in range(len(keys) - len(phrase) + 1):
        if keys[index : index + len(phrase)] == phrase:
            return index
    return None


def match_strength(text: str, query: str) -> tuple[bool, int]:
    """How well ``text`` matches ``query``: whether it holds the whole phrase, and how many of its syllables."""
    phrase = search_words(query)
    syllables = _syllables(unicodedata.normalize("NFC", str(text or "")))
    found = {key for _, _, key in syllables} & set(phrase)
    return (len(phrase) > 1 and _phrase_start(syllables, phrase) is not None, len(found))


def excerpt(text: str, query: str, *, words: int = 40) -> str:
    """``text`` cut to about ``words`` words around its best match of ``query`` ("… " and " …" where cut).

    The best match is the query's whole phrase, else its first syllable found; a text without a match
    is cut from its start. A long title whose match lies near its end still shows the match.
    """
    text = unicodedata.normalize("NFC", str(text or ""))
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if len(tokens) <= words:
        return text
    phrase = search_words(query)
    syllables = _syllables(text)
    centre = 0
    hit = _phrase_start(syllables, phrase) if phrase else None
    if hit is None:
        hit = next((index for index, (_, _, key) in enumerate(syllables) if key in set(phrase)), None)
    if hit is not None:
        position = syllables[hit][0]
        centre = next(index for index, (start, end) in enumerate(tokens) if end > position)
    first = max(0, min(centre - words // 3, len(tokens) - words))
    last = min(len(tokens), first + words)
    cut = text[tokens[first][0] : tokens[last - 1][1]]
    return ("… " if first else "") + cut + (" …" if last < len(tokens) else "")
