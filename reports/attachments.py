"""Names of evidence files: the stored and served name ends with the extension of the type read from
the content, never the one the sender chose; the sender's name is kept only as a label, without any
folder and without a second, misleading extension (``x.pdf.exe`` that is a PDF becomes ``x.pdf``)."""

import re

from core.text import clean_text

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
