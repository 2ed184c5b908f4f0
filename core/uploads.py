"""Files the portal sends and receives: built in temporary files, never held whole in memory."""

import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def xlsx_response_file(write: Callable) -> tempfile.SpooledTemporaryFile:
    """Run ``write(file)`` into a spooled temporary file and rewind it, for a FileResponse."""
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write(handle)
    handle.seek(0)
    return handle


class MaxSizeUploadHandler(FileUploadHandler):
    """Stop reading an uploaded file once it passes ``UPLOAD_MAX_BYTES``.

    Django does not cap file uploads; without this a user could fill the disk. The names of
    refused files are left in ``request.uploads_too_large`` for forms to report in Vietnamese.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            too_large = getattr(self.request, "uploads_too_large", [])
            too_large.append(self.file_name)
            self.request.uploads_too_large = too_large
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def too_large_refusal(request, limit_bytes: int) -> str | None:
    """What to tell a user whose file the handler above cut off (it never reaches the form): too large, and the limit.

    Without this the form finds no file and says the field is required.
    """
    names = getattr(getattr(request, "_request", request), "uploads_too_large", None)
    if not names:
        return None
    return _("%(names)s is larger than %(limit)s and was not received: send a file of at most %(limit)s.") % {
        "names": ", ".join(names),
        "limit": filesizeformat(limit_bytes),
    }


def stored_count(storage, folder: str) -> int:
    """How many files lie under ``folder`` of ``storage``, in every subfolder (0 when it does not exist)."""
    if not storage.exists(folder):
        return 0
    directories, files = storage.listdir(folder)
    return len(files) + sum(stored_count(storage, f"{folder}/{directory}") for directory in directories)


def held_cap_refusal(name: str, *, held: int, limit: int) -> str:
    """What to tell someone whose file is not held for them because they already have ``limit`` files waiting."""
    return _(
        "“%(name)s” was not kept: you already have %(held)d files waiting to be sent (at most %(limit)d). "
        "Send the form with the files kept, or choose this file again when you send it."
    ) % {"name": name, "held": held, "limit": limit}


ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


def detect_type(upload) -> tuple[str, str] | None:
    """The (extension, MIME type) of an upload from its content, never its name; None if not allowed."""
    import filetype

    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None and head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # Old Word/Excel (OLE) files: filetype needs the whole header; trust the name only between these two.
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        return (extension, ALLOWED_TYPES[extension]) if extension in {"doc", "xls"} else None
    if kind is None or kind.extension not in ALLOWED_TYPES:
        return None
    return kind.extension, ALLOWED_TYPES[kind.extension]


def content_digest(upload) -> str:
    """The SHA-256 of an uploaded file's content (read in chunks; the file is rewound after)."""
    import hashlib

    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
