"""Chasing late agencies in one step: the dashboard's missing count opens the list; a letter and e-mails, recorded."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from docx import Document

from plans.tests.factories import AgencyFactory, UserFactory
from reports.choices import ReminderKind
from reports.dashboard import dashboard
from reports.models import Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(world, coordinator, head_a, head_b):
    """Neither agency has reported the period due: A owes task 1, B task 2."""
    world.plan.coordinator = coordinator.agency
    world.plan.save()
    for head in (head_a, head_b):
        head.email = f"{head.username}@vinhlong.gov.vn"
        head.save()
    return world


def test_the_dashboards_missing_count_links_to_the_list_that_counts_the_same(client, owed, leader):
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert f'href="{reverse("reports:chase")}?toan-tinh=1"' in page
    listing = client.get(reverse("reports:chase"), {"toan-tinh": 1})
    assert listing.context["total"] == dashboard().totals["missing"] == 2
    assert 'name="owed"' not in listing.content.decode()  # leadership reads; the plan's coordinator chases


def test_the_coordinator_chases_in_one_step_a_letter_and_emails_recorded_once_a_day(
    client, owed, coordinator, agency_a, agency_b, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    keys = [f"{owed.plan.pk}-{agency_a.pk}", f"{owed.plan.pk}-{agency_b.pk}"]
    with django_capture_on_commit_callbacks(execute=True):
        step = client.post(reverse("reports:chase"), {"owed": keys, "letter": "on", "email": "on"}, follow=True)
    # back on the list, told what was done, with the letter to download (answering with the file said nothing)
    said = [str(m) for m in step.context["messages"]]
    assert step.redirect_chain[-1][0] == reverse("reports:chase") and "2 cơ quan" in said[0]
    link = said[0].split('href="')[1].split('"')[0].replace("&amp;", "&")
    with_letter = client.get(link)
    assert with_letter["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(with_letter.content)).paragraphs)
    cells = "\n".join(c.text for t in Document(io.BytesIO(with_letter.content)).tables for row in t.rows for c in row.cells)
    assert "Kính gửi:" in text and agency_a.name in text and agency_b.name in text and "nhiệm vụ 1" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Nơi nhận:" in cells
    chased = Reminder.objects.filter(kind=ReminderKind.CHASED)
    assert set(chased.values_list("agency_id", flat=True)) == {agency_a.pk, agency_b.pk}
    assert sorted(m.to[0] for m in mail.outbox) == ["head_a@vinhlong.gov.vn", "head_b@vinhlong.gov.vn"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:chase"), {"owed": keys, "email": "on"})  # again the same day: recorded once, no second e-mail
    assert chased.count() == 2 and len(mail.outbox) == 2
    page = client.get(reverse("reports:chase")).content.decode()
    assert "Cơ quan đầu mối đôn đốc" in page  # the step shows on each obligation


def test_another_plans_coordinator_cannot_chase(client, owed, roles, agency_a):
    other = UserFactory(username="daumoi.khac", agency=AgencyFactory())
    other.groups.set([roles["coordinator"]])
    client.force_login(other)
    response = client.post(reverse("reports:chase"), {"owed": [f"{owed.plan.pk}-{agency_a.pk}"], "email": "on"})
    assert response.status_code == 403 and not Reminder.objects.filter(kind=ReminderKind.CHASED).exists()


def test_a_coordinator_lists_only_the_plans_its_agency_coordinates(client, owed, roles):
    other = UserFactory(username="daumoi.khac2", agency=AgencyFactory())
    other.groups.set([roles["coordinator"]])
    client.force_login(other)
    listing = client.get(reverse("reports:chase"))
    assert listing.context["owed"] == [] and listing.context["total"] == 0  # found by walking: another plan's rows were listed


def test_on_a_phone_the_chase_list_is_cards_like_every_list(client, owed, coordinator):
    """The cards of narrow screens come from ``list-table`` and each cell's ``data-label`` (portal.css)."""
    client.force_login(coordinator)
    page = client.get(reverse("reports:chase")).content.decode()
    table = page[page.index("<table") : page.index("</table>")]
    assert "list-table" in table[: table.index(">")] and "select-all-narrow" in page
    body = table[table.index("<tbody") :]
    assert body.count('data-label="Kế hoạch"') == 2 and body.count('data-label="Báo cáo chưa gửi"') == 2


def test_the_coordinators_dashboard_count_opens_a_list_that_counts_the_same_and_its_queue_is_a_click_away(client, owed, roles, coordinator):
    # Walk: daumoi's dashboard said "29 báo cáo kỳ này chưa gửi" and its link opened a list of 6 (its plans only).
    import re

    other = UserFactory(username="daumoi.khac3", agency=AgencyFactory())
    other.groups.set([roles["coordinator"]])
    client.force_login(other)
    page = client.get(reverse("reports:dashboard")).content.decode()
    link = re.search(r'<a class="text-decoration-none" href="([^"]*)"><div class="fs-3 fw-bold text-warning-emphasis">', page)[1]
    listing = client.get(link.replace("&amp;", "&"))
    assert listing.context["total"] == dashboard().totals["missing"] == 2
    assert 'name="owed"' not in listing.content.decode()  # another plan's lines are read, not chased
    queue = client.get(reverse("reports:chase"))
    assert queue.context["total"] == 0 and f'href="{link}"' in queue.content.decode()  # its own queue says where the rest is


def _xlsx_rows(response) -> list[tuple]:
    from openpyxl import load_workbook

    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_the_chase_list_filters_by_plan_agency_and_text_without_accents_and_exports_what_it_shows(
    client, owed, coordinator, agency_a, agency_b
):
    """Walk finding: the chase list was the one list with no filter and no Excel export."""
    client.force_login(coordinator)
    url = reverse("reports:chase")
    assert len(client.get(url).context["owed"]) == 2
    by_agency = client.get(url, {"agency": agency_b.pk})
    assert [line.agency for line in by_agency.context["owed"]] == [agency_b]
    unaccented = client.get(url, {"q": "khoa hoc va cong nghe"})  # the agency's name typed without accents
    assert [line.agency for line in unaccented.context["owed"]] == [agency_b]
    by_task = client.get(url, {"q": "tuyen truyen"})  # task 1's title, led by A
    assert [line.agency for line in by_task.context["owed"]] == [agency_a]
    assert client.get(url, {"plan": owed.plan.pk}).context["total"] == 2
    assert 'id="export-link"' in by_agency.content.decode()
    rows = _xlsx_rows(client.get(url, {"agency": agency_b.pk, "format": "xlsx"}))
    assert agency_b.name in rows[0][0]  # the heading names the filter
    body = [row for row in rows[2:] if any(row)]
    assert len(body) == 1 and body[0][0] == agency_b.name and owed.plan.symbol in body[0]
