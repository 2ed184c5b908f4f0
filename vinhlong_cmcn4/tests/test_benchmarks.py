"""The benchmarks keep working when the code they call moves (issue 16): cheap checks, no database.

Benchmarks are scripts no other test runs; a renamed module or function once broke two of them
silently (``PeriodKind`` moved to ``plans.choices``; ``dashboard.populate()`` removed). So every
benchmark must answer ``--help``, and every name it imports from the project, even inside a
function, and every function of another benchmark it calls must exist.
"""

import ast
import contextlib
import importlib
import importlib.util
import io
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SOURCES = {path.stem: path.read_text(encoding="utf-8") for path in sorted(BENCHMARKS.glob("*.py"))}
TREES = {stem: ast.parse(source) for stem, source in SOURCES.items()}
SCRIPTS = sorted(stem for stem, source in SOURCES.items() if "__main__" in source)
PROJECT = {"plans", "tasks", "reports", "vinhlong_cmcn4"}
BY_SCALE = {"api", "backup", "dashboard", "import_tasks", "summary"}  # they measure figures that grow with the data


@contextlib.contextmanager
def _isolated():
    """Scripts put ``benchmarks/`` on ``sys.path`` and import its modules by their bare names: undo both."""
    path, modules = list(sys.path), set(sys.modules)
    try:
        yield
    finally:
        sys.path[:] = path
        for name in set(sys.modules) - modules:
            del sys.modules[name]


def _help(stem: str) -> str:
    spec = importlib.util.spec_from_file_location(f"benchmark_{stem}", BENCHMARKS / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    out, argv = io.StringIO(), sys.argv
    with _isolated(), contextlib.redirect_stdout(out):
        spec.loader.exec_module(module)
        sys.argv = [f"benchmarks/{stem}.py", "--help"]
        try:
            module.main()
        except SystemExit as exit:
            assert exit.code in (0, None), f"benchmarks/{stem}.py --help exits with {exit.code}"
        else:
            raise AssertionError(f"benchmarks/{stem}.py --help did not stop at the help")
        finally:
            sys.argv = argv
    return out.getvalue()


def test_every_benchmark_answers_help_and_the_measuring_ones_take_scale_and_json():
    assert set(SCRIPTS) >= BY_SCALE | {"dataset", "soak"}
    for stem in SCRIPTS:
        text = _help(stem)
        assert "usage:" in text
        if stem in BY_SCALE:
            assert "--scale" in text and "--json" in text, f"benchmarks/{stem}.py takes no --scale or --json"


def _code(tree):
    """The benchmark's code, and the code it passes to child processes as text (``python -c``)."""
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "import " in node.value:
            with contextlib.suppress(SyntaxError):
                yield ast.parse(node.value)


def _project_imports(tree):
    """(line, module, name) of every ``from <project module> import name`` and ``import <project module>``, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] in PROJECT:
            for alias in node.names:
                yield node.lineno, node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PROJECT:
                    yield node.lineno, alias.name, None


def _top_level_names(tree) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("stem", sorted(SOURCES), ids=lambda stem: f"{stem}.py")
def test_every_name_a_benchmark_takes_from_the_project_or_another_benchmark_exists(stem):
    missing = []
    for line, module, name in (found for code in _code(TREES[stem]) for found in _project_imports(code)):
        try:
            imported = importlib.import_module(module)
        except ImportError as error:
            missing.append(f"line {line}: {module} ({error})")
            continue
        if name and name != "*" and not hasattr(imported, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"line {line}: {module}.{name}")
    for code in _code(TREES[stem]):
        siblings = {alias.name for node in code.body if isinstance(node, ast.Import) for alias in node.names} & set(SOURCES)
        for node in ast.walk(code):
            sibling = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in siblings
            if sibling and node.attr not in _top_level_names(TREES[node.value.id]):
                missing.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    assert not missing, f"benchmarks/{stem}.py uses names that no longer exist: {missing}"


def test_every_report_carries_the_machines_reference_figure(monkeypatch, capsys):
    """Figures from two machines (or two hours of one) compare only through it."""
    import json

    with _isolated():
        sys.path.insert(0, str(BENCHMARKS))
        measuring = importlib.import_module("measuring")
        figure = measuring.machine(iterations=2000)
        assert figure["cores"] >= 1 and figure["reference_ms"] > 0
        monkeypatch.setattr(measuring, "machine", lambda: {"cores": 2, "reference_ms": 140.0})
        results = {1: {"data": {"tasks": 5000}, "page": {"median_ms": 10.0, "p95_ms": 12.0, "queries": 4}}}
        measuring.report("api", results, as_json=True)
        assert json.loads(capsys.readouterr().out)["machine"] == {"cores": 2, "reference_ms": 140.0}
        measuring.report("api", results, as_json=False)
        assert capsys.readouterr().out.startswith("machine: 2 cores, reference loop 140.0 ms")
