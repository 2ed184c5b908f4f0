"""Search as a citizen and a leader read it: whole syllables, the whole phrase first, the match in view and marked."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.search import search_filter
from core.text import excerpt, search_keys
from plans import policy
from plans.tests.factories import AgencyFactory, PlanFactory
from tasks.models import Task
from tasks.selectors import task_list, task_search
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

FRAGMENTS = "Rà soát, sửa đổi các quy định chuyên ngành đối với doanh nghiệp"


def found(query: str) -> list[str]:
    return [task.title for task in task_list(tasks=policy.public(Task.objects.all()), query=query)]


def test_a_query_matches_whole_syllables_not_fragments_of_words():
    plan = PlanFactory()
    TaskFactory(plan=plan, title=FRAGMENTS)
    TaskFactory(plan=plan, title="Triển khai chuyển đổi số trong cơ quan nhà nước")
    assert found("chuyển đổi số") == ["Triển khai chuyển đổi số trong cơ quan nhà nước"]
    assert found("chuyen doi so") == ["Triển khai chuyển đổi số trong cơ quan nhà nước"]
    assert found("soat") == [FRAGMENTS] and found("soa") == []


def test_tasks_holding_the_whole_phrase_come_before_those_holding_its_syllables_apart():
    plan = PlanFactory()
    TaskFactory(plan=plan, position=1, title="Số hóa hồ sơ; chuyển giao và đổi mới quy trình")
    TaskFactory(plan=plan, position=2, title="Đẩy mạnh chuyển đổi số")
    TaskFactory(plan=plan, position=3, title="Chuyển đổi số cấp xã")
    assert found("chuyen doi so") == ["Đẩy mạnh chuyển đổi số", "Chuyển đổi số cấp xã", "Số hóa hồ sơ; chuyển giao và đổi mới quy trình"]
    for limit in (1, 2, 3, 10):  # the public search's two reads keep the same order
        public = task_search(tasks=policy.public(Task.objects.all()), query="chuyen doi so", limit=limit)
        assert [task.title for task in public] == found("chuyen doi so")[:limit]
    assert found("so") == ["Số hóa hồ sơ; chuyển giao và đổi mới quy trình", "Đẩy mạnh chuyển đổi số", "Chuyển đổi số cấp xã"]


def test_a_phrase_never_runs_from_one_field_into_the_next():
    plan = PlanFactory()
    TaskFactory(plan=plan, position=1, title="Đẩy mạnh chuyển đổi", product="Số liệu")
    TaskFactory(plan=plan, position=2, title="Đẩy mạnh chuyển đổi số", product="")
    assert found("chuyen doi so") == ["Đẩy mạnh chuyển đổi số", "Đẩy mạnh chuyển đổi"]
    assert search_keys("Chuyển đổi", "Số liệu") == " chuyen doi | so lieu "


def test_codes_and_symbols_are_found_by_their_parts_whole():
    AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông", aliases=["Sở TT&TT"])
    AgencyFactory(code="STTT2", name="Sở Tư pháp", aliases=[])
    from plans.models import Agency

    assert [a.code for a in search_filter(Agency.objects.all(), "so tt&tt")] == ["STTTT"]
    assert [a.code for a in search_filter(Agency.objects.all(), "STTTT")] == ["STTTT"]
    assert search_filter(Agency.objects.all(), "STTT").count() == 0


def test_the_snippet_of_a_long_title_is_centred_on_its_match():
    title = " ".join(f"từ{n}" for n in range(60)) + " triển khai chuyển đổi số " + " ".join(f"cuối{n}" for n in range(30))
    cut = excerpt(title, "chuyen doi so", words=20)
    assert cut.startswith("… ") and cut.endswith(" …") and "chuyển đổi số" in cut and len(cut.split()) == 22
    assert excerpt("Ngắn gọn", "x") == "Ngắn gọn"


def test_search_results_show_a_long_titles_match_marked_and_a_products_match_below_the_title(client):
    plan = PlanFactory()
    long_title = " ".join(["Nâng cao chất lượng"] * 20) + " ứng dụng chuyển đổi số"
    TaskFactory(plan=plan, position=1, title=long_title)
    TaskFactory(plan=plan, position=2, title="Xây dựng cơ sở dữ liệu", product="Nền tảng chuyển đổi số dùng chung")
    page = client.get(reverse("public:plans"), {"q": "chuyển đổi số"}).content.decode()
    assert page.count("<mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark>") == 3  # the plan, the long title, the product
    assert "Sản phẩm: Nền tảng <mark>chuyển</mark>" in page
    assert "<mark>so</mark>" not in page.lower().replace("<mark>số</mark>", "")


def test_a_long_timeframe_wraps_in_its_own_column(client):
    plan = PlanFactory()
    TaskFactory(plan=plan, title="Chuyển đổi số", timeframe="Trước ngày 30/9/2018 và hằng năm đến hết giai đoạn 2017-2020")
    page = client.get(reverse("public:plans"), {"q": "chuyen doi so"}).content.decode()
    assert '<td class="small task-timeframe">Trước ngày 30/9/2018' in page


@pytest.mark.postgres
def test_postgresql_answers_a_search_from_the_trigram_index():
    plan = PlanFactory()
    TaskFactory.create_batch(3, plan=plan)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        with CaptureQueriesContext(connection) as queries:
            list(search_filter(Task.objects.order_by(), "chuyen doi so", ranked=False).values_list("pk", flat=True))
        cursor.execute("EXPLAIN " + queries[-1]["sql"])
        plan_text = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "tasks_task_search_trgm" in plan_text, plan_text
