import datetime

import factory

from plans.choices import PlanState
from plans.models import Agency, AgencyGroup, Directive, Plan, Section, User


class AgencyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyGroup

    code = factory.Sequence(lambda n: f"G{n}")
    name = factory.Sequence(lambda n: f"Nhóm cơ quan số {n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm số {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.PostGenerationMethodCall("set_password", "Mật-khẩu-thử-2026")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    symbol = factory.Sequence(lambda n: f"{n + 1}/CT-TTg")
    issuer = "Thủ tướng Chính phủ"
    issued_on = datetime.date(2017, 5, 4)
    title = "Về việc tăng cường năng lực tiếp cận cuộc Cách mạng công nghiệp lần thứ 4"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    # Numbered from 9001: the symbols tests write out ("28/KH-UBND", "1091/KH-UBND", f"{size}/KH-UBND") never meet a
    # numbered one, whatever tests ran before in the process (the same issuer, number and year is one plan).
    symbol = factory.Sequence(lambda n: f"{n + 9001}/KH-UBND")
    issuer = "Ủy ban nhân dân tỉnh Vĩnh Long"
    issued_on = datetime.date(2017, 8, 23)
    starts_on = datetime.date(2017, 8, 23)
    title = "Kế hoạch thực hiện Chỉ thị số 16/CT-TTg về chuyển đổi số"
    state = PlanState.IN_FORCE
    is_published = True
    reporting_kinds = factory.LazyFunction(lambda: ["quarter", "year"])


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n)
    title = "Tuyên truyền, nâng cao nhận thức"
