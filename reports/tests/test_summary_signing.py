"""Signed copies of an issued summary (ký số): verified with a CA made in the test, kept as the record, checked by anyone."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from reports.choices import SummaryAction, SummaryState
from reports.models import Summary, TrustRoot
from reports.periods import parse_period_code
from reports.summaries.drafting import summary_issue
from reports.summaries.record import summary_signed_receive
from reports.summaries.service import summary_compile
from reports.summaries.signing import SignatureRefused, verify_signed_copy
from reports.tests.signing_ca import NOW, authority, blank_pdf, person, sign

ISSUED_AT = NOW - datetime.timedelta(hours=1)


@pytest.fixture(scope="module")
def ca():
    return authority()


@pytest.fixture(scope="module")
def signer(ca):
    return person(ca)


@pytest.fixture(scope="module")
def issued():
    return blank_pdf()


def refusal(content: bytes, issued: bytes, roots) -> list[str]:
    with pytest.raises(SignatureRefused) as caught:
        verify_signed_copy(content=content, issued=issued, roots=[root.asn1 for root in roots], issued_at=ISSUED_AT)
    return caught.value.messages


def test_a_copy_signed_with_a_trusted_certificate_is_accepted_with_its_signer_organisation_and_time(ca, signer, issued):
    signed = sign(issued, signer, ca)
    [signature] = verify_signed_copy(content=signed, issued=issued, roots=[ca.asn1], issued_at=ISSUED_AT)
    assert signature.signer == "Nguyễn Văn Minh" and signature.organisation == "UBND tỉnh Vĩnh Long"
    assert abs(signature.signed_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)
    assert "Ban Cơ yếu" in signature.issuer


@pytest.mark.django_db
def test_a_byte_changed_after_signing_breaks_the_signature_and_says_so_in_vietnamese(ca, signer, issued):
    signed = sign(issued, signer, ca)
    page = b"/MediaBox [ 0 0 595 842 ]"
    at = signed.index(page, len(issued))  # the page as the signed revision has it: inside the signed bytes
    tampered = signed[:at] + page.replace(b"595", b"596") + signed[at + len(page) :]
    [message] = refusal(tampered, issued, [ca])
    assert "Chữ ký 1 (Nguyễn Văn Minh)" in message and "đã bị thay đổi sau khi ký" in message


@pytest.mark.django_db
def test_an_update_added_after_the_last_signature_is_refused(ca, signer, issued):
    signed = sign(issued, signer, ca)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    writer.root["/Lang"] = generic.TextStringObject("en")  # a change after signing
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    [message] = refusal(buffer.getvalue(), issued, [ca])
    assert "không bao trùm toàn bộ tệp" in message


@pytest.mark.django_db
def test_a_signed_copy_of_another_file_is_refused(ca, signer, issued):
    other = sign(blank_pdf("Một văn bản khác"), signer, ca)
    [message] = refusal(other, issued, [ca])
    assert "không phải bản ký số của văn bản đã ban hành" in message
    [message] = refusal(issued, issued, [ca])  # the issued file itself, unsigned
    assert "không phải bản ký số" in message


@pytest.mark.django_db
def test_a_certificate_from_an_authority_not_trusted_is_refused(ca, issued):
    stranger = authority("Một CA không được tin cậy")
    signed = sign(issued, person(stranger), stranger)
    [message] = refusal(signed, issued, [ca])
    assert "không dẫn tới chứng thư gốc tin cậy" in message and "Một CA không được tin cậy" in message


@pytest.mark.django_db
def test_a_certificate_expired_before_signing_is_refused(ca, issued):
    expired = person(ca, valid_from=NOW - datetime.timedelta(days=400), valid_to=NOW - datetime.timedelta(days=2))
    messages = refusal(sign(issued, expired, ca), issued, [ca])
    assert any("chứng thư số đã hết hạn" in message for message in messages), messages


def test_two_signatures_each_covering_all_but_the_later_one_are_accepted(ca, signer, issued):
    organisation = person(ca, "Ủy ban nhân dân tỉnh Vĩnh Long", "UBND tỉnh Vĩnh Long")
    twice = sign(sign(issued, signer, ca, "ChuKy1"), organisation, ca, "ChuKy2")
    first, second = verify_signed_copy(content=twice, issued=issued, roots=[ca.asn1], issued_at=ISSUED_AT)
    assert (first.signer, second.signer) == ("Nguyễn Văn Minh", "Ủy ban nhân dân tỉnh Vĩnh Long")


@pytest.mark.django_db
def test_without_a_configured_trust_root_nothing_is_accepted(signer, ca, issued):
    [message] = refusal(sign(issued, signer, ca), issued, [])
    assert "Chưa cấu hình chứng thư gốc tin cậy" in message


def _updated_root(issued: bytes, extra: bytes) -> bytes:
    """``issued`` with a hand-written incremental update giving its catalog an AcroForm and ``extra`` objects."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(issued), strict=False)
    root, pages = reader.trailer.raw_get("/Root").idnum, reader.root.raw_get("/Pages").idnum
    previous = int(issued.rsplit(b"startxref", 1)[1].split()[0])
    body = bytearray(issued + b"\n")
    offsets = {}
    for number, text in [(root, b"<</Type/Catalog/Pages %d 0 R/AcroForm<</Fields[900 0 R]>>>>" % pages), *extra]:
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    xref = len(body)
    body += b"xref\n" + b"".join(b"%d 1\n%010d 00000 n \n" % (n, offsets[n]) for n in sorted(offsets))
    body += b"trailer\n<</Size 1000/Root %d 0 R/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (root, previous, xref)
    return bytes(body)


@pytest.mark.django_db
def test_a_pdf_nested_too_deep_is_refused_as_damaged_not_a_server_error(ca, issued):
    deep = b"[" * 50_000 + b"]" * 50_000  # found by the attack pass: RecursionError inside pyHanko's parser, a 500
    content = _updated_root(
        issued,
        [
            (900, b"<</FT/Sig/T(s)/V 901 0 R>>"),
            (901, b"<</Type/Sig/SubFilter/adbe.pkcs7.detached/ByteRange[0 1 2 3]/Contents<00>/Deep " + deep + b">>"),
        ],
    )
    assert refusal(content, issued, [ca]) == ["Không đọc được tệp PDF: tệp bị hỏng."]


@pytest.mark.django_db
def test_more_signatures_than_a_document_carries_are_refused_before_any_is_verified(ca, signer, issued, monkeypatch):
    from reports.summaries import signing

    monkeypatch.setattr(signing, "MAX_SIGNATURES", 2)
    signed = issued
    for n in range(3):
        signed = sign(signed, signer, ca, f"ChuKy{n}")
    checked = []
    monkeypatch.setattr(signing, "_verify_one", lambda *args, **kwargs: checked.append(1))
    [message] = refusal(signed, issued, [ca])
    assert "3 chữ ký" in message and checked == []


# --- The record -------------------------------------------------------------------------------------------


@pytest.fixture
def issued_summary(filed, leader):
    """An issued summary whose issued PDF (here a small PDF; LibreOffice renders the real one) was made."""
    summary = summary_issue(summary=summary_compile(plan=filed.plan, period=parse_period_code("2018-H2")), number="125", by=leader)
    content = blank_pdf()
    summary.pdf.save("bao-cao.pdf", ContentFile(content), save=False)
    summary.pdf_sha256 = hashlib.sha256(content).hexdigest()
    summary.save()
    return summary


@pytest.fixture
def trusted(db, ca):
    root = TrustRoot(name="CA thử", certificate=ca.pem)
    root.full_clean()
    root.save()
    return root


def test_the_signed_copy_becomes_the_record_and_a_refused_one_writes_nothing(issued_summary, trusted, ca, signer, coordinator):
    issued = issued_summary.pdf.open("rb").read()
    stranger = authority("CA lạ")
    with pytest.raises(ValidationError) as caught:
        summary_signed_receive(summary=issued_summary, content=sign(issued, person(stranger), stranger), by=coordinator)
    assert "không dẫn tới chứng thư gốc tin cậy" in " ".join(caught.value.messages)
    issued_summary.refresh_from_db()
    assert not issued_summary.is_signed and not issued_summary.events.filter(action=SummaryAction.SIGN).exists()

    signed = sign(issued, signer, ca)
    summary = summary_signed_receive(summary=issued_summary, content=signed, by=coordinator)
    summary.refresh_from_db()
    assert summary.signed_sha256 == hashlib.sha256(signed).hexdigest() and summary.record.open("rb").read() == signed
    assert summary.signatures[0]["signer"] == "Nguyễn Văn Minh" and summary.signatures[0]["organisation"] == "UBND tỉnh Vĩnh Long"
    assert summary.pdf.open("rb").read() == issued  # the issued file stays as it was
    with pytest.raises(ValidationError):  # received once
        summary_signed_receive(summary=summary, content=signed, by=coordinator)


def test_an_officer_may_not_upload_a_signed_copy(issued_summary, trusted, ca, signer, officer_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        summary_signed_receive(summary=issued_summary, content=sign(issued_summary.pdf.open("rb").read(), signer, ca), by=officer_a)


def test_the_record_is_public_when_the_plan_is_public_and_private_otherwise(client, issued_summary, trusted, ca, signer, coordinator):
    signed = sign(issued_summary.pdf.open("rb").read(), signer, ca)
    summary_signed_receive(summary=issued_summary, content=signed, by=coordinator)
    url = reverse("reports:summary_record", args=[issued_summary.pk])
    issued_summary.plan.is_published = False
    issued_summary.plan.save(update_fields=["is_published"])
    assert client.get(url).status_code == 404
    issued_summary.plan.is_published = True
    issued_summary.plan.save(update_fields=["is_published"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == signed


def test_the_public_page_says_which_document_a_file_is_and_keeps_nothing(
    client, issued_summary, trusted, ca, signer, coordinator, settings
):
    signed = sign(issued_summary.pdf.open("rb").read(), signer, ca)
    summary_signed_receive(summary=issued_summary, content=signed, by=coordinator)
    files_before = Summary.objects.values_list("document", "annex", "pdf", "signed_pdf")[0]
    page = client.post(reverse("verify"), {"file": ContentFile(signed, name="ban-ky.pdf")}).content.decode()
    assert "bản ký số của văn bản ban hành qua Cổng" in page and "125/BC-UBND" in page and "Nguyễn Văn Minh" in page
    page = client.post(reverse("verify"), {"file": ContentFile(issued_summary.pdf.open("rb").read(), name="x.pdf")}).content.decode()
    assert "văn bản ban hành qua Cổng (tệp ban hành" in page
    page = client.post(reverse("verify"), {"file": ContentFile(signed + b" ", name="x.pdf")}).content.decode()
    assert "không phải văn bản ban hành qua Cổng" in page
    assert Summary.objects.values_list("document", "annex", "pdf", "signed_pdf")[0] == files_before
    settings.SUMMARY_SIGNED_MAX_BYTES = 10
    response = client.post(reverse("verify"), {"file": ContentFile(signed, name="x.pdf")})
    assert response.status_code == 413 and "lớn hơn" in response.content.decode()


def test_the_public_page_is_throttled_per_address(client, db, settings):
    settings.VERIFY_RATE = "2/min"
    codes = [client.post(reverse("verify"), {"file": ContentFile(b"%PDF-1.7", name="x.pdf")}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert "Bạn đã kiểm tra quá nhiều lần" in client.post(reverse("verify")).content.decode()


def test_a_trust_root_that_is_not_a_certificate_is_refused_in_the_admin_form(db):
    root = TrustRoot(name="Sai", certificate="-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----")
    with pytest.raises(ValidationError) as caught:
        root.full_clean()
    assert "Đây không phải chứng thư số" in str(caught.value)


def test_an_issued_summary_waits_in_the_issued_state(issued_summary):
    assert issued_summary.state == SummaryState.ISSUED and not issued_summary.is_signed


@pytest.mark.django_db(transaction=True)
def test_an_upload_refused_for_the_user_is_refused_cleanly_outside_a_test_transaction(filed, leader, officer_a, ca, signer):
    """Requests are not wrapped in a transaction: the refusal must not fail on the row lock it takes (PostgreSQL
    refuses a lock outside a transaction; SQLite takes none)."""
    from django.core.exceptions import PermissionDenied

    summary = summary_issue(summary=summary_compile(plan=filed.plan, period=parse_period_code("2018-H2")), number="125", by=leader)
    with pytest.raises(PermissionDenied):
        summary_signed_receive(summary=summary, content=sign(blank_pdf(), signer, ca), by=officer_a)


def test_the_document_check_page_is_linked_from_the_public_pages_and_from_an_issued_summary(client, issued_summary, leader):
    # Issue 26: /xac-thuc/ tells anyone whether a PDF is an issued document, but no page linked to it.
    check = reverse("verify")
    for page in (reverse("home"), reverse("public:plans")):
        html = client.get(page).content.decode()
        footer = html[html.index("<footer") :]
        assert f'href="{check}"' in html[html.index("<nav") : html.index("</nav>")]  # the public menu
        assert f'href="{check}"' in footer
    client.force_login(leader)
    html = client.get(issued_summary.get_absolute_url()).content.decode()
    assert f'href="{check}"' in html[: html.index("<footer")]  # on the summary itself, not only in the footer


def test_an_issued_summary_waits_in_leaderships_work_list_for_its_signed_copy_until_received(
    issued_summary, trusted, ca, signer, leader, coordinator, officer_a
):
    """Walk finding (hwalk3): the demo's 2018 summary was issued and "Báo cáo tổng hợp đã ban hành" stayed empty (the
    public list shows signed copies only), yet nobody's "Việc cần xử lý" asked for the signed PDF."""
    from reports import worklist

    (item,) = [item for item in worklist.work_items(leader) if item.kind == worklist.SIGNED_COPY]
    assert item.url == issued_summary.get_absolute_url() and "ký số" in item.why
    assert worklist.SIGNED_COPY not in [item.kind for item in worklist.work_items(officer_a)]  # not an officer's step
    summary_signed_receive(summary=issued_summary, content=sign(issued_summary.pdf.open("rb").read(), signer, ca), by=coordinator)
    assert worklist.SIGNED_COPY not in [item.kind for item in worklist.work_items(leader)]
