import datetime

import factory

from plans.tests.factories import PlanFactory, SectionFactory
from tasks.choices import AssignmentRole, Recurrence
from tasks.models import Task, TaskAssignment


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    section = factory.SubFactory(SectionFactory, plan=factory.SelfAttribute("..plan"))
    number = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n)
    title = "Xây dựng kế hoạch chuyển đổi số của tỉnh"
    timeframe = "Quý IV/2018"
    start_date = datetime.date(2018, 10, 1)
    due_date = datetime.date(2018, 12, 31)
    recurrence = Recurrence.NONE


class TaskAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskAssignment

    task = factory.SubFactory(TaskFactory)
    agency = factory.SubFactory("plans.tests.factories.AgencyFactory")
    role = AssignmentRole.LEAD
