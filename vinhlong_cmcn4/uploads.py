"""Files the portal sends and receives: built in temporary files, never held whole in memory."""

import tempfile
from collections.abc import Callable


def xlsx_response_file(write: Callable) -> tempfile.SpooledTemporaryFile:
    """Run ``write(file)`` into a spooled temporary file and rewind it, for a FileResponse."""
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write(handle)
    handle.seek(0)
    return handle
