"""The admin's action bar and add button in good Vietnamese; workflow steps in local time."""

import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admins_bulk_action_bar_and_add_button_read_as_vietnamese(client, sysadmin, filed):
    client.force_login(sysadmin)
    page = client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert "Thêm kế hoạch" in page and "Thêm vào" not in page
    assert "Thao tác:" in page and "Đã chọn 0 trên" in page and ">Thực hiện<" in page
    script = client.get(reverse("admin:jsi18n")).content.decode()
    assert "\\u0110\\u00e3 ch\\u1ecdn %(sel)s tr\\u00ean %(cnt)s" in script or "Đã chọn %(sel)s trên %(cnt)s" in script


def test_workflow_steps_in_the_admin_are_written_in_local_time(client, sysadmin, filed):
    from reports.models import ReportEvent

    event = ReportEvent.objects.filter(report__task=filed.task).first()
    event.at = datetime.datetime(2018, 12, 18, 18, 30, tzinfo=datetime.UTC)  # 01:30 on the 19th in Vĩnh Long
    event.save()
    client.force_login(sysadmin)
    page = client.get(reverse("admin:reports_report_change", args=[event.report_id])).content.decode()
    assert "19/12/2018 01:30" in page and "18/12/2018 18:30" not in page
