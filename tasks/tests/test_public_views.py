import csv
import io
import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from plans.choices import PlanState
from plans.tests.factories import PlanFactory
from tasks.columns import AS_PLANNED_KEYS, IN_THE_DUE_DATE, PUBLIC_PAGE, PUBLIC_TASKS, UNDER_THE_TASK
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_home_lists_published_plans_with_their_progress(client):
    plan = PlanFactory(symbol="28/KH-UBND", title="Kế hoạch thực hiện Chỉ thị 16")
    TaskFactory(plan=plan, progress=40)
    TaskFactory(plan=plan, progress=80)
    PlanFactory(symbol="99/KH-UBND", state=PlanState.DRAFT, is_published=False)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "28/KH-UBND" in html
    assert "60%" in html
    assert "99/KH-UBND" not in html
    assert "Các kế hoạch đã công bố" in html  # Vietnamese, whatever the browser asks for


def test_home_page_is_vietnamese_even_when_the_browser_asks_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Trang chủ" in response.content.decode()


def test_plan_page_shows_sections_and_tasks_with_status(client):
    task = TaskFactory(title="Xây dựng kế hoạch chuyển đổi số", progress=30)
    TaskAssignmentFactory(task=task)
    response = client.get(task.plan.get_absolute_url())
    assert response.status_code == 200
    assert "Xây dựng kế hoạch chuyển đổi số" in response.content.decode()
    assert "Chưa hoàn thành, quá hạn" in response.content.decode()


def test_plan_page_finds_tasks_typed_without_diacritics(client):
    task = TaskFactory(title="Xây dựng kế hoạch chuyển đổi số")
    TaskFactory(plan=task.plan, section=task.section, title="Tổ chức hội nghị phổ biến")
    response = client.get(task.plan.get_absolute_url(), {"q": "chuyen doi so"})
    html = response.content.decode()
    assert "Xây dựng kế hoạch <mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark>" in html  # what matched, highlighted
    assert "Tổ chức hội nghị phổ biến" not in html


def test_draft_plans_and_their_tasks_are_not_found_by_the_public(client):
    task = TaskFactory(plan=PlanFactory(state=PlanState.DRAFT, is_published=False))
    assert client.get(task.plan.get_absolute_url()).status_code == 404
    assert client.get(task.get_absolute_url()).status_code == 404


def test_task_page_shows_timeframe_as_written_and_dates_day_first(client):
    task = TaskFactory(timeframe="Quý IV/2018")
    html = client.get(task.get_absolute_url()).content.decode()
    assert "Quý IV/2018" in html
    assert "31/12/2018" in html


def test_healthz_answers_ok_with_the_database_reachable(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_pages_need_no_more_queries_with_more_data(client, django_assert_max_num_queries):
    plan = PlanFactory()
    for _ in range(3):
        TaskAssignmentFactory(task=TaskFactory(plan=plan))
    with django_assert_max_num_queries(13):  # 12, and the plan's issued summaries (one query, snapshot deferred)
        client.get(plan.get_absolute_url())
    for _ in range(30):
        TaskAssignmentFactory(task=TaskFactory(plan=plan))
    with django_assert_max_num_queries(13):
        client.get(plan.get_absolute_url())
    with django_assert_max_num_queries(8):
        client.get("/")


def test_the_open_data_has_the_columns_and_rows_the_plan_page_shows(client):
    from core.tests.tables import page_table
    from plans.tests.factories import SectionFactory
    from tasks.open_data import LABELS, OPEN_DATA

    LABEL_KEYS = {column.key for column in LABELS.values()}

    plan = PlanFactory(symbol="28/KH-UBND")
    first, second = SectionFactory(plan=plan, number="I", position=1), SectionFactory(plan=plan, number="II", position=2)
    for n, (section, title) in enumerate(
        [(first, "Chuyển đổi số"), (second, "=Chuyển đổi số khác"), (second, "Khoa học"), (None, "Đào tạo")]
    ):
        TaskAssignmentFactory(task=TaskFactory(plan=plan, section=section, number=str(n + 1), title=title, position=n))
    for params in ({}, {"q": "chuyen doi"}, {"section": second.pk}, {"section": "null"}, {"status": "overdue"}):
        response = client.get(plan.get_absolute_url(), params)
        page = response.content.decode()
        shown = [row["number"] for row in page_table(response)[1]]
        keys = re.findall(r'data-column="([^"]+)"', page)
        data = json.loads(client.get(reverse("public:open_data", args=[plan.pk, "json"]), params).getvalue())
        table = list(
            csv.reader(io.StringIO(client.get(reverse("public:open_data", args=[plan.pk, "csv"]), params).getvalue().decode("utf-8-sig")))
        )
        # The page's columns, each code with its label beside it (tasks.open_data.OPEN_DATA); product and timeframe
        # are written under the task on the page (tasks.columns.UNDER_THE_TASK), their own columns in the files.
        # The agencies as the plan named them (AS_PLANNED_KEYS) are the files' own columns: each task's page writes them.
        assert (
            keys
            == [column.key for column in PUBLIC_PAGE]
            == [column.key for column in PUBLIC_TASKS if column.key not in (*UNDER_THE_TASK, *AS_PLANNED_KEYS, *IN_THE_DUE_DATE)]
        )
        assert table[0] == [column.key for column in OPEN_DATA]
        assert [k for k in table[0] if k not in LABEL_KEYS] == [column.key for column in PUBLIC_TASKS]
        assert all(list(task) == table[0] for task in data["tasks"])
        number = table[0].index("number")
        assert [row[number] for row in table[1:]] == [task["number"] for task in data["tasks"]] == shown, params
    assert [row["number"] for row in page_table(client.get(plan.get_absolute_url(), {"section": second.pk}))[1]] == ["2", "3"]
    assert "'=Chuyển đổi số khác" in client.get(reverse("public:open_data", args=[plan.pk, "csv"])).getvalue().decode("utf-8-sig")


def test_a_bad_filter_on_the_plan_page_is_explained_in_vietnamese(client):
    plan = PlanFactory()
    for params in ({"section": "abc"}, {"status": "<script>"}):
        response = client.get(plan.get_absolute_url(), params)
        assert response.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
        assert client.get(reverse("public:open_data", args=[plan.pk, "csv"]), params).status_code == 200


def test_the_plan_page_writes_product_and_timeframe_under_the_task(client):
    """So that status and progress fit a 1366 px screen (the browser test measures it)."""
    plan = PlanFactory()
    TaskFactory(plan=plan, title="Tuyên truyền", product="Báo cáo kết quả", timeframe="Hằng năm")
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-column="product"' not in page and 'data-column="timeframe"' not in page
    assert "Sản phẩm: Báo cáo kết quả" in page and "Thời gian thực hiện: Hằng năm" in page


def test_open_data_is_sent_as_the_tasks_are_read_a_chunk_at_a_time(client, monkeypatch):
    from core import columns
    from tasks.public import views

    monkeypatch.setattr(columns, "CHUNK_ROWS", 2)
    monkeypatch.setattr(views, "STREAM_ROWS", 2)
    plan = PlanFactory(symbol="28/KH-UBND")
    for n in range(5):
        TaskAssignmentFactory(task=TaskFactory(plan=plan, number=str(n + 1), position=n, title=f"Nhiệm vụ {n + 1}"))
    for fmt in ("json", "csv"):
        response = client.get(reverse("public:open_data", args=[plan.pk, fmt]))
        assert response.streaming and response["Content-Disposition"] == f'attachment; filename="ke-hoach-28-KH-UBND.{fmt}"'
        chunks = list(response.streaming_content)
        assert len(chunks) >= 4  # the head, then two rows at a time: never the whole table at once
        body = b"".join(chunks).decode("utf-8-sig")
        numbers = (
            [task["number"] for task in json.loads(body)["tasks"]]
            if fmt == "json"
            else [row[2] for row in csv.reader(io.StringIO(body))][1:]
        )
        assert numbers == ["1", "2", "3", "4", "5"]
    empty = PlanFactory(symbol="29/KH-UBND")
    assert json.loads(client.get(reverse("public:open_data", args=[empty.pk, "json"])).getvalue())["tasks"] == []


def test_open_data_json_is_what_json_dumps_writes_of_the_whole_document_whatever_the_chunks(client, monkeypatch):
    """Streamed a few rows at a time, read a chunk of tasks at a time: the same bytes as the whole document written at once."""
    import datetime

    from django.core.serializers.json import DjangoJSONEncoder

    from core import columns
    from tasks.public import views

    plan = PlanFactory(symbol="28/KH-UBND")
    for n in range(7):
        task = TaskFactory(
            plan=plan, number=f"II.{n}", position=n, title=f"Chuyển đổi số “{n}”\n<b>", due_date=datetime.date(2026, 1, n + 1)
        )
        TaskAssignmentFactory(task=task)
    bodies = set()
    for chunk_rows, stream_rows in ((2, 3), (500, 500), (2000, 500)):
        monkeypatch.setattr(columns, "CHUNK_ROWS", chunk_rows)
        monkeypatch.setattr(views, "STREAM_ROWS", stream_rows)
        body = client.get(reverse("public:open_data", args=[plan.pk, "json"]), {"status": ""}).getvalue()  # filtered: built each time
        document = json.loads(body)
        assert len(document["tasks"]) == 7
        whole = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
        assert body == whole
        bodies.add(re.sub(rb'"generated_at": "[^"]*"', b"", body))
    assert len(bodies) == 1


def test_a_download_lets_each_task_go_of_its_prefetched_agencies_once_its_row_is_written(monkeypatch):
    """Django's iterator holds a chunk of tasks until the next is read; their relations weighed more than the tasks."""
    from core import columns
    from tasks.models import Task
    from tasks.selectors import task_list

    monkeypatch.setattr(columns, "CHUNK_ROWS", 2)
    plan = PlanFactory()
    for n in range(5):
        TaskAssignmentFactory(task=TaskFactory(plan=plan, number=str(n + 1), position=n))
    written = []
    spec = [
        columns.Column("number", "STT", lambda task: written.append(task) or task.number),
        columns.Column("lead", "Chủ trì", lambda task: [a.agency.code for a in task.assignments.all()]),
    ]
    rows = columns.values(spec, task_list(tasks=Task.objects.filter(plan=plan)))
    first, second = next(rows), next(rows)
    assert first[1] and second[1]  # the agencies were there while the row was written
    assert all("_prefetched_objects_cache" not in vars(task) for task in written)
    assert [row[0] for row in [first, second, *rows]] == ["1", "2", "3", "4", "5"]
    # Objects handed over in a list are the caller's: left as they are.
    kept = list(task_list(tasks=Task.objects.filter(plan=plan)))
    list(columns.values(spec, kept))
    assert all("assignments" in task._prefetched_objects_cache for task in kept)


def test_a_plans_whole_open_data_is_built_once_per_change_and_then_served_as_a_file(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from tasks.public import views

    plan, other = PlanFactory(symbol="28/KH-UBND"), PlanFactory(symbol="29/KH-UBND")
    task = TaskFactory(plan=plan, number="1", progress=20)
    TaskAssignmentFactory(task=task)
    other_task = TaskFactory(plan=other, number="1")
    TaskAssignmentFactory(task=other_task)
    connection.run_on_commit.clear()  # the fixtures' writes, as if committed before (the test's transaction never commits)
    url = reverse("public:open_data", args=[plan.pk, "json"])
    first = client.get(url)
    assert first.streaming and not first.has_header("Content-Length")  # built while it is sent
    assert json.loads(first.getvalue())["tasks"][0]["progress"] == 20
    built = []
    rows = views.open_data_rows
    monkeypatch.setattr(views, "open_data_rows", lambda tasks: built.append(1) or rows(tasks))
    again = client.get(url)
    assert json.loads(again.getvalue())["tasks"][0]["progress"] == 20 and built == []  # read from the kept file
    assert again["Content-Type"] == "application/json" and again["Content-Disposition"].endswith('filename="ke-hoach-28-KH-UBND.json"')
    assert client.get(url, {"status": "overdue"}).streaming and built == [1]  # a filtered download is built each time
    with django_capture_on_commit_callbacks(execute=True):
        other_task.progress = 90
        other_task.save(update_fields=["progress"])  # another plan's change keeps the file
    client.get(url).getvalue()
    assert built == [1]
    with django_capture_on_commit_callbacks(execute=True):
        task.progress = 60
        task.save(update_fields=["progress"])
    assert json.loads(client.get(url).getvalue())["tasks"][0]["progress"] == 60 and built == [1, 1]
    assert len(default_storage.listdir(f"du-lieu-mo/{plan.pk}")[1]) == 1  # the file of before the change is gone


def test_each_status_count_of_the_public_plan_page_opens_the_list_of_exactly_those_tasks(client):
    # Issue 26: the plan page's counts by status were plain numbers.
    import datetime

    from tasks.choices import Recurrence

    plan = PlanFactory(symbol="28/KH-UBND")
    day = datetime.date
    TaskFactory(plan=plan, due_date=day(2018, 12, 31), completed_on=day(2018, 12, 1))
    TaskFactory(plan=plan, due_date=day(2018, 12, 31), completed_on=day(2019, 2, 1))
    TaskFactory(plan=plan, due_date=day(2018, 12, 31))
    TaskFactory(plan=plan, due_date=day(2018, 12, 31))
    TaskFactory(plan=plan, due_date=day(2099, 12, 31))
    TaskFactory(plan=plan, due_date=None, recurrence=Recurrence.ONGOING, timeframe="Thường xuyên")
    page = client.get(plan.get_absolute_url()).content.decode()
    legend = page[page.index("status-legend") : page.index("</ul>", page.index("status-legend"))]
    links = re.findall(r'<a class="fw-bold" href="\?status=(\w+)">(\d+)</a>', legend)
    assert {status for status, _n in links} == {"done_on_time", "done_late", "in_progress", "overdue", "ongoing"}
    for status, n in links:
        assert client.get(plan.get_absolute_url(), {"status": status}).context["found"] == int(n), status


def _refuse_queries(execute, sql, params, many, context):
    from django.db import OperationalError

    raise OperationalError("server closed the connection unexpectedly")  # as psycopg says when PostgreSQL goes away


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("filtered", [False, True], ids=["whole-plan-kept", "filtered"])
def test_open_data_cut_by_a_database_error_mid_stream_raises_and_keeps_no_file(client, monkeypatch, fmt, filtered):
    """A query that fails after the first rows were sent must reach the WSGI server (gunicorn then closes the connection
    without the last chunk and logs it: vinhlong_cmcn4/tests/test_streamed_failure.py), never end the file as if whole;
    and the whole plan's file kept for the next readers (``_kept_file``) is not written from a cut stream."""
    from django.core.files.storage import default_storage
    from django.db import OperationalError

    from core import columns
    from tasks.public import views

    monkeypatch.setattr(columns, "CHUNK_ROWS", 2)
    monkeypatch.setattr(views, "STREAM_ROWS", 2)
    plan = PlanFactory(symbol="28/KH-UBND")
    for n in range(6):
        TaskAssignmentFactory(task=TaskFactory(plan=plan, number=str(n + 1), position=n, title=f"Nhiệm vụ {n + 1}"))
    connection.run_on_commit.clear()
    response = client.get(reverse("public:open_data", args=[plan.pk, fmt]), {"q": "nhiem vu"} if filtered else {})
    assert response.streaming and response.status_code == 200
    chunks = iter(response.streaming_content)
    sent = [next(chunks), next(chunks)]  # the head, then the first two rows
    assert "Nhiệm vụ 2" in b"".join(sent).decode("utf-8-sig")
    with connection.execute_wrapper(_refuse_queries), pytest.raises(OperationalError):
        sent.extend(chunks)  # the next chunk of tasks is read: the database is gone
    body = b"".join(sent).decode("utf-8-sig")
    assert "Nhiệm vụ 3" not in body
    if fmt == "json":
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)  # no closing "]}" was added to a cut list
    response.close()
    folder = f"du-lieu-mo/{plan.pk}"
    assert not default_storage.exists(folder) or default_storage.listdir(folder)[1] == []
