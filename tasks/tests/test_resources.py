import pytest

from tasks.resources import TaskResource
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_admin_task_export_neutralises_formulas_and_writes_dates_day_first():
    task = TaskFactory(title="=1+2", product="-Báo cáo")
    TaskAssignmentFactory(task=task)
    dataset = TaskResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["Nhiệm vụ"] == "'=1+2"
    assert row["Sản phẩm"] == "'-Báo cáo"
    assert row["Hạn hoàn thành"] == "31/12/2018"
    assert row["Tình trạng"] == "Chưa hoàn thành, quá hạn"
