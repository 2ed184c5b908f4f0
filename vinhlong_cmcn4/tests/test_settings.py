import os
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_prints_no_warning_with_debug_off_and_real_values():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "theodoi.vinhlong.gov.vn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_are_vietnamese_first():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE


def test_every_message_of_the_catalogue_is_translated_and_compiled():
    catalogue = polib.pofile(str(ROOT / "locale/vi/LC_MESSAGES/django.po"))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    with translation.override("vi"):
        for entry in catalogue.translated_entries():
            if not entry.msgid_plural and not entry.msgctxt:
                assert translation.gettext(entry.msgid) == entry.msgstr, f"{entry.msgid!r}: run `make messages`"


def test_collectstatic_works_with_the_production_manifest_storage(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "theodoi.vinhlong.gov.vn",
        "STATIC_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


def test_migrate_on_sqlite_prints_no_w040_warning_block(tmp_path):
    """`make run` (SQLite) migrates first: the covering index's "SQLite does not support indexes with non-key columns"
    block was printed on every start (issue 30, point 11); PostgreSQL uses the index, SQLite merely ignores its extra columns."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "W040" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_whole_number_that_is_not_one_is_told_so_in_vietnamese():
    """Django's Vietnamese says 'Nhập một số tổng thể.' ('an overall number') for 'Enter a whole number.': the admin's
    number fields (a plan's report deadline day, an order) and the report form's version said it; ours comes first."""
    from django import forms
    from django.core.exceptions import ValidationError

    with translation.override("vi"):
        try:
            forms.IntegerField().clean("mười")
        except ValidationError as error:
            assert error.messages == ["Nhập một số nguyên."]
        else:
            raise AssertionError("a word taken for a whole number")
