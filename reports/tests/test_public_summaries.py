"""The public reads a public plan's issued and signed summaries: on the plan's page and in a list of them all."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.periods import parse_period_code
from reports.summaries.drafting import summary_issue
from reports.summaries.service import summary_compile


def _issued(plan, code: str, number: str, leader, *, signed: bool):
    summary = summary_issue(summary=summary_compile(plan=plan, period=parse_period_code(code)), number=number, by=leader)
    content = b"%PDF-1.7 issued " + number.encode()
    summary.pdf.save("bao-cao.pdf", ContentFile(content), save=False)
    summary.pdf_sha256 = hashlib.sha256(content).hexdigest()
    if signed:
        copy = content + b" signed"
        summary.signed_pdf.save("bao-cao-da-ky.pdf", ContentFile(copy), save=False)
        summary.signed_sha256 = hashlib.sha256(copy).hexdigest()
        summary.signatures = [{"signer": "Nguyễn Văn Minh", "organisation": "UBND tỉnh Vĩnh Long"}]
    summary.save()
    return summary


@pytest.fixture
def summaries(filed, leader):
    signed = _issued(filed.plan, "2018-H2", "15", leader, signed=True)
    unsigned = _issued(filed.plan, "2018-Y", "16", leader, signed=False)
    draft = summary_compile(plan=filed.plan, period=parse_period_code("2019-H1"))
    return signed, unsigned, draft


def test_the_public_plan_page_lists_its_issued_signed_summaries_only(client, summaries):
    signed, unsigned, draft = summaries
    page = client.get(reverse("public:plan", args=[signed.plan.pk])).content.decode()
    assert "Báo cáo tổng hợp đã ban hành" in page
    assert "15/BC-UBND" in page and timezone.localtime(signed.issued_at).strftime("%d/%m/%Y") in page
    assert str(signed.period) in page and "Nguyễn Văn Minh" in page
    assert reverse("reports:summary_record", args=[signed.pk]) in page and reverse("verify") in page
    assert "16/BC-UBND" not in page and reverse("reports:summary_record", args=[unsigned.pk]) not in page
    assert str(draft.period) not in page


def test_the_public_list_of_summaries_filters_exports_and_hides_what_is_not_public(client, summaries, filed):
    signed, unsigned, _draft = summaries
    url = reverse("reports:public_summaries")
    page = client.get(url).content.decode()
    assert "15/BC-UBND" in page and "16/BC-UBND" not in page
    assert "15/BC-UBND" in client.get(url, {"plan": signed.plan.pk, "year": 2018}).content.decode()
    assert "15/BC-UBND" not in client.get(url, {"year": 2019}).content.decode()
    assert "15/BC-UBND" not in client.get(url, {"kind": "year"}).content.decode()
    csv = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "15/BC-UBND" in csv and "16/BC-UBND" not in csv and "Nguyễn Văn Minh" in csv
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    signed.plan.is_published = False
    signed.plan.save(update_fields=["is_published"])
    assert "15/BC-UBND" not in client.get(url).content.decode()
    assert "15/BC-UBND" not in b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")


def _menu(html: str) -> str:
    return html[html.index('id="portal-menu"') : html.index("</nav>")]


def test_the_menu_leads_the_public_and_agency_staff_to_the_issued_summaries(client, officer_a, leader):
    # Walk: /bao-cao-tong-hop/ was linked from nowhere; only someone who knew its address could find it.
    url = reverse("reports:public_summaries")
    assert f'href="{url}"' in _menu(client.get(reverse("home")).content.decode())
    client.force_login(officer_a)
    assert f'href="{url}"' in _menu(client.get(reverse("public:plans")).content.decode())
    client.force_login(leader)  # leadership reads them, issued or not, under its own "Báo cáo tổng hợp"
    menu = _menu(client.get(reverse("public:plans")).content.decode())
    assert f'href="{url}"' not in menu and f'href="{reverse("reports:summary_list")}"' in menu
