import pytest

from plans.tests.factories import PlanFactory, SectionFactory
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_admin_search_ignores_accents(client, sysadmin):
    PlanFactory(symbol="1/KH-UBND", title="Kế hoạch chuyển đổi số tỉnh Vĩnh Long")
    PlanFactory(symbol="2/KH-UBND", title="Kế hoạch phát triển nông nghiệp")
    client.force_login(sysadmin)
    html = client.get("/admin/plans/plan/", {"q": "chuyen doi so"}).content.decode()
    assert "1/KH-UBND" in html
    assert "2/KH-UBND" not in html


def test_admin_plan_page_shows_sections_and_tasks_inline_in_vietnamese(client, sysadmin):
    section = SectionFactory(title="Tuyên truyền, nâng cao nhận thức")
    TaskFactory(plan=section.plan, section=section, title="Tổ chức hội thảo")
    client.force_login(sysadmin)
    html = client.get(f"/admin/plans/plan/{section.plan.pk}/change/").content.decode()
    assert "Tuyên truyền, nâng cao nhận thức" in html
    assert "Tổ chức hội thảo" in html
    assert "Nhóm nhiệm vụ" in html and "Lịch sử" in html


def task_form(section, timeframe: str) -> dict:
    return {
        "plan": section.plan.pk,
        "section": section.pk,
        "number": "7",
        "position": "7",
        "title": "Xây dựng cơ sở dữ liệu",
        "product": "",
        "note": "",
        "timeframe": timeframe,
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
    }


def test_task_admin_computes_dates_from_the_timeframe(client, sysadmin):
    section = SectionFactory()
    client.force_login(sysadmin)
    response = client.post("/admin/tasks/task/add/", task_form(section, "Quý V/2018"))
    assert "quý chỉ có thể là I, II, III hoặc IV" in response.content.decode()
    response = client.post("/admin/tasks/task/add/", task_form(section, "Quý IV/2018"))
    assert response.status_code == 302
    task = section.plan.tasks.get(number="7")
    assert (str(task.start_date), str(task.due_date)) == ("2018-10-01", "2018-12-31")


def test_officers_cannot_enter_the_admin(client, officer_a):
    client.force_login(officer_a)
    assert client.get("/admin/").status_code == 302


def test_date_fields_read_day_first():
    from django import forms

    class F(forms.Form):
        day = forms.DateField()

    form = F({"day": "05/03/2026"})
    assert form.is_valid()
    assert (form.cleaned_data["day"].day, form.cleaned_data["day"].month) == (5, 3)


def test_two_overlapping_memberships_typed_together_in_the_admin_are_refused_in_vietnamese(client, sysadmin):
    from plans.models import AgencyGroup, AgencyMembership
    from plans.tests.factories import AgencyFactory

    group = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    agency = AgencyFactory()
    client.force_login(sysadmin)
    form = {
        "code": "SBN",
        "name": "Các sở, ban, ngành tỉnh",
        "aliases": "",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-agency": agency.pk,
        "memberships-0-member_from": "01/01/2018",
        "memberships-0-member_to": "01/01/2021",
        "memberships-1-agency": agency.pk,
        "memberships-1-member_from": "01/01/2020",
        "memberships-1-member_to": "01/01/2022",
    }
    page = client.post(f"/admin/plans/agencygroup/{group.pk}/change/", form)
    assert page.status_code == 200 and "thời gian thuộc nhóm không được trùng nhau" in page.content.decode()
    assert "Vui lòng sửa các lỗi dưới đây." in page.content.decode() and "Please correct" not in page.content.decode()
    assert not AgencyMembership.objects.exists()
    form["memberships-1-member_from"] = "01/01/2021"  # the day the first one ends: no day shared
    assert client.post(f"/admin/plans/agencygroup/{group.pk}/change/", form).status_code == 302
    assert AgencyMembership.objects.count() == 2


def test_the_group_list_counts_todays_members_once_each(client, sysadmin):
    import datetime

    from plans.models import AgencyGroup, AgencyMembership
    from plans.tests.factories import AgencyFactory

    group = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    stays, left, rejoined = AgencyFactory(), AgencyFactory(), AgencyFactory()
    AgencyMembership.objects.create(group=group, agency=stays)
    AgencyMembership.objects.create(group=group, agency=left, member_to=datetime.date(2025, 3, 1))
    AgencyMembership.objects.create(group=group, agency=rejoined, member_to=datetime.date(2020, 1, 1))
    AgencyMembership.objects.create(group=group, agency=rejoined, member_from=datetime.date(2021, 1, 1))
    client.force_login(sysadmin)
    page = client.get("/admin/plans/agencygroup/").content.decode()
    assert "Số thành viên hiện nay" in page and '<td class="field-member_count">2</td>' in page
