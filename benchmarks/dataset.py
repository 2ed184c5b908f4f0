"""The benchmarks' data set at a given scale, built once and kept as a template database.

Scale 1 is 5,000 tasks, 60 agencies, 50,000 reports and 50 indicators with ten years of values; scale 4 is 20,000 / 150 / 200,000;
scale 10 is 50,000 / 300 / 500,000 (tasks and reports grow with the scale, agencies more
slowly). The shape stays the same: two plans in force with 50 sections, each task led by one
agency with another cooperating, ten half-yearly reports per task up to the period being
filed now (2026-H2).

The data is built in a database named ``<prefix>_scale_<N>`` (``BENCH_TEMPLATE_PREFIX``, by default
``BENCH_DB_PREFIX``, default ``bench``; each run's working copy is named after ``BENCH_DB_PREFIX``) with
COPY, and kept: a later run copies it (``CREATE DATABASE … TEMPLATE``, a file copy) instead of building it again, as long as its fingerprint (this file and the scale) is the
same (``DATA_VERSION`` and the scale) and the code knows every migration it has (newer migrations are applied to it first).

    .venv/bin/python benchmarks/dataset.py --scale 10          # build or bring up to date, then keep
    .venv/bin/python benchmarks/dataset.py --scale 10 --drop   # drop the kept database

PostgreSQL: postgres://postgres@127.0.0.1:5432 (``BENCH_POSTGRES_URL``).
"""

import argparse
import datetime
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench")
# The kept templates may be another's (several people measuring on one machine copy the same templates under their own prefix).
TEMPLATE_PREFIX = os.environ.get("BENCH_TEMPLATE_PREFIX", PREFIX)
SECRET_KEY = "benchmark-only-secret-key-" + "k" * 40  # noqa: S105
PLAN_SYMBOL = "1/KH-UBND"
LEADER = "bench.leader"
DATA_VERSION = 3  # bump when build() makes different data: kept databases are then built again
SIZES = {1: (5_000, 60, 50_000), 4: (20_000, 150, 200_000), 10: (50_000, 300, 500_000)}


def sizes(scale: int) -> tuple[int, int, int]:
    """Tasks, agencies and reports at ``scale``."""
    return SIZES.get(scale) or (5_000 * scale, round(60 * scale**0.7), 50_000 * scale)


def template_name(scale: int) -> str:
    return f"{TEMPLATE_PREFIX}_scale_{scale}"


def fingerprint(scale: int) -> str:
    return f"benchmark data v{DATA_VERSION} scale {scale}"


def pg_admin(sql: str, *params, fetch: bool = False):
    import psycopg2

    connection = psycopg2.connect(f"{BASE}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or None)
            return cursor.fetchall() if fetch else None
    finally:
        connection.close()


def pg_query(database: str, sql: str) -> list:
    import psycopg2

    connection = psycopg2.connect(f"{BASE}/{database}")
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()


def _vacuum(database: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{BASE}/{database}")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.close()


def _comment(database: str) -> str | None:
    rows = pg_admin(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        database,
        fetch=True,
    )
    return rows[0][0] if rows else None


def _known_migrations() -> set[tuple[str, str]]:
    known = set()
    for migrations in ROOT.glob("*/migrations"):
        known |= {(migrations.parent.name, path.stem) for path in migrations.glob("[0-9]*.py")}
    return known


def _django_env(database: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{BASE}/{database}",
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings",
    }


def ensure_template(scale: int, *, say=print) -> str:
    """The template database of ``scale``, built or migrated forward when needed."""
    name = template_name(scale)
    expected = fingerprint(scale)
    if _comment(name) == expected:
        applied = {(app, migration) for app, migration in pg_query(name, "SELECT app, name FROM django_migrations")}
        local_apps = {app for app, _name in _known_migrations()}
        foreign = {row for row in applied if row[0] in local_apps} - _known_migrations()
        if not foreign:
            if _known_migrations() - applied:
                say(f"{name}: applying new migrations")
                subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=_django_env(name), check=True)
                _vacuum(name)  # a data migration rewrites rows: leave the database as autovacuum would
            return name
        say(f"{name}: made by other migrations ({len(foreign)}), building it again")
    started = time.perf_counter()
    pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
    pg_admin(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, __file__, "--build", str(scale)], cwd=ROOT, env=_django_env(name), check=True)
    pg_admin(f"COMMENT ON DATABASE \"{name}\" IS '{expected}'")
    say(f"{name}: built in {time.perf_counter() - started:.0f} s")
    return name


def working_copy(scale: int, purpose: str, *, say=print) -> str:
    """A fresh copy of the scale's template for one benchmark to change freely."""
    template = ensure_template(scale, say=say)
    name = f"{PREFIX}_{purpose}_{scale}"
    pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
    pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


def drop(name: str) -> None:
    pg_admin(f'DROP DATABASE IF EXISTS "{name}"')


# Building (runs in a child process whose DATABASE_URL is the template being built).


def _copy(cursor, model, rows: list[dict]) -> None:
    """COPY ``rows`` (attribute name → value) into ``model``'s table; other columns take their defaults."""
    from django.utils import timezone

    now = timezone.now()
    fields = model._meta.concrete_fields
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()  # "" for text columns without a default
    names = [field.attname for field in fields]

    def text(value) -> str:
        if value is None:
            return r"\N"
        if value is True or value is False:
            return "t" if value else "f"
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(text(row[name] if name in row else defaults[name]) for name in names))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(f'"{field.column}"' for field in fields)
    cursor.copy_expert(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN', buffer)
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('\"{model._meta.db_table}\"', 'id'), (SELECT max(id) FROM \"{model._meta.db_table}\"))"
    )


def build(scale: int) -> None:
    """Migrate and fill the database of DATABASE_URL (a fresh one) at ``scale``."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from core.search import search_keys
    from plans.choices import PeriodKind, PlanState
    from plans.models import Agency, Plan, Section, User
    from plans.services import roles_setup
    from reports.choices import ReportState, WorkState
    from reports.models import Report, ReportingPeriod
    from reports.periods import period_of
    from tasks.kept import lead_parts_rebuild
    from tasks.models import Task, TaskAssignment

    tasks, agencies, reports = sizes(scale)
    with transaction.atomic():
        groups = roles_setup()
        agency_rows = Agency.objects.bulk_create(
            [
                Agency(
                    code=f"CQ{n:03d}",
                    name=f"Cơ quan thử nghiệm số {n:03d}",
                    name_key=f"co quan thu nghiem so {n:03d}",
                    search_text=search_keys(f"CQ{n:03d}", f"Cơ quan thử nghiệm số {n:03d}"),
                )
                for n in range(agencies)
            ]
        )
        agency_ids = [agency.pk for agency in agency_rows]
        plans = [
            Plan.objects.create(
                symbol=f"{n}/KH-UBND",
                issuer="Ủy ban nhân dân tỉnh Vĩnh Long",
                issued_on=datetime.date(2021, 1, 1),
                starts_on=datetime.date(2021, 1, 1),
                title=f"Kế hoạch chuyển đổi số số {n}",
                state=PlanState.IN_FORCE,
                is_published=True,
                reporting_kinds=["half_year", "year"],
            )
            for n in (1, 2)
        ]
        sections = Section.objects.bulk_create(
            [Section(plan=plans[n % 2], number=str(n + 1), position=n, title=f"Nhóm nhiệm vụ {n + 1}") for n in range(50)]
        )
        task_rows, due_dates = [], []
        for n in range(tasks):
            section = sections[n % 50]
            kind = n % 5
            due = None if kind == 4 else datetime.date(2022 + n % 5, 12, 31)
            completed = datetime.date(2022 + n % 5, 10 + n % 3, 1) + datetime.timedelta(days=90 * kind) if kind in (0, 1) and due else None
            title = f"Nhiệm vụ chuyển đổi số thứ {n + 1} của tỉnh"
            timeframe = "Thường xuyên" if kind == 4 else f"Năm {due.year}"
            task_rows.append(
                {
                    "id": n + 1,
                    "plan_id": section.plan_id,
                    "section_id": section.pk,
                    "number": str(n + 1),
                    "position": n,
                    "title": title,
                    "timeframe": timeframe,
                    "start_date": datetime.date(2021, 1, 1),
                    "due_date": due,
                    "recurrence": "ongoing" if kind == 4 else "none",
                    "progress": (n * 13) % 101,
                    "completed_on": completed,
                    "search_text": search_keys(str(n + 1), title, "", timeframe),
                }
            )
            due_dates.append(due)
        with connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            _copy(raw, Task, task_rows)
            _copy(
                raw,
                TaskAssignment,
                [{"id": 2 * i + 1, "task_id": i + 1, "agency_id": agency_ids[i % agencies], "role": "lead"} for i in range(tasks)]
                + [
                    {"id": 2 * i + 2, "task_id": i + 1, "agency_id": agency_ids[(i + 7) % agencies], "role": "cooperating"}
                    for i in range(tasks)
                ],
            )
        _after_tasks(plans)
        # Up to the period agencies are filing now (second half of 2026), so the dashboard counts its reports.
        periods = [period_of(PeriodKind.HALF_YEAR, year, half) for year in range(2021, 2027) for half in (1, 2)]
        period_rows = ReportingPeriod.objects.bulk_create(
            [ReportingPeriod(kind=p.kind, year=p.year, number=p.number, first_day=p.first_day, last_day=p.last_day) for p in periods]
        )
        officer = User.objects.create(username="bench.officer", agency=agency_rows[0])
        leader = User.objects.create(username=LEADER)
        leader.groups.set([groups["leadership"]])
        per_task = max(1, reports // tasks)
        report_rows = []
        for i in range(tasks):
            for step, period in enumerate(period_rows[-per_task:]):
                progress = min(100, 10 * (step + 1))
                done = progress == 100
                report_rows.append(
                    {
                        "id": len(report_rows) + 1,
                        "task_id": i + 1,
                        "agency_id": agency_ids[i % agencies],
                        "period_id": period.pk,
                        "role": "lead",
                        "state": ReportState.ACCEPTED.value if step < per_task - 1 or i % 3 else ReportState.SUBMITTED.value,
                        "progress": progress,
                        "work_state": WorkState.COMPLETED.value if done else WorkState.IN_PROGRESS.value,
                        "completed_on": period.last_day if done else None,
                        "results": "Đã triển khai theo kế hoạch",
                        "created_by_id": officer.pk,
                        "is_late": (i + step) % 9 == 0,
                    }
                )
        with connection.cursor() as cursor:
            _copy(cursor.connection.cursor(), Report, report_rows)
        # COPY sends no signals: every kept count (tasks, lead parts, sent reports) counted as the services keep them.
        lead_parts_rebuild()
        _indicators(scale, plans, agency_ids, leader)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a live database: hint bits set, statistics fresh


def _indicators(scale: int, plans, agency_ids: list[int], by) -> None:
    """50 indicators per unit of scale (500 at 10x), each with three targets and ten years of values (2016-2025),
    a few of them corrected (the value replaced kept): percentages, numbers and ranks among 63 then 34 provinces."""
    import datetime as dt
    from decimal import Decimal

    from indicators.models import Indicator, IndicatorTarget, IndicatorValue

    count = 50 * scale
    kinds = ["percentage", "number", "rank"]
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                scope="plan",
                plan=plans[n % 2],
                code=f"CT-{n + 1:04d}",
                name=f"Chỉ tiêu thử nghiệm số {n + 1}",
                unit="%" if kinds[n % 3] == "percentage" else "",
                kind=kinds[n % 3],
                direction="lower" if kinds[n % 3] == "rank" else "higher",
                agency_id=agency_ids[n % len(agency_ids)],
                baseline_value=Decimal(30 if kinds[n % 3] != "rank" else 40),
                baseline_year=2015,
                position=n,
            )
            for n in range(count)
        ]
    )
    targets, values = [], []
    for n, indicator in enumerate(indicators):
        rank = indicator.kind == "rank"
        for year, goal in ((2020, 50), (2025, 80), (2030, 95)):
            targets.append(
                IndicatorTarget(indicator=indicator, year=year, due_on=dt.date(year, 12, 31), value=Decimal(12 if rank else goal))
            )
        for year in range(2016, 2026):
            step = (year - 2015) * (1 + n % 7)
            value = Decimal(max(1, min(34 if year >= 2025 else 63, 40 - step // 3))) if rank else Decimal(min(100, 30 + step))
            recorded = dt.datetime(year + 1, 5, 1, tzinfo=dt.UTC)
            values.append(
                IndicatorValue(indicator=indicator, measured_on=dt.date(year, 12, 31), year=year, value=value, source="Số liệu thử nghiệm",
                               recorded_by=by, recorded_at=recorded, is_illustrative=True)
            )  # fmt: skip
            if n % 10 == 0 and year == 2020:  # a correction: the first figure kept, superseded
                values[-1].superseded_at = recorded + dt.timedelta(days=30)
                values.append(
                    IndicatorValue(indicator=indicator, measured_on=dt.date(year, 12, 31), year=year, value=value, source="Số liệu thử nghiệm (điều chỉnh)",
                                   recorded_by=by, recorded_at=recorded + dt.timedelta(days=30), correction_reason="Rà soát", is_illustrative=True)
                )  # fmt: skip
    IndicatorTarget.objects.bulk_create(targets, batch_size=5000)
    IndicatorValue.objects.bulk_create(values, batch_size=5000)


def _after_tasks(plans) -> None:
    """Each task's place in the lists and its working-day due date, as the importer stores them."""
    from tasks.models import Task
    from tasks.services import task_due_dates_refresh, tasks_order_refresh

    tasks_order_refresh(plan_ids=[plan.pk for plan in plans])
    task_due_dates_refresh(tasks=Task.objects.filter(plan__in=plans))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--drop", action="store_true")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.build:
        build(args.build)
    elif args.drop:
        drop(template_name(args.scale))
    else:
        print(ensure_template(args.scale))


if __name__ == "__main__":
    main()
