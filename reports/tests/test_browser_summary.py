"""A summary as people see it through (each page checked with axe-core: no serious violation): the coordinator writes a section and sends it for signature, leadership
issues it, the signed copy is received, and anyone checks the signed file on /xac-thuc/ (headless Chromium)."""

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in
from reports.models import Summary, TrustRoot
from reports.periods import parse_period_code
from reports.summaries.service import summary_compile
from reports.tests.signing_ca import authority, person, sign
from reports.tests.test_browser_accessibility import axe

pytestmark = [pytest.mark.browser, pytest.mark.soffice, pytest.mark.django_db(transaction=True)]
DOCS = ARTIFACTS.parent / "docs"


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"summary-{name}.png", full_page=True)
    serious = [v for v in axe(page) if v["impact"] in ("serious", "critical")]
    assert not serious, (name, serious)


def test_a_section_is_written_the_summary_issued_signed_and_verified_by_anyone(browser, filed, coordinator, leader, tmp_path):
    summary = summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
    ca = authority()
    root = TrustRoot(name="CA thử nghiệm", certificate=ca.pem)
    root.full_clean()
    root.save()

    coord = sign_in(browser, "coordinator")
    coord.goto(browser.base_url + summary.get_absolute_url())
    part = coord.locator("#phan-results")
    part.get_by_text("Viết phần này").click()
    part.locator("textarea").fill(
        "Năm 2018, các cơ quan đã tích cực triển khai Kế hoạch.\n- Tổ chức 3 hội nghị phổ biến Chỉ thị 16/CT-TTg\n- Ban hành 2 văn bản hướng dẫn"
    )
    part.get_by_role("button", name="Lưu phần này").click()
    part = coord.locator("#phan-results")
    assert "Tổ chức 3 hội nghị phổ biến Chỉ thị 16/CT-TTg" in part.locator("li").first.inner_text()
    assert "do " in part.inner_text()  # written by …
    shot(coord, "01-coordinator-section-written")
    coord.get_by_role("link", name="Xem trước như bản in").click()
    assert "II. KẾT QUẢ ĐẠT ĐƯỢC" in coord.locator("article").inner_text()
    shot(coord, "01b-preview")
    phone = sign_in(browser, "coordinator", width=390)
    phone.goto(browser.base_url + summary.get_absolute_url())
    shot(phone, "01c-coordinator-390")
    phone.goto(browser.base_url + reverse("reports:summary_preview", args=[summary.pk]))
    shot(phone, "01d-preview-390")
    coord.go_back()
    coord.get_by_role("button", name="Trình ký").click()
    expect(coord.get_by_text("Chờ ký").first).to_be_visible()

    lead = sign_in(browser, "leader")
    lead.goto(browser.base_url + summary.get_absolute_url())
    shot(lead, "02-leader-awaiting-signature")
    lead.fill("#id_number", "125")
    lead.get_by_role("button", name="Ban hành và khóa").click()
    expect(lead.get_by_text("Đã ban hành báo cáo số 125")).to_be_visible()
    summary = Summary.objects.get(pk=summary.pk)
    assert summary.pdf and summary.pdf_sha256  # rendered by LibreOffice once, in the job queued at issue
    lead.reload()
    signed_file = tmp_path / "bao-cao-125-da-ky.pdf"
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs its own event loop; Playwright's is running in this thread
        signed_file.write_bytes(pool.submit(sign, summary.pdf.open("rb").read(), person(ca), ca).result())
    lead.set_input_files("#signed-file", str(signed_file))
    lead.get_by_role("button", name="Kiểm tra và lưu làm văn bản gốc").click()
    expect(lead.get_by_text("Đã kiểm tra bản ký số và lưu làm văn bản gốc.")).to_be_visible()
    expect(lead.get_by_role("cell", name="Nguyễn Văn Minh")).to_be_visible()
    shot(lead, "03-leader-signed-record")

    for width, name in ((1366, "verification-signed"), (390, "verification-signed-390")):
        anyone = browser.new_page(viewport={"width": width, "height": 900}, locale="vi-VN")
        anyone.goto(browser.base_url + "/xac-thuc/")
        anyone.set_input_files("#verify-file", str(signed_file))
        anyone.get_by_role("button", name="Kiểm tra").click()
        result = anyone.locator("#verify-result")
        assert "Đây là bản ký số của văn bản ban hành qua Cổng." in result.inner_text()
        assert "Báo cáo số 125/BC-UBND" in anyone.content() and "Nguyễn Văn Minh" in anyone.content()
        shot(anyone, f"04-{name}")
    shutil.copy(ARTIFACTS / "summary-04-verification-signed.png", DOCS / "summary-verification-signed.png")
