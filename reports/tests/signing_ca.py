"""A certificate authority made in the test (``cryptography``), and PDFs signed with pyHanko as the
province's signing software would: each signature an incremental update after the issued bytes."""

import datetime
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vinhlong_cmcn4.demo_signing import certificate_name as _name  # the demo's certificates are made as the tests' are
from vinhlong_cmcn4.demo_signing import key_usage as _usage

NOW = datetime.datetime.now(datetime.UTC)


@dataclass
class Issued:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()


def authority(common: str = "Test Root CA — Ban Cơ yếu (thử)") -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common, "Ban Cơ yếu Chính phủ (thử)")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=3650))
        .not_valid_after(NOW + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, certificate)


def person(
    ca: Issued, common: str = "Nguyễn Văn Minh", organisation: str = "UBND tỉnh Vĩnh Long", *, valid_from=None, valid_to=None
) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or NOW - datetime.timedelta(days=30))
        .not_valid_after(valid_to or NOW + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(key, certificate)


def blank_pdf(text: str = "Báo cáo số 125/BC-UBND") -> bytes:
    """A one-page PDF standing for the issued document (LibreOffice is not needed to test signatures)."""
    writer = PdfFileWriter()
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
        }
    )
    writer.insert_page(page)
    writer.document_meta.title = text
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def sign(pdf: bytes, signer: Issued, ca: Issued, field: str = "ChuKy1") -> bytes:
    """``pdf`` with one more signature by ``signer``, added as an incremental update."""
    key = asn1_keys.PrivateKeyInfo.load(
        signer.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    simple = signers.SimpleSigner(signing_cert=signer.asn1, signing_key=key, cert_registry=SimpleCertificateStore.from_certs([ca.asn1]))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name=field), signer=simple).getvalue()
