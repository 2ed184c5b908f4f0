"""What the walk of stop 37 (hwalk5) found, each checked here as a user would meet it."""

import pytest
from django.urls import reverse

from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory

pytestmark = pytest.mark.django_db


def test_the_reassignment_message_names_the_agency_the_work_went_to(client, world, coordinator, agency_b):
    """Walk: "1 nhiệm vụ đã được giao lại." said nothing of where the work went."""
    import datetime

    from plans.tests.factories import AgencyFactory

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    district = AgencyFactory(code="HLH", name="Ủy ban nhân dân huyện Long Hồ", kind="huyen", active_to=datetime.date(2025, 7, 1))
    orphaned = TaskAssignmentFactory(task=world.task, agency=district, role=AssignmentRole.LEAD)
    client.force_login(coordinator)
    step = client.post(reverse("reports:reassign"), {"assignment": [orphaned.pk], "agency": agency_b.pk, "confirm": "1"}, follow=True)
    (message,) = [str(m) for m in step.context["messages"]]
    assert message == f"Đã giao lại 1 nhiệm vụ cho {agency_b.name}.", message


def test_the_agency_lists_count_of_reports_owed_is_the_work_lists_and_opens_exactly_those(client, world, agency_b, head_b):
    """Walk: the officer's list read "10 chưa báo cáo" beside "Việc cần xử lý 8": the count took in the tasks the agency
    only cooperates on (it owes no report on them), the work list did not. One selector (``owed_not_sent``) for both."""
    from reports import worklist

    client.force_login(head_b)  # B leads ``world.other_task`` and cooperates on ``world.task``: neither reported yet
    page = client.get(reverse("reports:agency_tasks"))
    owed = sum(item.count for item in worklist.work_items(head_b) if item.kind == worklist.TO_FILE)
    assert owed == 1
    assert page.context["owed"] == owed
    listed = client.get(reverse("reports:agency_tasks") + page.context["owed_url"])
    assert [row.pk for row in listed.context["filter"].qs] == [world.other_task.pk]
    assert "phải báo cáo, chưa gửi" in page.content.decode()


def test_an_empty_list_says_no_filter_matched_only_when_one_was_set(client, world, coordinator):
    """Walk: the public "Báo cáo tổng hợp đã ban hành", opened from the menu, read "Không có báo cáo tổng hợp đã ban hành
    nào phù hợp bộ lọc." though nobody had set a filter; the coordinator's inbox, filtered, read "no report waits"."""
    page = client.get(reverse("reports:public_summaries")).content.decode()
    assert "bộ lọc" not in page.split("empty-state", 1)[1][:300]
    assert "Chưa có báo cáo tổng hợp nào" in page
    filtered = client.get(reverse("reports:public_summaries"), {"year": 2018}).content.decode()
    assert "phù hợp bộ lọc" in filtered.split("empty-state", 1)[1][:300]
    client.force_login(coordinator)
    inbox = client.get(reverse("reports:inbox"), {"plan": world.plan.pk}).content.decode()
    assert "phù hợp bộ lọc" in inbox.split("empty-state", 1)[1][:300]


def test_who_issued_a_signers_certificate_reads_in_vietnamese_not_as_organization_and_common_name():
    """Walk: the summary page's "Chứng thư do" read "Organization: …, Common Name: …" (the library's English labels)."""
    import datetime

    from reports.summaries.signing import verify_signed_copy
    from reports.tests.signing_ca import NOW, authority, blank_pdf, person, sign

    ca = authority()
    issued = blank_pdf()
    [signature] = verify_signed_copy(
        content=sign(issued, person(ca), ca), issued=issued, roots=[ca.asn1], issued_at=NOW - datetime.timedelta(hours=1)
    )
    assert signature.issuer == "Test Root CA — Ban Cơ yếu (thử) (Ban Cơ yếu Chính phủ (thử))"
