import factory

from plans.choices import PeriodKind
from reports.models import Report, ReportingPeriod
from reports.periods import period_of


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("kind", "year", "number")

    kind = PeriodKind.QUARTER
    year = 2018
    number = 4
    first_day = factory.LazyAttribute(lambda o: period_of(o.kind, o.year, o.number).first_day)
    last_day = factory.LazyAttribute(lambda o: period_of(o.kind, o.year, o.number).last_day)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    task = factory.SubFactory("tasks.tests.factories.TaskFactory")
    agency = factory.SubFactory("plans.tests.factories.AgencyFactory")
    period = factory.SubFactory(ReportingPeriodFactory)
    created_by = factory.SubFactory("plans.tests.factories.UserFactory")
    progress = 50
