"""A summary drafted from the data, written by the coordinator, sent for signature, returned, issued — and then never changed."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports.choices import SummaryAction, SummarySectionKey, SummaryState
from reports.periods import parse_period_code
from reports.summaries.drafting import summary_issue, summary_return, summary_section_write, summary_submit, summary_texts
from reports.summaries.pdf import summary_pdf_render
from reports.summaries.prose import blocks
from reports.summaries.service import summary_compile, summary_request
from reports.tests.helpers import report_accept

pytestmark = pytest.mark.django_db
H2_2018 = parse_period_code("2018-H2")


def document_text(summary) -> str:
    return "\n".join(p.text for p in Document(summary.document.open("rb")).paragraphs)


def test_the_draft_is_prefilled_from_the_data_with_each_quote_naming_its_agency(filed, agency_a):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    texts = summary_texts(summary)
    data = summary.snapshot
    assert f"tổng số {data['totals']['tasks']} nhiệm vụ" in texts[SummarySectionKey.SITUATION]
    assert f"{data['reports']['missing']} báo cáo chưa gửi" in texts[SummarySectionKey.SITUATION]
    for item in data["missing"]:
        assert f"- {item['agency']}: chưa báo cáo" in texts[SummarySectionKey.SITUATION]
    assert f"- {agency_a.name} (nhiệm vụ 1): Thiếu kinh phí cho hạ tầng" in texts[SummarySectionKey.SHORTCOMINGS]
    assert f"- {agency_a.name} (nhiệm vụ 1): Đề nghị bổ sung kinh phí năm 2019" in texts[SummarySectionKey.PROPOSALS]
    assert "3 hội nghị" in texts[SummarySectionKey.RESULTS]
    text = document_text(summary)
    assert "Thiếu kinh phí cho hạ tầng" in text and "IV. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI" in text


def test_plain_text_becomes_paragraphs_and_dash_lists_and_markup_stays_text():
    assert blocks("Đoạn một.\n\n- ý a\n+ ý b\nĐoạn <b>hai</b>\x07") == [
        ("p", "Đoạn một."),
        ("li", "ý a"),
        ("li", "ý b"),
        ("p", "Đoạn <b>hai</b>"),
    ]


def test_the_coordinator_writes_a_section_that_compiling_again_keeps_with_who_and_when(
    client, filed, coordinator, agency_b, officer_b, head_b
):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    written = "Năm 2018, các cơ quan <script>alert(1)</script> đã tích cực triển khai.\n- Tổ chức 3 hội nghị\n- Ban hành 2 văn bản"
    summary_section_write(summary=summary, key=SummarySectionKey.RESULTS, text=written, by=coordinator)
    event = summary.events.get()
    assert (event.action, event.section, event.by, event.text) == (SummaryAction.EDIT, "results", coordinator, written)
    report_accept(
        task=filed.other_task, agency=agency_b, period=summary.period, officer=officer_b, head=head_b, coordinator=coordinator, progress=80
    )
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    texts = summary_texts(summary)
    assert texts[SummarySectionKey.RESULTS] == written  # written by a person: kept
    assert f"tổng số {summary.snapshot['totals']['tasks']} nhiệm vụ" in texts[SummarySectionKey.SITUATION]  # follows the data
    assert summary.snapshot["reports"]["missing"] == 0 and "0 báo cáo chưa gửi" in texts[SummarySectionKey.SITUATION]
    assert "- Tổ chức 3 hội nghị" in document_text(summary)
    client.force_login(coordinator)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "<li>Tổ chức 3 hội nghị</li>" in page and coordinator.display_name in page
    preview = client.get(reverse("reports:summary_preview", args=[summary.pk])).content.decode()
    assert "II. KẾT QUẢ ĐẠT ĐƯỢC" in preview and "&lt;script&gt;" in preview and "DỰ THẢO" in preview


def test_sent_for_signature_returned_with_a_comment_then_issued_by_leadership(client, filed, coordinator, leader):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    with pytest.raises(PermissionDenied):
        summary_issue(summary=summary, number="125", by=coordinator)  # the coordinator writes; leadership issues
    with pytest.raises(PermissionDenied):
        summary_section_write(summary=summary, key="results", text="x", by=leader)  # leadership reads and decides
    summary = summary_submit(summary=summary, by=coordinator)
    assert summary.state == SummaryState.SUBMITTED == "submitted"  # "chờ ký": leadership's item to do
    with pytest.raises(ValidationError, match="chờ ký"):
        summary_section_write(summary=summary, key="results", text="x", by=coordinator)
    with pytest.raises(ValidationError, match="chờ ký"):
        summary_request(plan=filed.plan, period=H2_2018, by=coordinator)
    assert summary_compile(plan=filed.plan, period=H2_2018).compiled_at == summary.compiled_at  # left as submitted
    with pytest.raises(ValidationError, match="ý kiến"):
        summary_return(summary=summary, by=leader, comment="  ")
    summary = summary_return(summary=summary, by=leader, comment="Bổ sung kết quả chuyển đổi số cấp xã.")
    assert summary.state == SummaryState.DRAFT
    client.force_login(coordinator)
    assert "Bổ sung kết quả chuyển đổi số cấp xã." in client.get(summary.get_absolute_url()).content.decode()
    summary_section_write(summary=summary, key="results", text="Đã bổ sung kết quả cấp xã.", by=coordinator)
    summary = summary_submit(summary=summary, by=coordinator)
    client.force_login(leader)
    page = client.post(reverse("reports:summary_step", args=[summary.pk, "issue"]), {"number": "125"}, follow=True).content.decode()
    assert "Đã ban hành báo cáo số 125" in page
    summary.refresh_from_db()
    assert (summary.state, summary.number, summary.issued_by) == (SummaryState.ISSUED, "125", leader)
    actions = list(summary.events.values_list("action", "by__username"))
    assert actions == [
        ("submit", coordinator.username),
        ("return", leader.username),
        ("edit", coordinator.username),
        ("submit", coordinator.username),
        ("issue", leader.username),
    ]


def test_issuing_freezes_the_text_and_figures_the_leader_read_and_nothing_changes_them_again(
    filed, coordinator, leader, agency_b, officer_b, head_b
):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    summary_section_write(summary=summary, key="proposals", text="Đề nghị UBND tỉnh bố trí kinh phí.", by=coordinator)
    summary = summary_submit(summary=summary, by=coordinator)
    read = summary.snapshot
    report_accept(  # accepted while the summary waited for signature
        task=filed.other_task, agency=agency_b, period=summary.period, officer=officer_b, head=head_b, coordinator=coordinator, progress=80
    )
    issued = summary_issue(summary=summary, number="125", by=leader)
    assert issued.snapshot == read  # not compiled again: what leadership read is what is issued
    document = Document(issued.document.open("rb"))
    assert document.tables[0].cell(1, 0).text == "Số: 125/BC-UBND"
    text = document_text(issued)
    assert "DỰ THẢO" not in text and "Đề nghị UBND tỉnh bố trí kinh phí." in text
    sheet = load_workbook(io.BytesIO(issued.annex.open("rb").read())).active
    assert sheet["A3"].value.startswith("(Kèm theo Báo cáo số 125/BC-UBND")
    files = (issued.document.name, issued.annex.name)
    with pytest.raises(ValidationError):
        summary_section_write(summary=issued, key="proposals", text="Sửa sau ban hành", by=coordinator)
    with pytest.raises(ValidationError):
        summary_issue(summary=issued, number="126", by=leader)
    again = summary_compile(plan=filed.plan, period=H2_2018)
    again.refresh_from_db()
    assert again.snapshot == read and (again.document.name, again.annex.name) == files and again.number == "125"
    assert summary_texts(again)["proposals"] == "Đề nghị UBND tỉnh bố trí kinh phí."


def test_the_page_offers_each_role_exactly_its_steps(client, filed, coordinator, leader):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    client.force_login(coordinator)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "Trình ký" in page and "Viết phần này" in page and "Ban hành và khóa" not in page
    client.force_login(leader)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "Ban hành và khóa" in page and "Viết phần này" not in page and "Trả lại kèm ý kiến" not in page
    summary_submit(summary=summary, by=coordinator)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "Trả lại kèm ý kiến" in page and "Chờ ký" in page
    response = client.post(reverse("reports:summary_section", args=[summary.pk, "results"]), {"text": "x"})
    assert response.status_code == 403


def test_without_libreoffice_the_issued_page_says_what_to_install(client, filed, leader):
    summary = summary_issue(summary=summary_compile(plan=filed.plan, period=H2_2018), number="125", by=leader)
    client.force_login(leader)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "apt-get install libreoffice-writer-nogui" in page and "không thể ký số báo cáo tại đây" in page


@pytest.mark.soffice
def test_the_issued_pdf_is_rendered_once_and_never_again(filed, leader, django_capture_on_commit_callbacks):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    with django_capture_on_commit_callbacks(execute=True):
        summary = summary_issue(summary=summary, number="125", by=leader)
    summary.refresh_from_db()
    content = summary.pdf.open("rb").read()
    assert content.startswith(b"%PDF-") and summary.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert summary_pdf_render(summary_id=summary.pk) is False  # what gets signed is never made again
    summary.refresh_from_db()
    assert summary.pdf.open("rb").read() == content


def test_a_summary_sent_for_signature_waits_in_leaderships_work_list_with_a_notice_and_leaves_it_when_issued(filed, coordinator, leader):
    from reports import worklist
    from reports.models import Notice

    summary = summary_compile(plan=filed.plan, period=H2_2018)
    assert worklist.SUMMARY not in [item.kind for item in worklist.work_items(leader)]  # a draft is the coordinator's
    summary = summary_submit(summary=summary, by=coordinator)
    item = next(item for item in worklist.work_items(leader) if item.kind == worklist.SUMMARY)
    assert "chờ ký" in item.why and item.url == summary.get_absolute_url()
    assert Notice.objects.filter(user=leader, text__contains="chờ ký").count() == 1
    summary_issue(summary=summary, number="126", by=leader)
    assert worklist.SUMMARY not in [item.kind for item in worklist.work_items(leader)]


def test_a_coordinator_of_another_agency_reads_a_plans_summary_but_takes_no_step_on_it(
    client, filed, coordinator, coordinating_agency, agency_b, roles
):
    """Found by the attack pass: Sở Tài chính's coordinator wrote a section of 28/KH-UBND's summary (coordinated by Sở
    KH&CN) and sent it for signature; the queue and the chase list already kept to the plans an agency coordinates."""
    from conftest import _user
    from reports import policy as reports_policy

    filed.plan.coordinator = coordinating_agency
    filed.plan.save()
    stranger = _user(roles, "coordinator_b", "coordinator", agency_b, is_staff=True)
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    assert reports_policy.summary_actions(stranger, summary) == []
    assert SummaryAction.SUBMIT in reports_policy.summary_actions(coordinator, summary)
    with pytest.raises(PermissionDenied):
        summary_section_write(summary=summary, key=SummarySectionKey.RESULTS, text="Viết hộ", by=stranger)
    with pytest.raises(PermissionDenied):
        summary_submit(summary=summary, by=stranger)
    with pytest.raises(PermissionDenied):
        summary_request(plan=filed.plan, period=H2_2018, by=stranger)
    client.force_login(stranger)
    assert client.get(summary.get_absolute_url()).status_code == 200
    url = reverse("reports:summary_section", kwargs={"pk": summary.pk, "key": SummarySectionKey.RESULTS})
    assert client.post(url, {"text": "Viết hộ"}).status_code == 403
    summary.refresh_from_db()
    assert summary.state == SummaryState.DRAFT and not summary.events.exists()


def test_a_notice_that_a_summary_waits_for_signature_leaves_the_unread_once_it_is_returned_or_issued(
    client, roles, filed, coordinator, leader
):
    """Before: "Báo cáo tổng hợp … đang chờ ký." stayed unread on every leader's page after one of them had returned or
    issued the summary: a notice of work that no longer waited. It is kept, read, in the person's history."""
    from conftest import _user
    from reports.models import Notice

    other_leader = _user(roles, "leader2", "leadership")

    def unread(user):
        return list(
            Notice.objects.filter(user=user, read_at__isnull=True, key__startswith="summary-submitted:").values_list("text", flat=True)
        )

    summary = summary_submit(summary=summary_compile(plan=filed.plan, period=H2_2018), by=coordinator)
    assert len(unread(leader)) == len(unread(other_leader)) == 1
    summary = summary_return(summary=summary, by=leader, comment="Bổ sung kết quả cấp xã.")
    assert unread(leader) == unread(other_leader) == []
    summary = summary_submit(summary=summary, by=coordinator)  # sent again: told again
    assert len(unread(other_leader)) == 1
    summary_issue(summary=summary, number="125", by=leader)
    assert unread(leader) == unread(other_leader) == []
    assert Notice.objects.filter(user=other_leader, key__startswith="summary-submitted:").count() == 2  # history kept
    client.force_login(other_leader)
    assert not [n for n in client.get(reverse("reports:work")).context["unread"] if "chờ ký" in n.text]


@pytest.mark.parametrize(
    ("action", "comment", "said"),
    [
        ("return", "Bổ sung số liệu cấp xã. " * 220, "tối đa 5000 kí tự"),
        ("return", "Bổ sung số liệu\x00", "ký tự rỗng (NUL)"),
        ("submit", "Kính trình. " * 500, "tối đa 5000 kí tự"),
    ],
)
def test_a_summary_steps_comment_too_long_or_with_a_nul_is_refused_naming_the_field_and_writes_nothing(
    client, filed, coordinator, leader, action, comment, said
):
    """A summary step's comment had no limit (a report step's has workflow.COMMENT_MAX_LENGTH, 5000) and a NUL in it was
    dropped without a word: the same rule now, told with the field's name, and nothing written."""
    from django.contrib.messages import get_messages

    summary = summary_compile(plan=filed.plan, period=H2_2018)
    if action == "return":
        summary = summary_submit(summary=summary, by=coordinator)
    state, events = summary.state, summary.events.count()
    client.force_login(leader if action == "return" else coordinator)
    response = client.post(reverse("reports:summary_step", args=[summary.pk, action]), {"comment": comment})
    told = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert told.startswith("Ghi chú: ") and said in told, told
    summary.refresh_from_db()
    assert summary.state == state and summary.events.count() == events
    long_enough = "Bổ sung số liệu. " * 260  # 4,420 characters: a report step's reason may be as long
    client.post(reverse("reports:summary_step", args=[summary.pk, action]), {"comment": long_enough})
    summary.refresh_from_db()
    assert summary.state != state and summary.events.latest("at").comment == long_enough.strip()


def test_an_issue_number_with_a_nul_is_refused_with_the_numbers_message_and_writes_nothing(client, filed, coordinator, leader):
    """The issue step's number came from the raw POST: a NUL in it was stored as it came on SQLite and broke the request
    on PostgreSQL (a 500: a text cannot hold a NUL there). It is refused as a wrong number is, and nothing is written."""
    from django.contrib.messages import get_messages

    summary = summary_submit(summary=summary_compile(plan=filed.plan, period=H2_2018), by=coordinator)
    events = summary.events.count()
    client.force_login(leader)
    response = client.post(reverse("reports:summary_step", args=[summary.pk, "issue"]), {"number": "125\x00"})
    assert response.status_code == 302
    told = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "125" in told or "số" in told, told
    summary.refresh_from_db()
    assert (summary.state, summary.number, summary.events.count()) == (SummaryState.SUBMITTED, "", events)
    with pytest.raises(ValidationError):
        summary_issue(summary=summary, number="12\x005", by=leader)
