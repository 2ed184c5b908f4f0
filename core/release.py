"""Which code is running: a name that changes when any of the project's Python files or templates changes.

Figures kept in the shared cache (``core.shared_figures``) carry it in their key, so a page rendered by the code of
before a deployment (the dashboard's body, kept until the next change of figures) is never served by the new one.
"""

import functools
import hashlib
import os
from pathlib import Path

from django.conf import settings

KINDS = (".py", ".html", ".txt", ".mo", ".js", ".css")
SKIPPED = {"node_modules", "staticfiles", "media", "docs", "benchmarks", "__pycache__"}


@functools.cache
def release() -> str:
    """A short name for the project's files as they are on disk (their paths, sizes and modification times)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name not in SKIPPED)  # .venv, .git
        for name in sorted(files):
            if name.endswith(KINDS):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{os.path.relpath(os.path.join(folder, name), root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]
