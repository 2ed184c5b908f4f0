"""The demo's signed copy (ký số) of its issued summary, so the public list of issued summaries and the document check
(``/xac-thuc/``) have a real document to show.

A certificate authority is made for the demo on each seed ("Ban Cơ yếu — bản trình diễn", named so in the admin's
trusted roots) with one signer, the demo's ``SUMMARY_SIGNER``; their private keys live only while the seed signs and
are never stored, so nothing else can ever be signed with them. ``seed_demo`` runs only with ``DEBUG`` on: no
production server trusts this root. Without LibreOffice there is no issued PDF to sign and the demo signs nothing.
"""

import datetime
import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from plans.models import User
from reports.models import Summary, TrustRoot
from reports.summaries.pdf import pdf_enabled, summary_pdf_render
from reports.summaries.record import summary_signed_receive

ROOT_NAME = "Ban Cơ yếu — bản trình diễn (chỉ dùng cho dữ liệu mẫu)"


def certificate_name(common: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common), x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])


def key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(subject: x509.Name, key, issuer: x509.Name, issuer_key, *, ca: bool, now: datetime.datetime) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650 if ca else 730))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(key_usage(ca=ca), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def demo_summary_sign(*, summary: Summary, by: User) -> Summary:
    """``summary`` (issued) with its PDF made and signed by the demo's signer, received as leadership receives a copy
    signed with the USB token (``reports.summaries.record.summary_signed_receive``, every check included)."""
    if not pdf_enabled() or summary.signed_pdf:
        return summary
    if not summary.pdf:
        summary_pdf_render(summary_id=summary.pk)  # the job would make it after the seed's transaction: made here
        summary.refresh_from_db()
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = certificate_name("Ban Cơ yếu — bản trình diễn", "Dữ liệu mẫu")  # a name of 64 characters at most
    ca = _certificate(ca_name, ca_key, ca_name, ca_key, ca=True, now=now)
    TrustRoot.objects.filter(name=ROOT_NAME).delete()  # a root of an earlier seed, whose key is long gone
    TrustRoot.objects.create(name=ROOT_NAME, certificate=ca.public_bytes(serialization.Encoding.PEM).decode())
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = _certificate(
        certificate_name(settings.SUMMARY_SIGNER or "Lãnh đạo UBND tỉnh", "UBND tỉnh Vĩnh Long"),
        signer_key,
        ca_name,
        ca_key,
        ca=False,
        now=now,
    )
    key = asn1_keys.PrivateKeyInfo.load(
        signer_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    simple = signers.SimpleSigner(signing_cert=_asn1(signer), signing_key=key, cert_registry=SimpleCertificateStore.from_certs([_asn1(ca)]))
    with summary.pdf.open("rb") as handle:
        writer = IncrementalPdfFileWriter(io.BytesIO(handle.read()), strict=False)
    signed = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="ChuKy1"), signer=simple).getvalue()
    return summary_signed_receive(summary=summary, content=signed, by=by)
