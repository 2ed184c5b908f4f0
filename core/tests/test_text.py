import unicodedata

import pytest

from core.text import clean_text, search_key


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("thuỷ lợi", "thủy lợi"),
        ("sức khoẻ", "sức khỏe"),
        ("hoàn thành", "hoàn thành"),  # a final consonant: the mark stays on the second vowel
        ("Quý IV", "Quý IV"),  # "qu" is a consonant: the mark stays on y
        ("  Chuyển   đổi\n số ", "Chuyển đổi số"),
    ],
)
def test_text_is_stored_in_nfc_with_new_style_tone_marks(written, stored):
    assert clean_text(written) == stored
    assert clean_text(unicodedata.normalize("NFD", written)) == stored
    assert unicodedata.is_normalized("NFC", clean_text(written))


def test_long_text_keeps_its_line_breaks():
    assert clean_text("Dòng một  \r\n  Dòng hai", keep_lines=True) == "Dòng một\nDòng hai"


@pytest.mark.parametrize("typed", ["chuyen doi so", "CHUYỂN ĐỔI SỐ", "Chuyển đổi số", unicodedata.normalize("NFD", "Chuyển đổi số")])
def test_search_keys_ignore_case_accents_and_unicode_form(typed):
    assert search_key(typed) == "chuyen doi so"


def test_search_key_turns_d_with_stroke_into_d():
    assert search_key("Đài Phát thanh") == "dai phat thanh"


def test_both_tone_spellings_have_one_search_key():
    assert search_key("Uỷ ban") == search_key("Ủy ban") == "uy ban"


def test_every_old_style_pair_at_a_syllable_end_takes_the_new_style_and_no_other_text_changes():
    from core.text import _NEW_STYLE, normalise_tones

    for old, new in _NEW_STYLE.items():
        assert normalise_tones(f"H{old} t{old}.") == f"H{new} t{new}."
        assert normalise_tones(f"q{old}") == f"q{old}"  # "qu" is a consonant
        assert normalise_tones(f"{old}n") == f"{old}n"  # a letter follows: not a syllable end
    assert normalise_tones("uá oạ Uỵ hoàng quý Thuỷ") == "uá ọa Ụy hoàng quý Thủy"


def test_the_search_key_folds_a_word_at_a_time_exactly_as_the_whole_text_would_be_folded():
    import random

    from core.text import _ACCENTS, _search_key

    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    others = "0123456789 ,.;:-–“”()/&\t\n\u00a0\u2003\u3000ßΣİﬁ\u0301\u0323"
    rng = random.Random(16)
    for _ in range(2000):
        text = "".join(rng.choice(letters if rng.random() < 0.8 else others) for _ in range(rng.randint(0, 40)))
        text = unicodedata.normalize(rng.choice(["NFC", "NFD"]), text)
        assert _search_key(text) == clean_text(text).translate(_ACCENTS).casefold(), repr(text)
