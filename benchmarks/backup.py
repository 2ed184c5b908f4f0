"""Backup and restore times on PostgreSQL: the demo, and the benchmark data set at a given scale.

For each data set: a database of its own (the demo seeded into an empty one; the data set copied
from its kept template, ``benchmarks/dataset.py``), stored files added (``--files-mb`` of incompressible
evidence, as a province's disk holds), then ``manage.py backup`` and ``manage.py restore`` (into a
fresh database and a fresh media folder) timed as separate processes, as cron or systemd runs them.

    .venv/bin/python benchmarks/backup.py [--data demo,tasks] [--scale 1] [--files-mb 150] [--repeat 1] [--json]

PostgreSQL: postgres://postgres@127.0.0.1:5432 (``BENCH_POSTGRES_URL``); databases
``<BENCH_DB_PREFIX>_backup_<data>`` and ``…_restore`` are made and dropped.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataset  # noqa: E402
import measuring  # noqa: E402

ROOT = dataset.ROOT
FILL = (
    "import django; django.setup()\n"
    "import os, sys\n"
    "from django.core.management import call_command\n"
    "from django.core.files.base import ContentFile\n"
    "from django.core.files.storage import default_storage\n"
    "call_command('migrate', verbosity=0)\n"
    "if sys.argv[1] == 'demo':\n"
    "    from vinhlong_cmcn4.demo import demo_seed\n"
    "    demo_seed()\n"
    "for n in range(int(sys.argv[2])):\n"
    "    default_storage.save(f'attachments/{n}/evidence', ContentFile(os.urandom(1024 * 1024)))\n"
)


def environment(database: str, media: Path, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{dataset.BASE}/{database}",
        "SECRET_KEY": dataset.SECRET_KEY,
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def prepare(kind: str, scale: int, files_mb: int, media: Path, say) -> tuple[str, int]:
    """The database to back up (the demo, or a copy of the data set) with its files; its name and tasks."""
    if kind == "demo":
        database = f"{dataset.PREFIX}_backup_demo"
        dataset.drop(database)
        dataset.pg_admin(f'CREATE DATABASE "{database}"')
    else:
        database = dataset.working_copy(scale, "backup", say=say)
    env = environment(database, media, DEBUG="1")  # the demo refuses to be seeded with DEBUG off
    subprocess.run([sys.executable, "-c", FILL, kind, str(files_mb)], cwd=ROOT, env=env, check=True)  # noqa: S603
    return database, dataset.pg_query(database, "SELECT count(*) FROM tasks_task")[0][0]


def timed(command: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return (time.perf_counter() - started) * 1000, (result.stdout.strip().splitlines() or [""])[0]


def run(kind: str, scale: int, files_mb: int, repeat: int, say) -> dict:
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        database, tasks = prepare(kind, scale, files_mb, work / "media", say)
        restored = f"{database}_restore"
        times: dict[str, list[float]] = {"backup": [], "restore": []}
        try:
            for attempt in range(repeat):
                archive = work / f"backup-{attempt}.tar"
                ms, said = timed(["backup", "--output", str(archive)], environment(database, work / "media"))
                times["backup"].append(ms)
                say(f"[{kind}] backup:  {ms / 1000:6.1f} s  {said}")
                dataset.drop(restored)
                dataset.pg_admin(f'CREATE DATABASE "{restored}"')
                ms, said = timed(["restore", str(archive)], environment(restored, work / f"restored-{attempt}"))
                times["restore"].append(ms)
                say(f"[{kind}] restore: {ms / 1000:6.1f} s  {said}")
                archive.unlink()
        finally:
            dataset.pg_admin(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
            dataset.pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        return {
            "data": {f"tasks ({kind})": tasks, "files MB": files_mb},
            **{f"{step} ({kind})": measuring.figures(values, None) for step, values in times.items()},
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="demo,tasks", help="demo, tasks (the benchmark data set at --scale), or both")
    parser.add_argument("--scale", default="1", help="a scale or several separated by commas: 1,4,10 (for the data set)")
    parser.add_argument("--files-mb", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=1, help="backups and restores of each data set")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    results: dict[int, dict] = {}
    for number, scale in enumerate(measuring.scales(args.scale)):
        entry: dict = {"data": {}}
        for kind in args.data.split(","):
            if kind.strip() == "demo" and number:
                continue  # the demo does not grow with the scale: once is enough
            figures = run(kind.strip(), scale, args.files_mb, args.repeat, say)
            entry["data"].update(figures.pop("data"))
            entry.update(figures)
        results[scale] = entry
    measuring.report("backup", results, args.json)


if __name__ == "__main__":
    main()
