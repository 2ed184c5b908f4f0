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
    assert 'href="?report_state=missing"' in page and 'href="?status=overdue"' in page
    listed = client.get(reverse("reports:agency_tasks"), {"report_state": "missing"}).content.decode()
    assert world.task.title in listed
    assert done.title not in listed  # completed: "không cần báo cáo", not "phải báo cáo, chưa gửi"


def test_the_deadline_banner_reads_date_then_why_it_moved_then_days_left_and_names_every_plan_sharing_the_period(
    client, db, world, agency_a, officer_a
):
    # Walk (issue 30, point 8): "(lùi do …)" came after "còn 15 ngày.", and one plan was named where several share the period;
    # "6 quá hạn" here (lead and cooperating) stood beside the dashboard's 5 (lead only), neither saying which.
    import re

    from plans.tests.factories import PlanFactory, SectionFactory

    second = PlanFactory(symbol="125/KH-SKHCN", starts_on=world.plan.starts_on, reporting_kinds=world.plan.reporting_kinds)
    task = TaskFactory(plan=second, section=SectionFactory(plan=second), start_date=datetime.date(2017, 1, 1), due_date=None)
    TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
    client.force_login(officer_a)
    page = client.get(reverse("reports:agency_tasks")).content.decode()
    banner = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.split('class="deadline-banner', 1)[1].split("</div>", 1)[0]))
    assert "28/KH-UBND" in banner and "125/KH-SKHCN" in banner
    said = re.search(r"hạn gửi báo cáo là ngày (\d\d/\d\d/\d{4})(.*?)— còn \d+ ngày\.", banner)
    assert said, banner  # the date, then (when it moved) why, then the days left
    assert "chủ trì hoặc phối hợp" in html.unescape(page.split("deadline-banner", 1)[0])  # what the overdue count counts
