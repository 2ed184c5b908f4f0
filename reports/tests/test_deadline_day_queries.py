"""A deadline day's writes through the API, counted in statements: each one is a round trip that waits for the database
and then for the worker's turn under load (issue 29), so the officer's save, the officer's sending for approval and the
head's sending are pinned at what they need. PostgreSQL's count has the row locks and the kept counts' locks SQLite
does without."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.prepared import without_preparing
from reports.models import Notice
from tasks.kept import lead_parts_drift

pytestmark = pytest.mark.django_db

# The statements of each request, SQLite's and PostgreSQL's: the token and its user, the user's groups, the test's
# transaction's savepoint and its release (a request's own BEGIN and COMMIT are not counted) included. (The token, its
# user and their role group in one statement, tried in issue 29, took fewer round trips but a sixth more of the
# worker's time: Django building the group's subquery again on every request cost more than the statement it spared.)
SAVE = {"sqlite": 11, "postgresql": 11}
SUBMIT = {"sqlite": 16, "postgresql": 16}
SEND = {"sqlite": 18, "postgresql": 18}


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _counted(call, counts: dict[str, list[str]], name: str):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.json()
    # A statement made once is prepared on a connection the first time it runs again there (core.prepared): not a
    # statement of every request.
    counts[name] = [sql[:200] for sql in without_preparing([query["sql"] for query in queries])]
    return response


def test_a_deadline_days_save_and_sendings_take_the_statements_they_need(world, officer_a, head_a, coordinator):
    officer, head = _client(officer_a), _client(head_a)
    created = officer.post(
        "/api/v1/reports/",
        {"task": world.task.pk, "period": world.period_code, "progress": 40, "work_state": "in_progress", "results": "Đã tổ chức"},
    ).json()
    url = f"/api/v1/reports/{created['id']}/"
    body = {"progress": 55, "version": created["version"], "results": "Đã tổ chức hội nghị"}

    counts: dict[str, list[str]] = {}
    assert _counted(lambda: officer.patch(url, body), counts, "save").json()["progress"] == 55
    assert _counted(lambda: officer.post(url + "submit/"), counts, "submit").json()["state"] == "pending"
    assert _counted(lambda: head.post(url + "approve/"), counts, "send").json()["state"] == "submitted"
    most = {"save": SAVE[connection.vendor], "submit": SUBMIT[connection.vendor], "send": SEND[connection.vendor]}
    over = {name: len(sqls) for name, sqls in counts.items() if len(sqls) > most[name]}
    assert not over, f"statements {over}, at most {most}:\n" + "\n\n".join("\n".join(counts[name]) for name in over)

    # What the statements left out did not change: the head told, then the coordinator; the counts kept true.
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"head_a", "coordinator"}
    assert lead_parts_drift() == {}
