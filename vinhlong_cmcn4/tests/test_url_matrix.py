"""Every URL of the portal × every role: each gets the outcome its rule says.

URLs are read from the URLconf, so a view added without a rule here fails this test.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse

from core.models import ExportJob
from indicators.tests.factories import IndicatorFactory
from plans.choices import ChangeKind
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, DirectiveFactory, PlanFactory, SectionFactory
from reports.choices import WorkflowAction
from reports.models import Notice
from reports.periods import parse_period_code, period_due
from reports.services import report_save, report_transition, reporting_period_get_or_create
from reports.summaries.service import summary_compile
from tasks.choices import AssignmentRole
from tasks.models import Extension, ImportJob
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "officer_a", "officer_b", "head_a", "coordinator", "leader", "sysadmin"]
PDF = b"%PDF-1.7\n%%EOF\n"
LOGIN = "login"  # redirected to the sign-in page
OK, REDIRECT, UNAUTHORISED, FORBIDDEN, MISSING, NOT_ALLOWED = 200, "redirect", 401, 403, 404, 405


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, anonymous=LOGIN, **overrides):
    return {**dict.fromkeys(ROLES, outcome), "anonymous": anonymous, **overrides}


AGENCY_ONLY = signed_in(FORBIDDEN, officer_a=OK, officer_b=OK, head_a=OK)
PROVINCE_ONLY = signed_in(FORBIDDEN, coordinator=OK, leader=OK, sysadmin=OK)
RULES = {
    "home": (lambda w: {}, everyone(OK)),
    "healthz": (lambda w: {}, everyone(OK)),
    "favicon": (lambda w: {}, everyone(REDIRECT)),
    "health": (lambda w: {}, everyone(OK)),  # the test client calls from 127.0.0.1, an allowed monitoring address
    "metrics": (lambda w: {}, everyone(OK)),
    "login": (lambda w: {}, signed_in(REDIRECT, anonymous=OK)),
    "logout": (lambda w: {}, signed_in(NOT_ALLOWED)),
    "admin:login": (lambda w: {}, everyone(OK) | {"coordinator": REDIRECT, "sysadmin": REDIRECT}),
    "admin:logout": (lambda w: {}, signed_in(REDIRECT, coordinator=NOT_ALLOWED, sysadmin=NOT_ALLOWED)),
    "password_reset": (lambda w: {}, everyone(OK)),
    "password_reset_done": (lambda w: {}, everyone(OK)),
    "password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "khong-hop-le"}, everyone(OK)),
    "password_reset_complete": (lambda w: {}, everyone(OK)),
    "public:plans": (lambda w: {}, everyone(OK)),
    "public:tasks": (lambda w: {}, everyone(OK)),
    "reports:public_summaries": (lambda w: {}, everyone(OK)),
    "public:open_data": (lambda w: {"pk": w["plan"].pk, "fmt": "csv"}, everyone(OK)),
    "public:open_data_dictionary_page": (lambda w: {}, everyone(OK)),
    "public:open_data_dictionary": (lambda w: {"fmt": "json"}, everyone(OK)),
    "registry:agencies": (lambda w: {}, everyone(OK)),
    "reports:dashboard": (lambda w: {}, signed_in(FORBIDDEN, coordinator=OK, leader=OK, sysadmin=OK)),
    "reports:dashboard_tasks": (lambda w: {}, signed_in(FORBIDDEN, coordinator=OK, leader=OK, sysadmin=OK)),
    "reports:dashboard_reports": (lambda w: {}, signed_in(FORBIDDEN, coordinator=OK, leader=OK, sysadmin=OK)),
    "reports:task_page": (lambda w: {"pk": w["task"].pk}, signed_in(FORBIDDEN, coordinator=OK, leader=OK, sysadmin=OK)),
    "public:plan": (lambda w: {"pk": w["plan"].pk}, everyone(OK)),
    "public:task": (lambda w: {"plan_pk": w["plan"].pk, "pk": w["task"].pk}, everyone(OK)),
    "reports:my_home": (lambda w: {}, signed_in(REDIRECT)),
    "reports:agency_tasks": (lambda w: {}, AGENCY_ONLY),
    "reports:task_extensions": (lambda w: {"pk": w["own_task"].pk}, signed_in(OK, officer_b=MISSING)),
    "reports:extension_decide": (lambda w: {"pk": w["extension"].pk, "decision": "approve"}, signed_in(NOT_ALLOWED)),
    "reports:report_edit": (
        lambda w: {"task_pk": w["own_task"].pk, "period_code": w["period_code"]},
        signed_in(FORBIDDEN, officer_a=OK, head_a=OK, officer_b=MISSING),
    ),
    "reports:report_detail": (lambda w: {"pk": w["report"].pk}, signed_in(OK, officer_b=MISSING)),
    "reports:report_transition": (lambda w: {"pk": w["report"].pk, "action": "submit"}, signed_in(NOT_ALLOWED)),
    "reports:attachment": (
        lambda w: {"pk": w["report"].pk, "attachment_pk": w["attachment"].pk},
        signed_in(OK, anonymous=UNAUTHORISED, officer_b=MISSING),
    ),
    "reports:attachment_delete": (lambda w: {"pk": w["report"].pk, "attachment_pk": w["attachment"].pk}, signed_in(NOT_ALLOWED)),
    "reports:inbox": (lambda w: {}, signed_in(FORBIDDEN, coordinator=OK, leader=OK)),
    "reports:inbox_accept": (lambda w: {}, signed_in(NOT_ALLOWED)),
    "reports:summary_list": (lambda w: {}, PROVINCE_ONLY),
    "reports:summary_request": (lambda w: {}, signed_in(NOT_ALLOWED)),
    "reports:summary_detail": (lambda w: {"pk": w["summary"].pk}, PROVINCE_ONLY),
    "reports:summary_download": (lambda w: {"pk": w["summary"].pk, "kind": "docx"}, PROVINCE_ONLY | {"anonymous": UNAUTHORISED}),
    "reports:summary_regenerate": (lambda w: {"pk": w["summary"].pk}, signed_in(NOT_ALLOWED)),
    "reports:summary_issue": (lambda w: {"pk": w["summary"].pk}, signed_in(NOT_ALLOWED)),
    "reports:summary_step": (lambda w: {"pk": w["summary"].pk, "action": "submit"}, signed_in(NOT_ALLOWED)),
    "reports:summary_section": (lambda w: {"pk": w["summary"].pk, "key": "results"}, signed_in(NOT_ALLOWED)),
    "reports:summary_signed_upload": (lambda w: {"pk": w["summary"].pk}, signed_in(NOT_ALLOWED)),
    "reports:summary_preview": (lambda w: {"pk": w["summary"].pk}, PROVINCE_ONLY),
    # The document of record exists once issued; a draft has none, for anyone.
    "reports:summary_record": (lambda w: {"pk": w["summary"].pk}, everyone(MISSING)),
    "verify": (lambda w: {}, everyone(OK)),
    "reports:notice_read": (lambda w: {"pk": w["notice"].pk}, signed_in(NOT_ALLOWED)),
    "reports:work": (lambda w: {}, signed_in(OK)),
    # A download written by a job is its owner's alone: for anyone else it does not exist.
    "core:export_job": (lambda w: {"pk": w["export"].pk}, signed_in(MISSING, leader=OK)),
    "core:export_job_progress": (lambda w: {"pk": w["export"].pk}, signed_in(MISSING, leader=OK)),
    "core:export_job_file": (lambda w: {"pk": w["export"].pk}, signed_in(MISSING, anonymous=UNAUTHORISED, leader=OK)),
    "reports:notice_email_set": (lambda w: {}, signed_in(NOT_ALLOWED)),
    "reports:stand_in_add": (lambda w: {}, signed_in(NOT_ALLOWED)),
    "reports:chase": (lambda w: {}, PROVINCE_ONLY),
    "reports:task_owners": (lambda w: {"pk": w["own_task"].pk}, signed_in(FORBIDDEN, officer_a=OK, head_a=OK, officer_b=MISSING)),
    # The API answers in JSON: 401 (with WWW-Authenticate) instead of a redirect to the sign-in page.
    "api:agency-list": (lambda w: {}, everyone(OK)),
    "api:agency-detail": (lambda w: {"pk": w["agency"].pk}, everyone(OK)),
    "api:directive-list": (lambda w: {}, everyone(OK)),
    "api:directive-detail": (lambda w: {"pk": w["directive"].pk}, everyone(OK)),
    "api:plan-list": (lambda w: {}, everyone(OK)),
    "api:plan-detail": (lambda w: {"pk": w["plan"].pk}, everyone(OK)),
    "api:task-list": (lambda w: {}, everyone(OK)),
    "api:task-detail": (lambda w: {"pk": w["task"].pk}, everyone(OK)),
    "api:report-list": (lambda w: {}, signed_in(OK, anonymous=UNAUTHORISED)),
    "api:report-detail": (lambda w: {"pk": w["report"].pk}, signed_in(OK, anonymous=UNAUTHORISED, officer_b=MISSING)),
    "api:report-step": (lambda w: {"pk": w["report"].pk, "step": "accept"}, signed_in(NOT_ALLOWED, anonymous=UNAUTHORISED)),
    "api:summary-list": (lambda w: {}, signed_in(OK, anonymous=UNAUTHORISED)),
    "api:summary-detail": (
        lambda w: {"pk": w["summary"].pk},
        signed_in(OK, anonymous=UNAUTHORISED, officer_a=MISSING, officer_b=MISSING, head_a=MISSING),
    ),
    "api:summary-file": (
        lambda w: {"pk": w["summary"].pk, "kind": "docx"},
        signed_in(OK, anonymous=UNAUTHORISED, officer_a=MISSING, officer_b=MISSING, head_a=MISSING),
    ),
    "api:import-list": (lambda w: {}, signed_in(FORBIDDEN, anonymous=UNAUTHORISED, sysadmin=OK)),
    "api:import-detail": (lambda w: {"pk": w["import_job"].pk}, signed_in(FORBIDDEN, anonymous=UNAUTHORISED, sysadmin=OK)),
    "api:import-confirm": (lambda w: {"pk": w["import_job"].pk}, signed_in(FORBIDDEN, anonymous=UNAUTHORISED, sysadmin=NOT_ALLOWED)),
    "reports:reassign_queue": (lambda w: {}, signed_in(FORBIDDEN, coordinator=OK)),
    "reports:reassign": (lambda w: {}, signed_in(NOT_ALLOWED)),
    # Reorganisation decisions: administrators only (non-staff are sent to the admin's sign-in page).
    "admin:plans_reorganisationdecision_load": (lambda w: {}, everyone(LOGIN) | {"coordinator": FORBIDDEN, "sysadmin": OK}),
    "admin:plans_reorganisationdecision_preview": (
        lambda w: {"pk": w["decision"].pk},
        everyone(LOGIN) | {"coordinator": FORBIDDEN, "sysadmin": OK},
    ),
    "admin:plans_reorganisationdecision_apply": (
        lambda w: {"pk": w["decision"].pk},
        everyone(LOGIN) | {"coordinator": NOT_ALLOWED, "sysadmin": NOT_ALLOWED},
    ),
    "admin:plans_reorganisationdecision_undo": (
        lambda w: {"pk": w["decision"].pk},
        everyone(LOGIN) | {"coordinator": NOT_ALLOWED, "sysadmin": NOT_ALLOWED},
    ),
    "indicators:plan": (lambda w: {"pk": w["plan"].pk}, everyone(OK)),
    "indicators:detail": (lambda w: {"pk": w["indicator"].pk}, everyone(OK)),
    "indicators:open_data": (lambda w: {"pk": w["plan"].pk, "fmt": "csv"}, everyone(OK)),
    "indicators:open_data_dictionary": (lambda w: {"fmt": "json"}, everyone(OK)),
    "indicators:list": (lambda w: {}, signed_in(FORBIDDEN, coordinator=OK, leader=OK, sysadmin=OK)),
    "api:indicator-list": (lambda w: {}, everyone(OK)),
    "api:indicator-detail": (lambda w: {"pk": w["indicator"].pk}, everyone(OK)),
    "api:token": (lambda w: {}, everyone(NOT_ALLOWED)),
    "api:schema": (lambda w: {}, everyone(OK)),
    "api:docs": (lambda w: {}, everyone(OK)),
}
ADMIN_STAFF = {"coordinator", "sysadmin"}


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace or namespace
            yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


@pytest.fixture(autouse=True)
def processes_alive():
    """Beat and worker alive, so /health/ answers 200 with a broker too (CI's second pass): this test is about access."""
    from vinhlong_cmcn4.heartbeats import BEAT, WORKER, heartbeat_record

    heartbeat_record(BEAT)
    heartbeat_record(WORKER)


@pytest.fixture
def world(officer_a, officer_b, head_a, coordinator, leader, sysadmin, agency_a, agency_b):
    plan = PlanFactory(reporting_kinds=["half_year"], starts_on=datetime.date(2017, 1, 1))
    section = SectionFactory(plan=plan)
    task = TaskFactory(plan=plan, section=section, number="1")
    own_task = TaskFactory(plan=plan, section=section, number="2")
    TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
    TaskAssignmentFactory(task=task, agency=agency_b, role=AssignmentRole.COOPERATING)
    TaskAssignmentFactory(task=own_task, agency=agency_a, role=AssignmentRole.LEAD)
    period = reporting_period_get_or_create(period=parse_period_code("2019-H1"))
    report = report_save(
        task=task, agency=agency_a, period=period, by=officer_a, data={"progress": 30, "work_state": "in_progress"}, version=None
    )
    report_save(
        task=task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 30, "work_state": "in_progress"},
        version=report.version,
        files=[SimpleUploadedFile("minh-chung.pdf", PDF)],
    )
    report_transition(report=report, action=WorkflowAction.SEND_FOR_APPROVAL, by=officer_a, notify=False)
    code = period_due(datetime.date.today(), "half_year", deadline_day=plan.report_deadline_day).code  # noqa: DTZ011
    users = {
        "officer_a": officer_a,
        "officer_b": officer_b,
        "head_a": head_a,
        "coordinator": coordinator,
        "leader": leader,
        "sysadmin": sysadmin,
    }
    summary = summary_compile(plan=plan, period=parse_period_code("2019-H1"))
    notice = Notice.objects.create(user=officer_a, text="Nhắc báo cáo", url="/")
    export = ExportJob.objects.create(
        user=leader, address="/dieu-hanh/nhiem-vu/?format=xlsx", title="Nhiệm vụ", filename="ds.xlsx", state=ExportJob.DONE, total=3
    )
    export.file.save("ds.xlsx", ContentFile(b"PK"), save=True)
    import_job = ImportJob.objects.create(plan=plan, uploaded_by=sysadmin, original_name="phu-luc.xlsx", file="imports/x.xlsx")
    extension = Extension.objects.create(
        task=own_task,
        agency=agency_a,
        due_before=datetime.date(2030, 12, 31),
        requested_due=datetime.date(2031, 6, 30),
        reason="Chờ kinh phí",
        requested_by=head_a,
        requested_at=datetime.datetime(2030, 12, 1, tzinfo=datetime.UTC),
    )
    decision = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=datetime.date(2025, 3, 1))
    ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.MERGE, source=agency_b, target=agency_a)
    return {
        "agency": agency_a,
        "decision": decision,
        "directive": DirectiveFactory(),
        "extension": extension,
        "import_job": import_job,
        "plan": plan,
        "summary": summary,
        "notice": notice,
        "export": export,
        "task": task,
        "own_task": own_task,
        "report": report,
        "attachment": report.attachments.get(),
        "period_code": code,
        "users": users,
        "indicator": IndicatorFactory(plan=plan, agency=agency_a),
    }


def outcome_of(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if location.startswith((reverse("login"), "/admin/login/")) else REDIRECT
    return response.status_code


def admin_kwargs(pattern) -> dict:
    samples = {
        "app_label": "plans",
        "object_id": "1",
        "content_type_id": "1",
        "user_id": "1",
        "id": "1",
        "pk": "1",
        "job_pk": "1",
        "history_id": "1",
        "url": "x",
    }
    return {name: samples.get(name, "1") for name in pattern.pattern.regex.groupindex}


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_its_rule_says(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    wrong, missing_rules = [], []
    for name, pattern in url_names():
        if name.startswith("admin:") and name not in RULES:
            regex = pattern.pattern.regex
            url = reverse(name, kwargs=admin_kwargs(pattern)) if regex.groupindex else reverse(name, args=["1"] * regex.groups)
            got = outcome_of(client.get(url))
            if role in ADMIN_STAFF:
                if got == LOGIN or (isinstance(got, int) and got >= 500):
                    wrong.append((name, url, got))
            elif got != (UNAUTHORISED if role == "anonymous" and getattr(pattern.callback, "private_file", False) else LOGIN):
                wrong.append((name, url, got))
            continue
        if name not in RULES:
            missing_rules.append(name)
            continue
        kwargs, expected = RULES[name]
        url = reverse(name, kwargs=kwargs(world))
        got = outcome_of(client.get(url))
        if got != expected[role]:
            wrong.append((name, url, got, "expected", expected[role]))
    assert not missing_rules, f"URLs without a rule in this matrix: {missing_rules}"
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("officer_a", FORBIDDEN),
        ("officer_b", MISSING),
        ("head_a", REDIRECT),
        ("coordinator", FORBIDDEN),
        ("leader", FORBIDDEN),
        ("sysadmin", FORBIDDEN),
    ],
)
def test_only_the_agency_head_may_submit_the_agencys_report(client, world, role, expected):
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.post(reverse("reports:report_transition", args=[world["report"].pk, "submit"]))
    assert outcome_of(response) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", LOGIN), ("officer_a", LOGIN), ("head_a", LOGIN), ("coordinator", FORBIDDEN), ("leader", LOGIN), ("sysadmin", REDIRECT)],
)
def test_only_administrators_apply_a_reorganisation_decision(client, world, role, expected):
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.post(reverse("admin:plans_reorganisationdecision_apply", args=[world["decision"].pk]))
    assert outcome_of(response) == expected
    world["decision"].refresh_from_db()
    assert world["decision"].is_applied is (role == "sysadmin")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("officer_a", FORBIDDEN),
        ("head_a", FORBIDDEN),
        ("coordinator", REDIRECT),
        ("leader", FORBIDDEN),
        ("sysadmin", FORBIDDEN),
    ],
)
def test_only_coordinators_reassign_the_tasks_of_a_dissolved_agency(client, world, role, expected, agency_b):
    from tasks.models import TaskAssignment

    district = AgencyFactory(active_to=datetime.date(2025, 7, 1))
    waiting = TaskAssignmentFactory(task=world["task"], agency=district, role=AssignmentRole.LEAD)
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.post(reverse("reports:reassign"), {"assignment": [waiting.pk], "agency": agency_b.pk, "confirm": "1"})
    assert outcome_of(response) == expected
    # Agency B cooperated on the task: it now leads it, in one part.
    assert TaskAssignment.objects.filter(task=world["task"], agency=agency_b, role=AssignmentRole.LEAD).exists() is (role == "coordinator")
    assert TaskAssignment.objects.filter(pk=waiting.pk).exists() is (role != "coordinator")


def every_url(world) -> list[tuple[str, str]]:
    """Every named URL of the URLconf with the arguments this matrix gives it (the admin's with sample ones)."""
    urls = []
    for name, pattern in url_names():
        if name in RULES:
            urls.append((name, reverse(name, kwargs=RULES[name][0](world))))
        elif name.startswith("admin:"):
            regex = pattern.pattern.regex
            kwargs = admin_kwargs(pattern)
            if name.startswith("admin:plans_plan_"):  # the world's plan, not "1": ids run on across tests on PostgreSQL
                kwargs = {key: str(world["plan"].pk) if key in ("pk", "object_id") else value for key, value in kwargs.items()}
            urls.append((name, reverse(name, kwargs=kwargs) if regex.groupindex else reverse(name, args=["1"] * regex.groups)))
    return urls


def is_file(response) -> bool:
    return response.status_code == 200 and (response.has_header("Content-Disposition") or response.streaming)


def test_anonymous_requests_for_files_answer_401_and_for_pages_lead_to_the_sign_in_page(client, world):
    """What a signed-in user downloads, an anonymous request gets 401 for (never the sign-in form as the file);
    a page that needs signing in redirects to the sign-in page; nothing else answers the sign-in form with 200."""
    urls = every_url(world)
    files = set()
    for role in ("officer_a", "leader", "sysadmin"):
        client.force_login(world["users"][role])
        for name, url in urls:
            for variant in (url,) if name.startswith("admin:") else (url, f"{url}?format=xlsx"):  # a list page's Excel download
                if is_file(client.get(variant)):
                    files.add((name, variant))
        client.logout()
    assert {name for name, _ in files} >= {"reports:attachment", "reports:summary_download", "admin:plans_plan_export_annex"}
    wrong = []
    for name, url in sorted(files):
        response = client.get(url, HTTP_ACCEPT="*/*")
        if is_file(response):
            continue  # a public file (open data, the agencies' list, an issued summary of a public plan)
        if response.status_code != 401 or "WWW-Authenticate" not in response:
            wrong.append((url, response.status_code, response.get("Location")))
        elif not name.startswith("api:") and "đăng nhập" not in response.content.decode().lower():
            wrong.append((url, "401 without a Vietnamese word of signing in", response.content[:200]))
    in_browser = client.get(reverse("reports:attachment", kwargs=RULES["reports:attachment"][0](world)), HTTP_ACCEPT="text/html")
    assert in_browser.status_code == 401 and reverse("login") + "?next=" in in_browser.content.decode()
    for name, url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code == 200 and b'name="password"' in body and name not in {"login", "admin:login"}:
            wrong.append((url, "200 with the sign-in form"))
    assert not wrong, wrong
