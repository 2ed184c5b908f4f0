"""Certificates typed into the portal (the trusted roots): read and checked without the signing library."""

from asn1crypto import pem, x509
from django.utils.translation import gettext as _


def read_certificate(text: str | bytes) -> x509.Certificate:
    """A certificate from PEM (or DER) data; ``ValueError`` with a Vietnamese message otherwise."""
    data = text.encode() if isinstance(text, str) else text
    try:
        if pem.detect(data):
            _kind, _headers, data = pem.unarmor(data.strip())
        certificate = x509.Certificate.load(data)
        certificate.native  # noqa: B018 - parses every field now, so a broken certificate fails here
    except Exception:  # asn1crypto raises many kinds for bad input
        raise ValueError(_("This is not a certificate: paste it in PEM form (-----BEGIN CERTIFICATE----- …).")) from None
    return certificate
