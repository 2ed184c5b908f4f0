"""The cast of every test: one user per role, two agencies, and service detection."""

import os
import shutil

import pytest
from django.db import connection, connections

BROWSER = "/usr/bin/chromium"


def _redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _missing(marker: str) -> str | None:
    """Why a service a marker needs is absent, or None when it is here."""
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://… (CI's second pass does)"
    if marker == "redis" and not _redis_reachable():
        return "needs a Redis server: set REDIS_URL=redis://127.0.0.1:6379/0 (CI's second pass does)"
    if marker == "browser" and not (os.path.exists(BROWSER) or shutil.which("chromium")):
        return "needs Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)"
    if marker == "soffice" and not shutil.which("soffice"):
        return "needs LibreOffice's soffice (apt-get install libreoffice-writer-nogui; CI installs it)"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser", "soffice"):
        if item.get_closest_marker(marker) and (reason := _missing(marker)):
            if os.environ.get("REQUIRE_SERVICES"):  # CI's second pass: every service must be here
                pytest.fail(f"REQUIRE_SERVICES is set but this test {reason}")
            pytest.skip(reason)


def _use_library_calendar():
    from plans.workdays import WorkCalendar, calendar_use, library_working_days

    calendar_use(WorkCalendar(working_days=library_working_days(range(2014, 2031))))


def pytest_sessionstart(session):
    _use_library_calendar()  # modules compute periods when imported, before any test may read the database


@pytest.fixture(autouse=True)
def _library_calendar():
    """Deadlines follow the holidays library's calendar; a test of the admin's table calls ``calendar_changed``."""
    from plans.workdays import calendar_changed

    _use_library_calendar()
    yield
    calendar_changed()


@pytest.fixture(autouse=True)
def _summary_pdf_only_where_asked(request, settings):
    """Rendering a PDF takes LibreOffice seconds: only tests marked ``soffice`` do it."""
    settings.SUMMARY_PDF_SOFFICE = (shutil.which("soffice") or "") if request.node.get_closest_marker("soffice") else ""


@pytest.fixture(autouse=True)
def _figures_never_behind(settings):
    """A figure is computed on its reader's time (``FIGURES_BEHIND_SECONDS`` 0): a test reads what it just changed. The
    dashboard served behind while changes come in quick succession has its own tests (``test_figures_behind``)."""
    settings.FIGURES_BEHIND_SECONDS = 0


@pytest.fixture
def roles(db):
    from plans.services import roles_setup

    return roles_setup()


@pytest.fixture
def agency_a(db):
    from plans.tests.factories import AgencyFactory

    return AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông", aliases=["Sở TT&TT"])


@pytest.fixture
def agency_b(db):
    from plans.tests.factories import AgencyFactory

    return AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ", aliases=["Sở KH&CN"])


def _user(roles, username, role, agency=None, **extra):
    from plans.tests.factories import UserFactory

    user = UserFactory(username=username, agency=agency, **extra)
    user.groups.set([roles[role]])
    return user


@pytest.fixture
def officer_a(roles, agency_a):
    return _user(roles, "officer_a", "officer", agency_a)


@pytest.fixture
def officer_b(roles, agency_b):
    return _user(roles, "officer_b", "officer", agency_b)


@pytest.fixture
def head_a(roles, agency_a):
    return _user(roles, "head_a", "head", agency_a)


@pytest.fixture
def head_b(roles, agency_b):
    return _user(roles, "head_b", "head", agency_b)


@pytest.fixture
def coordinating_agency(db):
    from plans.tests.factories import AgencyFactory

    return AgencyFactory(code="VPUBND", name="Văn phòng Ủy ban nhân dân tỉnh", aliases=["VP UBND tỉnh"])


@pytest.fixture
def coordinator(roles, coordinating_agency):
    """Reviews the reports of agencies A and B (never those of its own agency)."""
    return _user(roles, "coordinator", "coordinator", coordinating_agency, is_staff=True)


@pytest.fixture
def leader(roles):
    return _user(roles, "leader", "leadership")


@pytest.fixture
def sysadmin(roles):
    return _user(roles, "sysadmin", "admin", is_staff=True, is_superuser=True)


@pytest.fixture
def max_queries():
    """``with max_queries(n):`` fails when the block runs more than n SQL statements.

    Unlike ``django_assert_max_num_queries`` it leaves out the SAVEPOINT statements that exist only
    because each test runs inside a transaction: it counts what production runs.
    """
    from contextlib import contextmanager

    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def check(limit: int):
        with CaptureQueriesContext(connection) as context:
            yield context
        statements = [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]
        assert len(statements) <= limit, f"{len(statements)} queries, at most {limit} expected:\n" + "\n".join(statements)

    return check


@pytest.fixture(autouse=True)
def celery_eager():
    """Jobs run in-process in tests; the broker integration tests opt out explicitly."""
    from core.tests.brokers import conf_set
    from vinhlong_cmcn4.celery import app

    previous = app.conf.task_always_eager
    conf_set(task_always_eager=True)
    yield
    conf_set(task_always_eager=previous)


@pytest.fixture(autouse=True)
def private_cache(settings, request):
    """Each test its own empty cache: rate-limit counters and progress must not leak from one test to the next."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}}
    from core.redis_breaker import breaker

    breaker.reset()  # a Redis given up by one test is asked again by the next


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture
def browser(live_server, monkeypatch):
    """Headless Debian Chromium driven by Playwright; screenshots go to test-artifacts/."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in this thread
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=BROWSER,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=vi",
            ],
        )
        chromium.base_url = live_server.url
        yield chromium
        chromium.close()
        # The test's own database connection was opened while Playwright's event loop ran: Django keeps it apart
        # from this thread's usual one, so it is closed here, where it is still the current one.
        connections.close_all()


def sign_in(browser, username: str, password: str = "Mật-khẩu-thử-2026", width: int = 1366):
    """A new browser page signed in as ``username``."""
    page = browser.new_page(viewport={"width": width, "height": 768}, locale="vi-VN")
    page.goto(browser.base_url + "/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    return page


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher(django_test_environment):
    """PBKDF2 costs ~0.7 s a hash on this machine; tests check behaviour, not key stretching."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """At the end, name and end any other session still connected to the test database (PostgreSQL).

    A worker or a subprocess that outlives its test would keep pytest-django from dropping the
    database ("being accessed by other users"); this says which one it was, then lets the drop happen.
    """
    import threading

    from django.db.backends.signals import connection_created

    def name_the_session(sender, connection, **kwargs):
        if connection.vendor == "postgresql":  # which test and thread opened it, for the warning below
            test = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]
            with connection.cursor() as cursor:
                cursor.execute("SET application_name = %s", [f"{threading.current_thread().name} {test}"[:63]])

    connection_created.connect(name_the_session, weak=False, dispatch_uid="name_the_session")
    yield
    connection_created.disconnect(dispatch_uid="name_the_session")
    if connection.vendor != "postgresql":
        return
    import warnings

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_start, left(query, 160) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        stray = cursor.fetchall()
        for pid, *_rest in stray:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    if stray:
        warnings.warn(f"sessions still connected to the test database at the end, ended: {stray}", stacklevel=1)


@pytest.fixture(autouse=True)
def _no_request_left_open():
    """Django's test client says a streamed response has gone only once its body is read: a test that left one unread
    left its thread in that request, and the next test's services queued their jobs behind a response that never went."""
    from core.after_response import request_forget

    request_forget()
