"""Agencies file reports in the browser; heads approve; the coordinator accepts or returns."""

import pytest
from django.core import mail
from django.urls import reverse

from reports.choices import ReportState, WorkflowAction
from reports.models import Report, ReportEvent

from .conftest import report_data

pytestmark = pytest.mark.django_db


def edit_url(world, task=None):
    return reverse("reports:report_edit", args=[(task or world.task).pk, world.period_code])


def transition(client, report, action, **data):
    return client.post(reverse("reports:report_transition", args=[report.pk, action]), data)


def test_officer_sees_their_agencys_tasks_with_this_periods_report_state(client, world, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("reports:agency_tasks")).content.decode()
    assert "Tuyên truyền về chuyển đổi số" in page and "Chưa báo cáo" in page
    assert "Phát triển khoa học" not in page  # agency B's task
    assert "hạn gửi báo cáo là ngày" in page


def test_the_whole_workflow_from_draft_to_acceptance(client, world, officer_a, head_a, coordinator, django_capture_on_commit_callbacks):
    coordinator.email = "daumoi@example.vn"
    coordinator.save()
    head_a.email = "lanhdao@example.vn"
    head_a.save()
    client.force_login(officer_a)
    response = client.post(edit_url(world), report_data(send="1"))
    report = Report.objects.get()
    assert response.url == reverse("reports:report_detail", args=[report.pk])
    assert report.state == ReportState.PENDING and report.created_by == officer_a

    client.force_login(head_a)
    assert "Báo cáo chờ lãnh đạo duyệt" in client.get(reverse("reports:agency_tasks")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        transition(client, report, WorkflowAction.SUBMIT)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.submitted_at
    assert [m.to for m in mail.outbox] == [["daumoi@example.vn"]]

    client.force_login(coordinator)
    assert "Tuyên truyền về chuyển đổi số" in client.get(reverse("reports:inbox")).content.decode()
    response = transition(client, report, WorkflowAction.RETURN, comment="")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED  # a return needs a reason
    with django_capture_on_commit_callbacks(execute=True):
        transition(client, report, WorkflowAction.RETURN, comment="Bổ sung số liệu")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED

    client.force_login(officer_a)
    client.post(edit_url(world), report_data(progress="60", version=str(report.version), send="1"))
    client.force_login(head_a)
    transition(client, Report.objects.get(), WorkflowAction.SUBMIT)
    client.force_login(coordinator)
    transition(client, report, WorkflowAction.ACCEPT)
    report.refresh_from_db()
    world.task.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and world.task.progress == 60
    actions = list(report.events.values_list("action", flat=True))
    assert actions == ["create", "send_for_approval", "submit", "return", "send_for_approval", "submit", "accept"]
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Bổ sung số liệu" in page and "Đã tiếp nhận" in page
    assert "Tiến độ (%): <del>40</del> → 60" in page  # the change history names what changed


def test_a_second_save_from_a_stale_form_is_refused_and_the_text_shown_back(client, world, officer_a, roles, agency_a):
    from conftest import _user

    colleague = _user(roles, "officer_a2", "officer", agency_a)
    client.force_login(officer_a)
    client.post(edit_url(world), report_data())
    version = Report.objects.get().version
    client.force_login(colleague)
    client.post(edit_url(world), report_data(results="Bản của đồng nghiệp", version=str(version)))
    client.force_login(officer_a)
    response = client.post(edit_url(world), report_data(results="Bản của tôi, chưa lưu", version=str(version)))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Người khác đã lưu báo cáo này" in page
    assert "Bản của tôi, chưa lưu" in page and "Bản của đồng nghiệp" in page
    assert Report.objects.get().results == "Bản của đồng nghiệp"


def test_a_double_clicked_save_creates_one_report_and_one_step(client, world, officer_a):
    client.force_login(officer_a)
    first = client.post(edit_url(world), report_data())
    second = client.post(edit_url(world), report_data())
    assert first.status_code == second.status_code == 302
    assert Report.objects.count() == 1
    assert ReportEvent.objects.filter(action=WorkflowAction.CREATE).count() == 1
    report = Report.objects.get()
    transition(client, report, WorkflowAction.SEND_FOR_APPROVAL)
    transition(client, report, WorkflowAction.SEND_FOR_APPROVAL)
    assert ReportEvent.objects.filter(action=WorkflowAction.SEND_FOR_APPROVAL).count() == 1


def test_a_double_clicked_save_and_send_sends_once_and_answers_both_clicks_with_the_report(client, world, officer_a):
    """The second click of "Lưu và trình" came with the form's version, stale once the first had saved and sent the
    report: the same text, so the same save, but its sending was refused ('Báo cáo này hiện không thể gửi.') and the
    page the officer saw last said the report could not be sent, beside the first click's 'Đã lưu và trình'."""
    client.force_login(officer_a)
    first = client.post(edit_url(world), report_data(send="1"))
    second = client.post(edit_url(world), report_data(send="1"))
    report = Report.objects.get()
    assert first.status_code == second.status_code == 302 and second.url == reverse("reports:report_detail", args=[report.pk])
    assert report.state == ReportState.PENDING
    assert list(report.events.values_list("action", flat=True)) == [WorkflowAction.CREATE, WorkflowAction.SEND_FOR_APPROVAL]
    stale = client.post(edit_url(world), report_data(results="Đã tổ chức 4 hội nghị", send="1"))
    assert "không thể sửa nữa" in stale.content.decode()  # another text on a stale form is still refused
    assert Report.objects.get().results == "Đã tổ chức 3 hội nghị"


def test_a_heads_save_and_send_from_a_form_opened_before_the_officer_sent_it_for_approval_still_sends_it(client, world, officer_a, head_a):
    """The same text on a stale form is the same save, but the head's 'send' is a step the officer's sending for
    approval did not take: the report goes on to the coordinator, it is not left waiting for the head's approval."""
    from reports.services import report_transition

    client.force_login(officer_a)
    client.post(edit_url(world), report_data())
    report = Report.objects.get()
    opened_at = report.version  # the head opens the draft's form
    report_transition(report=report, action="send_for_approval", by=officer_a, notify=False)
    client.force_login(head_a)
    response = client.post(edit_url(world), report_data(version=str(opened_at), send="1"))
    report.refresh_from_db()
    assert response.status_code == 302 and report.state == ReportState.SUBMITTED


def test_an_officers_save_after_the_head_sent_the_report_is_told_it_was_sent_not_to_save_again(client, world, officer_a, head_a):
    """The head sent the report while the officer edited it: the officer's save was answered as a colleague's save
    ('Người khác đã lưu báo cáo này … Hãy đối chiếu, rồi lưu lại.', 409), and saving again was then refused as the
    report could no longer be edited. Now that is what the first save is told, the officer's text kept in the form."""
    from reports.services import report_transition

    client.force_login(officer_a)
    client.post(edit_url(world), report_data())
    report = Report.objects.get()
    opened_at = report.version
    report_transition(report=report, action="submit", by=head_a, notify=False)
    response = client.post(edit_url(world), report_data(results="Đã tổ chức 5 hội nghị", version=str(opened_at)))
    page = response.content.decode()
    assert response.status_code == 200 and "không thể sửa nữa" in page and "Đã gửi" in page
    assert "Người khác đã lưu" not in page and "Đã tổ chức 5 hội nghị" in page  # the officer's text, to copy
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.results == "Đã tổ chức 3 hội nghị"


def test_posting_extra_fields_cannot_change_agency_task_period_author_or_state(client, world, officer_a, officer_b, agency_b):
    client.force_login(officer_a)
    client.post(
        edit_url(world),
        report_data(agency=agency_b.pk, task=world.other_task.pk, state="accepted", created_by=officer_b.pk, period="1", is_late="on"),
    )
    report = Report.objects.get()
    assert (report.agency.code, report.task, report.state, report.created_by, report.is_late) == (
        "STTTT",
        world.task,
        ReportState.DRAFT,
        officer_a,
        False,
    )


def test_agencies_cannot_see_or_touch_each_others_reports(client, world, officer_a, officer_b):
    client.force_login(officer_a)
    client.post(edit_url(world), report_data())
    report = Report.objects.get()
    client.force_login(officer_b)
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404
    assert transition(client, report, WorkflowAction.SEND_FOR_APPROVAL).status_code == 404
    assert client.get(edit_url(world, world.other_task)).status_code == 200  # their own task
    assert client.post(reverse("reports:report_edit", args=[world.task.pk, world.period_code]) + "x").status_code == 404


def test_cooperating_agency_files_a_contribution_the_lead_agency_sees(client, world, officer_a, officer_b, head_b, agency_b):
    client.force_login(officer_b)
    client.post(edit_url(world), report_data(results="Đài đã phát 12 phóng sự"))
    contribution = Report.objects.get(agency=agency_b)
    assert contribution.role == "cooperating"
    client.force_login(head_b)
    transition(client, contribution, WorkflowAction.SUBMIT)
    client.force_login(officer_a)
    client.post(edit_url(world), report_data())
    lead_report = Report.objects.get(role="lead")
    assert "Đài đã phát 12 phóng sự" in client.get(reverse("reports:report_detail", args=[lead_report.pk])).content.decode()
    assert client.get(reverse("reports:report_detail", args=[contribution.pk])).status_code == 200


def test_leadership_reads_reports_but_changes_nothing(client, world, officer_a, leader):
    client.force_login(officer_a)
    client.post(edit_url(world), report_data(send="1"))
    report = Report.objects.get()
    client.force_login(leader)
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 200
    assert transition(client, report, WorkflowAction.SUBMIT).status_code == 403
    assert client.post(edit_url(world), report_data()).status_code == 403


def test_coordinator_accepts_several_reports_at_once(client, world, officer_a, officer_b, head_a, head_b, coordinator):
    for officer, head, task in ((officer_a, head_a, world.task), (officer_b, head_b, world.other_task)):
        client.force_login(officer)
        client.post(edit_url(world, task), report_data())
        client.force_login(head)
        transition(client, Report.objects.get(task=task, agency=officer.agency), WorkflowAction.SUBMIT)
    client.force_login(coordinator)
    ids = list(Report.objects.values_list("pk", flat=True))
    response = client.post(reverse("reports:inbox_accept"), {"report": ids}, follow=True)
    assert "Đã tiếp nhận 2 báo cáo" in response.content.decode()
    assert set(Report.objects.values_list("state", flat=True)) == {ReportState.ACCEPTED}


def test_lists_export_to_excel(client, world, officer_a, coordinator):
    client.force_login(officer_a)
    response = client.get(reverse("reports:agency_tasks"), {"format": "xlsx", "q": "chuyen doi so"})
    assert response["Content-Disposition"].startswith("attachment")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[2][3] == "Tuyên truyền về chuyển đổi số" and len(rows) == 3
    client.force_login(coordinator)
    assert client.get(reverse("reports:inbox"), {"format": "xlsx"})["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"progress": "150"}, "Tiến độ phải là số nguyên từ 0 đến 100."),
        ({"progress": "nhiều"}, "Tiến độ phải là số nguyên từ 0 đến 100."),
        ({"work_state": "completed", "progress": "100", "completed_on": ""}, "Nhập ngày hoàn thành nhiệm vụ"),
        ({"work_state": "completed", "progress": "80", "completed_on": "30/06/2026"}, "tiến độ là 100%"),
        ({"completed_on": "31/02/2026"}, "Nhập một ngày hợp lệ"),
    ],
)
def test_bad_report_input_gets_a_vietnamese_message_and_writes_nothing(client, world, officer_a, data, message):
    client.force_login(officer_a)
    response = client.post(edit_url(world), report_data(**data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_a_completion_date_is_read_day_first(client, world, officer_a):
    client.force_login(officer_a)
    client.post(edit_url(world), report_data(work_state="completed", progress="100", completed_on="03/04/2026"))
    assert str(Report.objects.get().completed_on) == "2026-04-03"


def test_a_bad_filter_value_is_explained_in_vietnamese(client, world, leader):
    client.force_login(leader)
    response = client.get(reverse("reports:dashboard_tasks"), {"due_from": "31/02/2026"})
    assert "Nhập một ngày hợp lệ" in response.content.decode()


def test_a_due_date_range_the_wrong_way_round_is_explained_not_an_empty_list_without_a_word(client, world, leader):
    """Found by walking the portal (stop 22): "from 31/12/2020 to 01/01/2018" gave "Nhiệm vụ (0)" and no message."""
    client.force_login(leader)
    response = client.get(reverse("reports:dashboard_tasks"), {"due_from": "31/12/2020", "due_to": "01/01/2018"})
    assert "“Hạn đến ngày” (01/01/2018) trước “Hạn từ ngày” (31/12/2020): hãy đổi chỗ hai ngày." in response.content.decode()
    # As every wrong filter value: named under its field, it filters nothing out; the start still applies.
    assert response.context["filter"].form.errors.keys() == {"due_to"}
    assert client.get(reverse("reports:dashboard_tasks"), {"due_from": "01/01/2000", "due_to": "31/12/2099"}).context["rows"]


def test_the_send_button_names_the_step_sending_takes_for_officer_and_head(client, world, officer_a, head_a):
    client.force_login(officer_a)
    assert (
        '<button class="btn btn-primary" type="submit" name="send" value="1">Trình lãnh đạo duyệt</button>'
        in client.get(edit_url(world)).content.decode()
    )
    client.force_login(head_a)
    assert (
        '<button class="btn btn-primary" type="submit" name="send" value="1">Duyệt và gửi</button>'
        in client.get(edit_url(world)).content.decode()
    )


def test_after_sending_the_page_says_where_the_report_went_not_sent_while_it_waits_for_the_head(client, world, officer_a, head_a):
    """Found by walking the portal (stop 22): an officer's report waiting for the head's approval was announced as sent."""
    client.force_login(officer_a)
    page = client.post(edit_url(world), report_data(send="1"), follow=True).content.decode()
    assert Report.objects.get().state == ReportState.PENDING
    assert "Đã lưu và trình lãnh đạo đơn vị duyệt: báo cáo được gửi cơ quan đầu mối sau khi lãnh đạo đơn vị duyệt." in page
    assert "Đã lưu và gửi" not in page
    Report.objects.all().delete()
    client.force_login(head_a)
    page = client.post(edit_url(world), report_data(send="1"), follow=True).content.decode()
    assert Report.objects.get().state == ReportState.SUBMITTED
    assert "Đã lưu và gửi cơ quan đầu mối." in page


def test_a_head_who_sent_a_report_back_has_no_send_button_until_the_officer_revises_it(client, world, officer_a, head_a):
    client.force_login(officer_a)
    client.post(edit_url(world), report_data(send="1"))
    report = Report.objects.get()
    client.force_login(head_a)
    transition(client, report, WorkflowAction.SEND_BACK, comment="Bổ sung minh chứng")
    page = client.get(edit_url(world)).content.decode()
    assert 'name="send"' not in page and 'name="save"' in page


def test_the_change_history_says_so_when_there_is_nothing_to_show(client, world, officer_a):
    client.force_login(officer_a)
    client.post(edit_url(world), report_data())
    report = Report.objects.get()
    report.history.all().delete()  # a report written without history (a data load): the heading had nothing under it
    report.save(update_fields=["version"])  # a record that changed nothing people read is not listed either
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Lịch sử thay đổi" in page and "Chưa có thay đổi." in page


def test_the_coordinating_agencys_own_report_is_said_to_go_to_leadership(client, world, agency_a, officer_a, head_a, settings):
    """Walk: Sở KH&CN coordinates 125/KH-SKHCN, so its own reports go to leadership (SELF_REVIEW_BY); its officer was
    told the report would go "cơ quan đầu mối" (its own agency) and its head, approving, read "Đã thực hiện: Duyệt và gửi."."""
    settings.SELF_REVIEW_BY = "leadership"
    world.plan.coordinator = agency_a
    world.plan.save()
    client.force_login(officer_a)
    page = client.post(edit_url(world), report_data(send="1"), follow=True).content.decode()
    assert "báo cáo được gửi lãnh đạo UBND tỉnh sau khi lãnh đạo đơn vị duyệt" in page
    report = Report.objects.get()
    client.force_login(head_a)
    page = client.post(reverse("reports:report_transition", args=[report.pk, "submit"]), follow=True).content.decode()
    assert "Đã duyệt và gửi lãnh đạo UBND tỉnh." in page
    from tasks.choices import AssignmentRole
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    for self_review_by, words in (("leadership", "lãnh đạo UBND tỉnh"), ("coordinator", "cơ quan đầu mối")):
        settings.SELF_REVIEW_BY = self_review_by  # "coordinator": a coordinator of another agency reviews it
        task = TaskFactory(plan=world.plan, section=world.task.section, start_date=world.task.start_date, due_date=world.task.due_date)
        TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
        url = reverse("reports:report_edit", args=[task.pk, world.period_code])
        page = client.post(url, report_data(send="1"), follow=True).content.decode()
        assert f"Đã lưu và gửi {words}." in page, self_review_by


@pytest.mark.parametrize(
    ("comment", "said"),
    [("Thiếu số liệu quý IV. " * 240, "tối đa 5000 kí tự"), ("Thiếu số liệu\x00", "ký tự rỗng (NUL)")],
)
def test_a_return_whose_reason_cannot_be_taken_is_told_what_is_wrong_with_it_and_writes_nothing(
    client, world, officer_a, head_a, coordinator, comment, said
):
    """A reason too long, or with a NUL in it, was dropped without a word and the coordinator told to give one ('Hãy ghi
    rõ lý do trả lại'), as if the box were empty; a reason of 4,001 to 5,000 characters was refused on the web and taken
    by the API (two limits for one comment). Now the field's own message, named, and nothing written."""
    from django.contrib.messages import get_messages

    from reports.periods import parse_period_code
    from reports.services import report_save, report_transition, reporting_period_get_or_create

    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    data = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}
    report = report_save(task=world.task, agency=officer_a.agency, period=period, by=officer_a, data=data, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    events = ReportEvent.objects.count()
    client.force_login(coordinator)
    response = transition(client, report, WorkflowAction.RETURN, comment=comment)
    told = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert told.startswith("Ghi chú: ") and said in told and "Hãy ghi rõ lý do" not in told, told
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and ReportEvent.objects.count() == events
    long_enough = "Bổ sung số liệu. " * 260  # 4,420 characters: as the API takes it
    transition(client, report, WorkflowAction.RETURN, comment=long_enough)
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.events.latest("at").comment == long_enough.strip()


def test_a_double_clicked_approve_and_send_sends_once_and_says_so_once(client, world, officer_a, head_a):
    """The head's 'Duyệt và gửi' clicked twice: the second click, from the same page, was refused ('Báo cáo đang ở trạng
    thái “Đã gửi”: không thể “Đã duyệt và gửi” lúc này.') and the page showed that beside the first click's success. The
    second click is now the same step, silent; a page opened after the step is still told why it cannot take it."""
    from django.contrib.messages import get_messages

    client.force_login(officer_a)
    client.post(edit_url(world), report_data(send="1"))
    report = Report.objects.get()
    assert report.state == ReportState.PENDING
    client.force_login(head_a)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert f'name="version" value="{report.version}"' in page
    first = transition(client, report, WorkflowAction.SUBMIT, version=report.version)
    second = transition(client, report, WorkflowAction.SUBMIT, version=report.version)
    told = [str(message) for message in get_messages(second.wsgi_request)]
    assert told == ["Đã duyệt và gửi cơ quan đầu mối."], told
    assert first.status_code == second.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert list(report.events.values_list("action", flat=True)) == [
        WorkflowAction.CREATE, WorkflowAction.SEND_FOR_APPROVAL, WorkflowAction.SUBMIT
    ]  # fmt: skip
    later = transition(client, report, WorkflowAction.SUBMIT, version=report.version)
    assert [str(message) for message in get_messages(later.wsgi_request)] != []  # not a double click: still told
