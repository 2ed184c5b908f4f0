"""Backup and restore times on PostgreSQL: the demo, and the dashboard benchmark's 5,000-task database.

For each data set: build it in a database of its own, add stored files (``--files-mb`` of incompressible
evidence, as a province's disk holds), then time ``manage.py backup`` and ``manage.py restore`` (into a
fresh database and a fresh media folder) as separate processes, as cron or systemd runs them.

    .venv/bin/python benchmarks/backup.py [--data demo,tasks5000] [--files-mb 150]

PostgreSQL: postgres://postgres@127.0.0.1:5432 (BENCH_POSTGRES_URL); databases BENCH_DB (bench_backup)
and BENCH_DB_restore are made and dropped.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
BASE = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
NAME = os.environ.get("BENCH_DB", "bench_backup")


def pg_admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{BASE}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def build(kind: str, files_mb: int, media: Path) -> None:
    """Fill the database in a child process (Django is set up once per process)."""
    code = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        + ("from vinhlong_cmcn4.demo import demo_seed; demo_seed()\n" if kind == "demo" else "import dashboard; dashboard.populate()\n")
        + "import os\nfrom django.core.files.base import ContentFile\nfrom django.core.files.storage import default_storage\n"
        f"for n in range({files_mb}):\n"
        "    default_storage.save(f'attachments/{n}/evidence', ContentFile(os.urandom(1024 * 1024)))\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT / "benchmarks", env=environment(NAME, media), check=True)  # noqa: S603


def environment(database: str, media: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{BASE}/{database}",
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings",
        "PYTHONPATH": str(ROOT),
    }


def timed(command: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return time.perf_counter() - started, result.stdout.strip().splitlines()[0]


def run(kind: str, files_mb: int) -> None:
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        for database in (NAME, f"{NAME}_restore"):
            pg_admin(f'DROP DATABASE IF EXISTS "{database}"')
            pg_admin(f'CREATE DATABASE "{database}"')
        try:
            build(kind, files_mb, work / "media")
            archive = work / "backup.tar"
            backup_seconds, said = timed(["backup", "--output", str(archive)], environment(NAME, work / "media"))
            print(f"[{kind}] backup:  {backup_seconds:6.1f} s  {said}")
            restore_seconds, said = timed(["restore", str(archive)], environment(f"{NAME}_restore", work / "restored"))
            print(f"[{kind}] restore: {restore_seconds:6.1f} s  {said}")
        finally:
            for database in (NAME, f"{NAME}_restore"):
                pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="demo,tasks5000")
    parser.add_argument("--files-mb", type=int, default=150)
    args = parser.parse_args()
    for kind in args.data.split(","):
        run(kind, args.files_mb)


if __name__ == "__main__":
    main()
