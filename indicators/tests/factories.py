import datetime
from decimal import Decimal

import factory

from indicators.models import Indicator, IndicatorTarget
from plans.tests.factories import AgencyFactory, PlanFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    scope = "plan"
    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"CT-{n:02d}")
    name = "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình"
    unit = "%"
    kind = "percentage"
    agency = factory.SubFactory(AgencyFactory)
    baseline_value = Decimal(40)
    baseline_year = 2020


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2025
    due_on = factory.LazyAttribute(lambda target: datetime.date(target.year, 12, 31))
    value = Decimal(90)
