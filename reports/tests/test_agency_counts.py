"""The counts at the top of the agency's task list open what they count (found by walking the portal)."""

import datetime
import html

from django.urls import reverse

from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory


def test_the_not_reported_count_opens_the_tasks_it_counts_and_no_completed_one(client, db, world, agency_a, officer_a):
    done = TaskFactory(
        plan=world.plan,
        section=world.task.section,
        number="3",
        title="Ban hành quy chế đã xong",
        timeframe="Năm 2018",
        start_date=datetime.date(2018, 1, 1),
        due_date=datetime.date(2018, 12, 31),
    )
    done.completed_on = datetime.date(2018, 6, 1)
    done.save()
    TaskAssignmentFactory(task=done, agency=agency_a, role=AssignmentRole.LEAD)
    client.force_login(officer_a)
    page = html.unescape(client.get(reverse("reports:agency_tasks")).content.decode())
    assert 'href="?report_state=none"' in page and 'href="?status=overdue"' in page
    listed = client.get(reverse("reports:agency_tasks"), {"report_state": "none"}).content.decode()
    assert world.task.title in listed
    assert done.title not in listed  # completed: "không cần báo cáo", not "chưa báo cáo"
