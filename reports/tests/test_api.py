"""REST API v1: public reads, tokens, tasks with the export's fields and filters, the report workflow, errors."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory
from reports.models import Report
from tasks.choices import AssignmentRole
from tasks.columns import task_as_dict
from tasks.selectors import task_list
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory
from tasks.tests.importing.annexes import build

pytestmark = pytest.mark.django_db
PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def hidden(world, agency_a):
    """A draft plan, unpublished, with a task of agency A: never shown to the public."""
    plan = PlanFactory(symbol="99/KH-UBND", is_published=False, state="draft")
    task = TaskFactory(plan=plan, number="1", title="Nhiệm vụ nội bộ chưa công bố")
    TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
    return plan


def error_of(response) -> dict:
    assert set(response.json()) == {"error"}, response.json()
    return response.json()["error"]


def test_the_public_reads_published_plans_and_tasks_only(api, world, hidden):
    plans = api.get("/api/v1/plans/").json()
    assert [p["symbol"] for p in plans["results"]] == ["28/KH-UBND"]
    assert plans["results"][0]["sections"][0]["title"] == "Tuyên truyền"
    tasks = api.get("/api/v1/tasks/").json()
    assert tasks["count"] == 2 and "Nhiệm vụ nội bộ" not in str(tasks)
    assert api.get(f"/api/v1/plans/{hidden.pk}/").status_code == 404
    refused = api.get("/api/v1/reports/")
    assert refused.status_code == 401 and error_of(refused)["code"] == "not_authenticated"
    assert "đăng nhập hoặc gửi token" in error_of(refused)["message"]  # in Vietnamese
    assert api.post("/api/v1/plans/", {}).status_code in (401, 405)


def test_tasks_carry_the_fields_of_the_json_export_plus_id_and_plan(api, world):
    row = api.get("/api/v1/tasks/", {"plan": "28/kh-ubnd", "ordering": "number"}).json()["results"][0]
    task = task_list(tasks=type(world.task).objects.filter(pk=world.task.pk)).get()
    assert row == {"id": task.pk, "plan": world.plan.pk, **task_as_dict(task)}
    assert row["lead_agencies"] == [task.assignments.get(role="lead").agency.code]


def test_tasks_filter_by_plan_agency_role_status_dates_and_text_without_diacritics(api, world, agency_b):
    def numbers(**params):
        return [t["number"] for t in api.get("/api/v1/tasks/", params).json()["results"]]

    assert numbers(plan=world.plan.pk, ordering="number") == ["1", "2"]
    assert numbers(agency=agency_b.code, role="lead") == ["2"]
    assert numbers(agency=agency_b.code, ordering="-number") == ["2", "1"]  # lead or cooperating
    assert numbers(q="tuyen truyen chuyen doi so") == ["1"]
    assert numbers(status="in_progress", due_from="2030-01-01", due_to="2030-12-31", ordering="number") == ["1", "2"]
    assert numbers(due_to="2020-01-01") == []
    bad = api.get("/api/v1/tasks/", {"due_from": "2030-13-45"})
    assert bad.status_code == 400 and "due_from" in error_of(bad)["fields"]


def test_a_token_is_given_for_a_username_and_password_and_opens_the_api(api, officer_a, world):
    wrong = api.post("/api/v1/auth/token/", {"username": officer_a.username, "password": "sai"})
    assert wrong.status_code == 400 and error_of(wrong)["code"] == "invalid"
    token = api.post("/api/v1/auth/token/", {"username": officer_a.username, "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/reports/").status_code == 200
    Token.objects.filter(key=token).delete()  # revoked (the admin lists tokens)
    assert api.get("/api/v1/reports/").status_code == 401


def test_the_token_endpoint_is_rate_limited(api, officer_a):
    codes = [api.post("/api/v1/auth/token/", {"username": officer_a.username, "password": "sai"}).status_code for _ in range(12)]
    assert codes[:4] == [400] * 4 and codes[-1] == 429
    assert set(codes[4:10]) == {403}  # the fifth failure locks the account: the answer says it is locked
    assert error_of(api.post("/api/v1/auth/token/", {"username": "x", "password": "y"}))["code"] == "throttled"


def test_the_report_workflow_runs_through_the_api_with_the_webs_rules(api, world, officer_a, head_a, coordinator):
    api.force_authenticate(officer_a)
    created = api.post(
        "/api/v1/reports/",
        {"task": world.task.pk, "period": world.period_code, "progress": 40, "work_state": "in_progress", "results": "Đã tổ chức hội nghị"},
    )
    assert created.status_code == 201, created.json()
    report = created.json()
    assert report["state"] == "draft" and report["agency"] == officer_a.agency.code and report["period"] == world.period_code
    updated = api.patch(f"/api/v1/reports/{report['id']}/", {"progress": 55, "version": report["version"]})
    assert updated.status_code == 200 and updated.json()["progress"] == 55
    stale = api.patch(f"/api/v1/reports/{report['id']}/", {"progress": 70, "version": report["version"]})
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    bad = api.patch(f"/api/v1/reports/{report['id']}/", {"progress": 150, "version": updated.json()["version"]})
    assert bad.status_code == 400 and "progress" in error_of(bad)["fields"]
    assert api.post(f"/api/v1/reports/{report['id']}/submit/").json()["state"] == "pending"
    approve = api.post(f"/api/v1/reports/{report['id']}/approve/")
    assert approve.status_code == 403 and error_of(approve)["code"] == "permission_denied"  # an officer cannot approve
    api.force_authenticate(head_a)
    assert api.post(f"/api/v1/reports/{report['id']}/approve/").json()["state"] == "submitted"
    api.force_authenticate(coordinator)
    no_reason = api.post(f"/api/v1/reports/{report['id']}/return/", {"comment": " "})
    assert no_reason.status_code == 400 and "comment" in error_of(no_reason)["fields"]
    accepted = api.post(f"/api/v1/reports/{report['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    again = api.post(f"/api/v1/reports/{report['id']}/accept/")
    assert again.status_code == 400 and "không thể" in error_of(again)["message"]


def test_an_agency_cannot_see_or_write_another_agencys_report(api, world, officer_a, officer_b):
    api.force_authenticate(officer_a)
    report = api.post(
        "/api/v1/reports/", {"task": world.task.pk, "period": world.period_code, "progress": 10, "work_state": "in_progress"}
    ).json()
    api.force_authenticate(officer_b)
    assert api.get(f"/api/v1/reports/{report['id']}/").status_code == 404
    assert api.get("/api/v1/reports/").json()["count"] == 0
    refused = api.post("/api/v1/reports/", {"task": world.other_task.pk, "period": "2018-Q9", "progress": 10, "work_state": "in_progress"})
    assert refused.status_code == 400 and "period" in error_of(refused)["fields"]
    assert Report.objects.count() == 1


def test_an_administrator_imports_an_annex_and_reads_its_errors(api, sysadmin, officer_a):
    agency_registry_load()
    plan = PlanFactory(symbol="28/KH-UBND")
    api.force_authenticate(officer_a)
    assert api.post("/api/v1/imports/", {"plan": plan.pk}, format="multipart").status_code == 403
    api.force_authenticate(sysadmin)
    bad = build([["1", "Nhiệm vụ", "Sở Không Có", None, "Quý V/2018"]])
    job = api.post("/api/v1/imports/", {"plan": plan.pk, "file": SimpleUploadedFile("phu-luc.xlsx", bad)}, format="multipart").json()
    assert job["state"] == "rejected" and {e["column"] for e in job["errors"]} >= {"Cơ quan chủ trì"}
    good = build([["I", "TUYÊN TRUYỀN"], ["1", "Tuyên truyền Chỉ thị 16", "Sở TT&TT", "Báo Vĩnh Long", "Thường xuyên"]])
    job = api.post("/api/v1/imports/", {"plan": plan.pk, "file": SimpleUploadedFile("phu-luc.xlsx", good)}, format="multipart").json()
    assert job["state"] == "previewed" and job["totals"] == {"sections": 1, "tasks": 1}
    done = api.post(f"/api/v1/imports/{job['id']}/confirm/").json()
    assert done["state"] == "done" and plan.tasks.count() == 1


def test_summaries_are_listed_for_leadership_with_download_links(api, world, leader, officer_a):
    from reports.periods import parse_period_code
    from reports.summaries.service import summary_compile

    summary_compile(plan=world.plan, period=parse_period_code("2018-H2"))
    api.force_authenticate(leader)
    row = api.get("/api/v1/summaries/").json()["results"][0]
    assert row["period"] == "2018-H2" and row["document_url"].endswith(f"/bao-cao-tong-hop/{row['id']}/tai/docx/")
    api.force_authenticate(officer_a)
    assert api.get("/api/v1/summaries/").json()["count"] == 0


@pytest.mark.parametrize("size", [5, 60])
def test_list_endpoints_run_a_fixed_number_of_queries(api, roles, leader, size, max_queries):
    from reports.tests.test_dashboard import build as build_plan

    build_plan(size)
    api.force_authenticate(leader)
    for url in ("/api/v1/tasks/", "/api/v1/plans/", "/api/v1/agencies/", "/api/v1/reports/", "/api/v1/summaries/"):
        with max_queries(6):  # groups, count, rows and one prefetch at most
            assert api.get(url).status_code == 200


def test_the_schema_and_its_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/tasks/", "/api/v1/reports/{id}/{step}/", "/api/v1/auth/token/", "/api/v1/imports/{id}/confirm/"} <= set(paths)
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "https://" not in docs


def test_dates_and_times_are_iso_in_the_api(api, world, officer_a):
    api.force_authenticate(officer_a)
    report = api.post(
        "/api/v1/reports/",
        {"task": world.task.pk, "period": world.period_code, "progress": 100, "work_state": "completed", "completed_on": "2026-11-20"},
    ).json()
    assert report["completed_on"] == "2026-11-20"
    assert datetime.date.fromisoformat(report["completed_on"])


def test_bad_input_gets_a_vietnamese_message_naming_the_field_and_writes_nothing(api, world, officer_a, sysadmin):
    api.force_authenticate(officer_a)
    missing = api.post("/api/v1/reports/", {"task": world.task.pk, "period": world.period_code})
    assert missing.status_code == 400 and error_of(missing)["fields"]["progress"] == ["Trường này là bắt buộc."]
    wrong = api.post("/api/v1/reports/", {"task": world.task.pk, "period": world.period_code, "progress": 10, "work_state": "xong"})
    assert wrong.status_code == 400 and "không phải là lựa chọn hợp lệ" in error_of(wrong)["fields"]["work_state"][0]
    nowhere = api.post("/api/v1/reports/", {"task": 999999, "period": world.period_code, "progress": 10, "work_state": "in_progress"})
    assert nowhere.status_code == 404 and error_of(nowhere)["message"] == "Không tìm thấy."
    assert error_of(api.get("/api/v1/tasks/", {"status": "sap-xong"}))["fields"]["status"]
    assert not Report.objects.exists()
    api.force_authenticate(sysadmin)
    no_file = api.post("/api/v1/imports/", {"plan": world.plan.pk}, format="multipart")
    assert no_file.status_code == 400 and error_of(no_file)["fields"]["file"] == ["Chưa gửi tệp."]
    not_excel = api.post(
        "/api/v1/imports/", {"plan": world.plan.pk, "file": SimpleUploadedFile("phu-luc.xlsx", b"khong phai excel")}, format="multipart"
    )
    job = not_excel.json()  # kept as a rejected job, its error said in Vietnamese; no task written
    assert job["state"] == "rejected" and "không phải tệp Excel" in job["errors"][0]["message"]
    print(job["errors"][0]["message"])
    assert world.plan.tasks.count() == 2


def test_a_deadline_days_steps_through_the_api_read_only_what_they_need(api, world, officer_a, head_a, coordinator):
    """On a deadline day every agency saves, sends for approval and sends at once: a draft's save reads its task, agency
    and period once (no query to find that rows in hand exist, none for check constraints its fields are checked
    against), a step answers with the row it wrote, the people told are read with their roles in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.prepared import as_written, without_preparing

    api.force_authenticate(officer_a)
    created = api.post(
        "/api/v1/reports/",
        {"task": world.task.pk, "period": world.period_code, "progress": 40, "work_state": "in_progress", "results": "Đã tổ chức"},
    ).json()
    url = f"/api/v1/reports/{created['id']}/"
    with CaptureQueriesContext(connection) as saving:
        saved = api.patch(url, {"progress": 55, "version": created["version"], "results": "Đã tổ chức hội nghị"})
    assert saved.status_code == 200, saved.json()
    with CaptureQueriesContext(connection) as submitting:
        assert api.post(url + "submit/").json()["state"] == "pending"
    api.force_authenticate(head_a)
    with CaptureQueriesContext(connection) as approving:
        assert api.post(url + "approve/").json()["state"] == "submitted"

    def sent(queries) -> list[dict]:
        """The statements as Django wrote them, without the preparing of one made once (core.prepared: once a connection)."""
        return [{"sql": as_written(sql)} for sql in without_preparing([query["sql"] for query in queries])]

    saving, submitting, approving = sent(saving), sent(submitting), sent(approving)
    sqls = [query["sql"] for queries in (saving, submitting, approving) for query in queries]
    assert not [sql for sql in sqls if '"_check"' in sql], "check constraints queried on a draft's save"
    assert not [sql for sql in saving if sql["sql"].startswith('SELECT 1 AS "a" FROM "plans_agency"')]
    assert not [sql for sql in sqls if sql.startswith("SELECT") and 'FROM "reports_historicalreport"' in sql]  # moved for certain
    assert Report.history.filter(id=created["id"]).count() == 4  # created, saved, sent for approval, sent: each recorded
    groups = [sql for sql in sqls if 'FROM "auth_group"' in sql and "prefetch" not in sql]
    assert len(groups) <= 2, groups  # the acting user's role twice (officer, head); the reviewers' in their own query
    for step in (submitting, approving):  # whether the user sees it, and its task: the step reads the rest locked
        first = next(query["sql"] for query in step if 'FROM "reports_report"' in query["sql"])
        assert first.startswith('SELECT "reports_report"."id", "reports_report"."task_id" FROM "reports_report" WHERE'), first
    # 10, 16 and 26 on SQLite (the job of the notices run in the step, as without a broker); 28, 19 and 29 before
    assert len(saving) <= 11 and len(submitting) <= 19 and len(approving) <= 29, [len(saving), len(submitting), len(approving)]


def test_the_filters_of_an_endpoint_are_built_once_and_still_filter(api, world, officer_a):
    """django-filter builds an endpoint's filter set from its ``filterset_fields`` on every request (a workflow step's
    included): the project's backend builds it once per endpoint and model, and it filters as before."""
    from unittest import mock

    from django_filters.rest_framework import DjangoFilterBackend

    from core.api import FilterBackend

    FilterBackend._built.clear()
    api.force_authenticate(officer_a)
    with mock.patch.object(
        DjangoFilterBackend, "get_filterset_class", autospec=True, side_effect=DjangoFilterBackend.get_filterset_class
    ) as built:
        for state in ("draft", "accepted", "draft"):
            assert api.get("/api/v1/reports/", {"state": state}).status_code == 200
    assert built.call_count == 1
    assert api.get("/api/v1/reports/", {"state": "nonsense"}).status_code == 400  # still checked against the choices


def test_a_write_to_one_report_builds_no_filter_set_and_a_read_still_is_filtered(api, world, officer_a):
    """A list's filters narrow lists: a draft's save and a workflow step built and validated the endpoint's filter set
    (its form) for nothing, a tenth of a step's work on a deadline day. A read of one row still honours them."""
    from unittest import mock

    from django_filters.filterset import BaseFilterSet

    api.force_authenticate(officer_a)
    created = api.post(
        "/api/v1/reports/",
        {"task": world.task.pk, "period": world.period_code, "progress": 40, "work_state": "in_progress", "results": "Đã tổ chức"},
    ).json()
    url = f"/api/v1/reports/{created['id']}/"
    with mock.patch.object(BaseFilterSet, "is_valid", autospec=True, side_effect=BaseFilterSet.is_valid) as validated:
        saved = api.patch(url + "?state=accepted", {"progress": 55, "version": created["version"]})
        assert saved.status_code == 200, saved.json()
        assert api.post(url + "submit/?state=accepted").json()["state"] == "pending"
        assert validated.call_count == 0
        assert api.get(url, {"state": "accepted"}).status_code == 404  # a read of one row: still filtered
        assert api.get(url, {"state": "pending"}).status_code == 200
    assert validated.call_count == 2


def test_a_null_character_in_a_reports_text_is_refused_in_vietnamese(api, world, officer_a):
    """A NUL pasted into the results (a copy from a PDF): Django's own message, which its Vietnamese catalogue leaves
    untranslated, was answered in English on the field ('Null characters are not allowed.')."""
    api.force_authenticate(officer_a)
    created = api.post(
        "/api/v1/reports/", {"task": world.task.pk, "period": world.period_code, "progress": 40, "work_state": "in_progress"}
    ).json()
    bad = api.patch(f"/api/v1/reports/{created['id']}/", {"version": created["version"], "results": "Đã làm\x00"}, format="json")
    assert bad.status_code == 400
    assert error_of(bad)["fields"]["results"] == ["Không được chứa ký tự rỗng (NUL)."]
    assert Report.objects.get(pk=created["id"]).results == ""


@pytest.mark.parametrize("code", ["2026-H9", "2026-M13", "nửa năm"])
def test_a_period_code_the_api_cannot_read_is_refused_in_vietnamese(api, world, officer_a, code):
    """The code's parser's own words were answered on the field ('unreadable period code …', 'month period number must
    be 1..12, not 13'), not the Vietnamese a summary's period is refused with."""
    api.force_authenticate(officer_a)
    body = {"task": world.task.pk, "period": code, "progress": 40, "work_state": "in_progress"}
    refused = api.post("/api/v1/reports/", body)
    assert refused.status_code == 400
    assert error_of(refused)["fields"]["period"] == [
        f"“{code}” không phải là kỳ báo cáo: hãy ghi, ví dụ, 2018-M03, 2018-Q4, 2018-H1, 2018-9M hoặc 2018-Y."
    ]
    assert not Report.objects.exists()


def test_a_steps_body_that_is_no_object_or_no_json_is_refused_in_vietnamese_and_moves_nothing(api, world, officer_a, head_a, coordinator):
    """A body that is a list or a string ('Invalid data. Expected a dictionary, but got list.') or JSON cut short ('JSON
    parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)') was answered in English:
    DRF's catalogue has neither and its JSON parser passes on Python's own words."""
    from reports.periods import parse_period_code
    from reports.services import report_save, report_transition, reporting_period_get_or_create

    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    data = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}
    report = report_save(task=world.task, agency=officer_a.agency, period=period, by=officer_a, data=data, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    api.force_authenticate(coordinator)
    url = f"/api/v1/reports/{report.pk}/return/"
    for body in (["Bổ sung số liệu"], "Bổ sung số liệu"):
        refused = api.post(url, body, format="json")
        assert refused.status_code == 400 and error_of(refused)["code"] == "invalid"
        assert error_of(refused)["message"].startswith("Dữ liệu gửi lên không hợp lệ: cần một đối tượng JSON"), error_of(refused)
    version = report.version
    cut = api.generic("POST", url, '{"comment": "Bổ sung số liệu', content_type="application/json")
    assert cut.status_code == 400 and error_of(cut)["code"] == "malformed"
    assert error_of(cut)["message"] == "Nội dung gửi lên không phải JSON hợp lệ (dòng 1, cột 13).", error_of(cut)
    broken = api.generic("POST", url, b'{"comment": "\xff"}', content_type="application/json")
    assert error_of(broken)["message"] == "Nội dung gửi lên không phải JSON hợp lệ.", error_of(broken)
    torn = api.generic("POST", url, b"--x\r\nnothing", content_type="multipart/form-data; boundary=")
    assert error_of(torn)["message"] == "Nội dung gửi lên không phải biểu mẫu multipart hợp lệ.", error_of(torn)
    report.refresh_from_db()
    assert report.state == "submitted" and report.version == version


@pytest.mark.parametrize("charset", ["bz2_codec", "rot13"])
def test_a_body_in_a_charset_the_api_cannot_decode_is_refused_in_vietnamese_and_moves_nothing(api, world, officer_a, head_a, charset):
    """A Content-Type naming a charset Python knows but that is no text encoding (a compressed body, 'bz2_codec') was
    refused in DRF's English, never passed through gettext: 'Unsupported charset "bz2_codec" in request Content-Type
    header.'"""
    from reports.periods import parse_period_code
    from reports.services import report_save, reporting_period_get_or_create

    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    data = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}
    report = report_save(task=world.task, agency=officer_a.agency, period=period, by=officer_a, data=data, version=None)
    api.force_authenticate(officer_a)
    refused = api.generic("POST", f"/api/v1/reports/{report.pk}/submit/", b"{}", content_type=f"application/json; charset={charset}")
    assert refused.status_code == 400 and error_of(refused)["code"] == "malformed"
    assert error_of(refused)["message"] == (
        f"Bảng mã “{charset}” trong tiêu đề Content-Type không được hỗ trợ: hãy gửi nội dung bằng UTF-8."
    ), error_of(refused)
    report.refresh_from_db()
    assert report.state == "draft"


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808", "-9223372036854775809"])
def test_a_report_id_beyond_the_databases_integers_is_not_found_by_a_save_or_a_step(api, world, officer_a, pk):
    """A write's report is found by a statement made once (``policy.restricted_objects``): an id SQLite cannot hold was
    handed to it as is and answered with a server error (OverflowError) where a read of the same id is not found."""
    api.force_authenticate(officer_a)
    assert api.get(f"/api/v1/reports/{pk}/").status_code == 404
    assert api.patch(f"/api/v1/reports/{pk}/", {"progress": 5, "version": 1}).status_code == 404
    assert api.post(f"/api/v1/reports/{pk}/submit/").status_code == 404


def test_a_reports_answer_works_its_fields_out_once_per_class_and_gives_each_serializer_its_own(monkeypatch, world, officer_a, officer_b):
    """``core.api.FieldsBuiltOnce``: DRF works a ModelSerializer's fields out of the model for every serializer made (each
    answer of a save or a step on a deadline day); the report's are worked out once, and each serializer binds its own copy."""
    from rest_framework import serializers

    from reports.api.serializers import ReportSerializer
    from reports.periods import parse_period_code
    from reports.services import report_save, reporting_period_get_or_create

    worked_out = []
    original = serializers.ModelSerializer.get_fields
    monkeypatch.setattr(serializers.ModelSerializer, "get_fields", lambda self: worked_out.append(type(self)) or original(self))
    monkeypatch.delattr(ReportSerializer, "_fields_built", raising=False)
    period = reporting_period_get_or_create(period=parse_period_code("2026-H2"))
    reports = [
        report_save(task=task, agency=by.agency, period=period, by=by, data={"progress": n, "work_state": "in_progress"}, version=None)
        for n, task, by in ((10, world.task, officer_a), (20, world.other_task, officer_b))
    ]
    first, second = ReportSerializer(reports[0]), ReportSerializer(reports[1])
    assert (first.data["progress"], second.data["progress"]) == (10, 20)
    assert (first.data["period"], first.data["agency"]) == ("2026-H2", officer_a.agency.code)
    assert worked_out == [ReportSerializer]
    assert first.fields["progress"] is not second.fields["progress"]
    assert first.fields["progress"].parent is first and second.fields["progress"].parent is second
