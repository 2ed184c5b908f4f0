"""Names of evidence files: the stored and served name ends with the extension of the type read from
the content, never the one the sender chose; the sender's name is kept only as a label, without any
folder and without a second, misleading extension (``x.pdf.exe`` that is a PDF becomes ``x.pdf``)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import clean_text
from core.uploads import detect_type

# Suffixes taken for extensions when stripping a name: document, image, archive and executable types.
KNOWN_EXTENSIONS = frozenset(
    [
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "xlsm",
        "odt",
        "ods",
        "odp",
        "ppt",
        "pptx",
        "rtf",
        "txt",
        "csv",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "zip",
        "rar",
        "7z",
        "gz",
        "tar",
        "exe",
        "com",
        "bat",
        "cmd",
        "scr",
        "msi",
        "dll",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "wsh",
        "hta",
        "ps1",
        "psm1",
        "sh",
        "jar",
        "apk",
        "lnk",
        "html",
        "htm",
        "xhtml",
        "mht",
        "php",
        "asp",
        "aspx",
        "py",
        "pl",
        "reg",
        "iso",
        "img",
    ]
)
NAME_MAX = 200


def evidence_label(name: str, extension: str) -> str:
    """The label of an uploaded file: its base name, stripped of every known extension, plus ``extension``."""
    base = re.split(r"[\\/]", clean_text(name or ""))[-1].strip().strip(".")
    stem = base
    while "." in stem and stem.rsplit(".", 1)[1].lower() in KNOWN_EXTENSIONS:
        stem = stem.rsplit(".", 1)[0].rstrip(". ")
    stem = re.sub(r"[\x00-\x1f\x7f]", "", stem).strip() or "tep"
    return f"{stem[: NAME_MAX - len(extension) - 1]}.{extension}"


def sent_name(upload) -> str:
    """A file's name as the sender chose it, extension included, without any folder: what messages name."""
    return clean_text(re.split(r"[\\/]", upload.name or "")[-1]) or "?"


def evidence_type(upload) -> tuple[str, str]:
    """The (extension, MIME type) of a file sent as evidence, read from its content (``core.uploads.detect_type``);
    refused, named as sent, when it is not a type a report keeps. The report's form asks it with its other fields, so
    a refused file is told with the form's other mistakes; the service asks it again before it stores the file."""
    detected = detect_type(upload)
    if detected is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, Word, Excel or image file (its content was checked, not its name).") % {"name": sent_name(upload)},
            code="attachment",
        )
    return detected


HELD = "held-uploads"  # storage folder of files chosen in a form that came back with an error
HELD_FOR = datetime.timedelta(hours=24)  # a held file's token is good this long; the daily upkeep deletes older files


def uploads_hold(files, *, owner: int) -> tuple[list[str], list[str]]:
    """Keep the files chosen in a form that came back with an error, so the sender need not choose them again.

    A browser empties every file field of a page it is sent back; these files wait in storage instead
    (``held-uploads/<owner>/``), each named by a token signed for ``owner`` (no one else can claim it), until
    the form is sent again. One person holds at most ``HELD_UPLOADS_MAX_FILES`` files at a time (a form refused
    in a loop cannot fill the disk): returns the tokens of the files kept and the messages for those not kept.
    """
    import uuid

    from django.conf import settings
    from django.core import signing
    from django.core.files.storage import default_storage

    from core.uploads import held_cap_refusal, stored_count

    limit = settings.HELD_UPLOADS_MAX_FILES
    held = stored_count(default_storage, f"{HELD}/{owner}")
    tokens, refusals = [], []
    for upload in files:
        if held >= limit:
            refusals.append(held_cap_refusal(sent_name(upload), held=held, limit=limit))
            continue
        upload.seek(0)
        path = default_storage.save(f"{HELD}/{owner}/{uuid.uuid4().hex}/{sent_name(upload)}", upload)
        tokens.append(signing.dumps({"path": path, "owner": owner}, salt=HELD))
        held += 1
    return tokens, refusals


def uploads_held(tokens, *, owner: int) -> list[tuple[str, object]]:
    """The files kept by :func:`uploads_hold` for ``owner``, each with its token (tokens not theirs, or too old, are ignored)."""
    from django.core import signing
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = []
    for token in tokens:
        try:
            held = signing.loads(token, salt=HELD, max_age=HELD_FOR)
        except signing.BadSignature:
            continue
        if held.get("owner") != owner or not default_storage.exists(held["path"]):
            continue
        with default_storage.open(held["path"], "rb") as stored:
            upload = SimpleUploadedFile(held["path"].rsplit("/", 1)[-1], stored.read())
        upload.held_path = held["path"]
        files.append((token, upload))
    return files


def uploads_release(files) -> None:
    """Delete the held copies of ``files`` once they are attached (or given up)."""
    from django.core.files.storage import default_storage

    for upload in files:
        if getattr(upload, "held_path", None):
            default_storage.delete(upload.held_path)
