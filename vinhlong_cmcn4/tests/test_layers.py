"""The layers hold: core ← plans ← tasks ← indicators ← reports ← project, and no package's modules import each other in a circle.

``lint-imports`` (import-linter, configured in ``pyproject.toml``) checks the tree as it is; these tests also show
that it fails on what it is there to refuse, on a copy of the tree with one bad import added.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("core", "plans", "tasks", "indicators", "reports", "vinhlong_cmcn4")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def tree_copy(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_the_layers_and_has_no_import_circles():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers(tree_copy):
    choices = tree_copy / "plans" / "choices.py"
    choices.write_text(choices.read_text() + "\nfrom reports import workflow  # noqa: E402,F401\n")
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert "plans is not allowed to import reports" in result.stdout
    assert "plans.choices -> reports.workflow" in result.stdout


def test_the_kernel_may_not_import_a_domain_app(tree_copy):
    text = tree_copy / "core" / "text.py"
    text.write_text(text.read_text() + "\nimport plans.choices  # noqa: E402,F401\n")
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert "core is not allowed to import plans" in result.stdout


def test_a_service_that_imports_its_jobs_module_is_a_circle(tree_copy):
    service = tree_copy / "reports" / "summaries" / "service.py"
    service.write_text(service.read_text() + "\nfrom reports import jobs  # noqa: E402,F401\n")
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert "No cycles are allowed in reports" in result.stdout


def test_every_job_a_service_queues_by_name_is_a_registered_job():
    """Services name the job they queue (``job_enqueue("reports.jobs.x", …)``): a misspelt name would wait in the
    outbox for ever, so every name written in the code must be a job Celery knows."""
    from vinhlong_cmcn4.celery import app

    app.loader.import_default_modules()
    names = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "tests" in path.parts:
                continue
            names.update(re.findall(r"job_enqueue\(\s*\"([a-z_.]+)\"", path.read_text()))
    assert names, "no job queued by name was found"
    assert names <= set(app.tasks), sorted(names - set(app.tasks))
