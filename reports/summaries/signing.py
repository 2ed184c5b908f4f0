"""Is an uploaded PDF the issued summary, digitally signed (ký số) by a certificate the portal trusts?

Nghị định 30/2020/NĐ-CP: an electronic administrative document counts when signed by the competent
person and the issuing organisation with certificates of the Government's certification service.
Signing happens outside the portal (USB token, the province's signing software), which adds each
signature as an incremental update after the document's bytes. So a signed copy is accepted only if:

1. it begins with the issued PDF, byte for byte (the signed revision is the issued document; only
   incremental updates follow it);
2. every signature is intact (the bytes it covers hash to what was signed, the signature itself
   verifies) and covers the whole file, except the later signatures added after it;
3. each signer's certificate chains up to a trust root the administrator configured (``TrustRoot``);
4. each certificate was valid at the signing time (not before the document was issued, not in the future).

Every refusal says why, in Vietnamese. Verification uses pyHanko (``validate_pdf_signature``, its
coverage and difference analysis) and pyhanko-certvalidator (the chain), without network access
unless ``SUMMARY_SIGNATURE_FETCH_REVOCATION`` asks for revocation lists.
"""

import datetime
import io
from dataclasses import dataclass

from asn1crypto import x509
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .official import short_date

# A signature made by the signer's token asserts either of these (the Government CA's certificates carry both).
# A document of record carries the signer's and the organisation's signatures, perhaps a few more: each one costs
# a chain validation, so a file with thousands (a 20 MB upload holds about 6 000) is refused before any is checked.
MAX_SIGNATURES = 10

_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


class SignatureRefused(ValueError):
    """The upload is not an acceptable signed copy; ``messages`` say why, in Vietnamese."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Signature:
    signer: str
    organisation: str
    signed_at: datetime.datetime
    issuer: str
    serial: str

    def as_json(self) -> dict:
        return {
            "signer": self.signer,
            "organisation": self.organisation,
            "signed_at": self.signed_at.isoformat(),
            "issuer": self.issuer,
            "serial": self.serial,
        }


def _name(certificate: x509.Certificate) -> tuple[str, str]:
    return _parts(certificate.subject)


def _parts(name: x509.Name) -> tuple[str, str]:
    """A certificate name's common name and organisation (its whole name, when it has no common name)."""
    fields = name.native
    common = fields.get("common_name") or name.human_friendly
    organisation = fields.get("organization_name") or ""
    if isinstance(common, list):
        common = ", ".join(common)
    if isinstance(organisation, list):
        organisation = ", ".join(organisation)
    return str(common), str(organisation)


def _issuer(certificate: x509.Certificate) -> str:
    """Who issued the certificate, as the pages write a signer: "CA phục vụ các cơ quan Đảng và Nhà nước (Ban Cơ yếu
    Chính phủ)", not the library's "Organization: …, Common Name: …" in English."""
    common, organisation = _parts(certificate.issuer)
    return f"{common} ({organisation})" if organisation and organisation != common else common


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} {short_date(local.date())}"


def verify_signed_copy(*, content: bytes, issued: bytes, roots: list[x509.Certificate], issued_at: datetime.datetime) -> list[Signature]:
    """The signatures of ``content``, a signed copy of the PDF ``issued``; ``SignatureRefused`` when it is not one."""
    if not roots:
        raise SignatureRefused([_("No trusted root certificate is configured: an administrator adds the Government's root CA first.")])
    if not content.startswith(b"%PDF-"):
        raise SignatureRefused([_("This file is not a PDF.")])
    if not content.startswith(issued) or len(content) == len(issued):
        raise SignatureRefused(
            [
                _(
                    "This file is not a signed copy of the issued document: a signed copy keeps every byte of the issued PDF "
                    "and adds the signatures after them. Download the issued PDF from this page, sign that file, and upload the result."
                )
            ]
        )
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, RecursionError):  # RecursionError: objects nested too deep
        raise SignatureRefused([_("The PDF cannot be read: the file is damaged.")]) from None
    if not embedded:
        raise SignatureRefused([_("The file carries no digital signature.")])
    if len(embedded) > MAX_SIGNATURES:
        raise SignatureRefused(
            [
                _("The file carries %(n)d signatures, more than the %(max)d a document of record has.")
                % {"n": len(embedded), "max": MAX_SIGNATURES}
            ]
        )
    problems: list[str] = []
    signatures: list[Signature] = []
    now = timezone.now()
    for index, embedded_sig in enumerate(embedded, start=1):
        last = index == len(embedded)
        try:
            signature, found = _verify_one(embedded_sig, roots=roots, issued_at=issued_at, now=now, last=last, index=index)
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError, RecursionError):
            problems.append(_("Signature %(n)d cannot be read: it is damaged or of a kind the portal does not know.") % {"n": index})
            continue
        problems += found
        if signature and not found:
            signatures.append(signature)
    if problems:
        raise SignatureRefused(problems)
    return signatures


def _verify_one(embedded_sig, *, roots, issued_at, now, last: bool, index: int) -> tuple[Signature | None, list[str]]:
    certificate = embedded_sig.signer_cert
    signer, organisation = _name(certificate)
    who = _("Signature %(n)d (%(signer)s)") % {"n": index, "signer": signer}
    signed_at = embedded_sig.self_reported_timestamp
    problems: list[str] = []
    if signed_at is None:
        return None, [_("%(who)s does not say when it was made.") % {"who": who}]
    if signed_at < issued_at - datetime.timedelta(minutes=5):
        problems.append(
            _("%(who)s says it was made on %(when)s, before the document was issued (%(issued)s).")
            % {"who": who, "when": _when(signed_at), "issued": _when(issued_at)}
        )
    if signed_at > now + datetime.timedelta(minutes=5):
        problems.append(_("%(who)s says it was made on %(when)s, which is in the future.") % {"who": who, "when": _when(signed_at)})
    validity = certificate["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if signed_at > not_after:
        problems.append(
            _("%(who)s: the certificate expired on %(end)s, before the signing time (%(when)s).")
            % {"who": who, "end": _when(not_after), "when": _when(signed_at)}
        )
    elif signed_at < not_before:
        problems.append(
            _("%(who)s: the certificate was not yet valid at the signing time (%(when)s; valid from %(start)s).")
            % {"who": who, "when": _when(signed_at), "start": _when(not_before)}
        )
    context = ValidationContext(
        trust_roots=roots,
        other_certs=list(embedded_sig.other_embedded_certs),
        moment=signed_at,
        allow_fetching=settings.SUMMARY_SIGNATURE_FETCH_REVOCATION,
        revocation_mode="soft-fail",
    )
    status = validate_pdf_signature(embedded_sig, signer_validation_context=context, key_usage_settings=_KEY_USAGE)
    if not (status.intact and status.valid):
        problems.append(_("%(who)s is broken: the signed content was changed after signing.") % {"who": who})
    elif last and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(_("%(who)s does not cover the whole file: something was added after the last signature.") % {"who": who})
    elif not last and (
        status.coverage is None
        or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION
        or status.modification_level is None
        or status.modification_level > ModificationLevel.FORM_FILLING
    ):
        problems.append(_("%(who)s: the file was changed after it, beyond the later signatures.") % {"who": who})
    indication = status.trust_problem_indic
    if status.revoked:
        problems.append(_("%(who)s: the certificate was revoked.") % {"who": who})
    elif indication == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND or status.validation_path is None:
        problems.append(
            _("%(who)s: the certificate (issued by %(issuer)s) does not lead to a trusted root certificate.")
            % {"who": who, "issuer": _issuer(certificate)}
        )
    elif indication is not None and not problems:
        problems.append(
            _("%(who)s: the certificate could not be confirmed at the signing time (%(reason)s).")
            % {"who": who, "reason": getattr(indication, "name", str(indication))}
        )
    signature = Signature(
        signer=signer,
        organisation=organisation,
        signed_at=signed_at,
        issuer=_issuer(certificate),
        serial=format(certificate.serial_number, "X"),
    )
    return signature, problems
