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
    """A short name for the project's files as they are (their paths and contents): the same on every node that runs
    the same code, whenever it was copied there."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name not in SKIPPED)  # .venv, .git
        for name in sorted(files):
            if name.endswith(KINDS):
                path = os.path.join(folder, name)
                digest.update(f"{os.path.relpath(path, root)}\n".encode())
                with open(path, "rb") as file:
                    digest.update(hashlib.sha256(file.read()).digest())
    return digest.hexdigest()[:12]
