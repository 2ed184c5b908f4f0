"""Import benchmark: an annex of 5,000 × scale tasks in 50 sections (or --tasks N), on SQLite and PostgreSQL.

For each database it prints the time, rows/s and peak memory (process RSS) of:
  read    merely reading the sheet with openpyxl in read-only mode (the floor)
  parse   reading the annex alone (openpyxl read-only + rows, agencies, timeframes)
  import  the whole import (annex_import: read, check, bulk write with history)
  stock   django-import-export's stock row-by-row import of the same rows
  stock   (with --stock) django-import-export's stock row-by-row import of the same rows
Each stage runs in its own process so its peak memory is its own, --repeat times, the stages
taken in turn so the machine's load touches them alike. The import must take less than three
times the bare read (``import/read``: the ratio of the medians, with each round's own ratio and
that of the fastest runs beside it, since the machine's speed drifts within a run).

    .venv/bin/python benchmarks/import_tasks.py --scale 1,4 [--tasks 10000] [--databases sqlite,postgres] [--repeat 3] [--json]

PostgreSQL: postgres://postgres@127.0.0.1:5432 (override with BENCH_POSTGRES_URL); the
benchmark creates and drops its own databases (named after BENCH_DB_PREFIX, default ``bench``).
"""

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPELLINGS = [
    "Sở Thông tin và Truyền thông",
    "Sở TT&TT",
    "STTTT",
    "Sở Kế hoạch và Đầu tư",
    "Sở KH&ĐT",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở VHTTDL",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở LĐ-TB&XH",
    "Sở Y tế",
    "Công an tỉnh",
    "Sở Khoa học và Công nghệ",
    "Sở KH&CN",
    "Sở Công Thương",
    "Sở GD&ĐT",
    "Đài PT&TH Vĩnh Long",
    "Báo Vĩnh Long",
    "UBND huyện Long Hồ",
]
GROUPS = ["Các sở, ban, ngành tỉnh", "UBND các huyện, thị xã, thành phố"]
TIMEFRAMES = [
    "Thường xuyên",
    "Hằng năm",
    "Năm 2018",
    "Quý IV/2018",
    "Quý II/2019",
    "Tháng 10/2017",
    "6 tháng đầu năm 2018",
    "2017 - 2020",
    "Trước ngày 30/9/2018",
]


def roman(n: int) -> str:
    out = ""
    for value, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def build_annex(path: Path, tasks: int, sections: int = 50) -> None:
    from openpyxl import Workbook

    rng = random.Random(2017)
    # Written as Excel writes it, with the sheet's <dimension>: openpyxl's bare read (the floor) then parses the
    # sheet once, as the import does; without one (write_only files) it parses the sheet twice to size it.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    sheet.append(["ỦY BAN NHÂN DÂN", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append(["TỈNH VĨNH LONG", None, "Độc lập - Tự do - Hạnh phúc"])
    sheet.append([])
    sheet.append(["PHỤ LỤC"])
    sheet.append(["DANH MỤC NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ 999/KH-UBND"])
    sheet.append(["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Sản phẩm", "Ghi chú"])
    sheet.append([f"({i})" for i in range(1, 8)])
    per_section = tasks // sections
    number = 0
    for section in range(1, sections + 1):
        sheet.append([roman(section), f"NHÓM NHIỆM VỤ SỐ {section}: CHUYỂN ĐỔI SỐ TRONG LĨNH VỰC {section}"])
        for _ in range(per_section if section < sections else tasks - number):
            number += 1
            lead = GROUPS[1] if rng.random() < 0.05 else rng.choice(SPELLINGS)
            cooperating = "; ".join(rng.sample(SPELLINGS, rng.randint(0, 3))) + (", " + GROUPS[0] if rng.random() < 0.1 else "")
            sheet.append(
                [
                    number,
                    f"Triển khai nhiệm vụ số {number} về ứng dụng công nghệ thông tin, phát triển chính quyền số và kinh tế số của tỉnh",
                    lead,
                    cooperating.strip(", "),
                    rng.choice(TIMEFRAMES),
                    "Báo cáo kết quả thực hiện",
                    "",
                ]
            )
    workbook.save(path)


def stage(name: str, annex: str, database_url: str, tasks: int) -> dict:
    """Run one stage in this process (called in a child process) and return its figures."""
    os.environ.update(DATABASE_URL=database_url, DEBUG="0", SECRET_KEY="benchmark-only-secret-key-" + "k" * 40, ALLOWED_HOSTS="testserver")
    # The limit counts tasks; an annex above the default limit is measured as if it had been raised.
    os.environ["IMPORT_MAX_ROWS"] = str(max(tasks, int(os.environ.get("IMPORT_MAX_ROWS", "20000"))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")
    import django

    django.setup()
    import datetime

    from plans.models import Plan
    from tasks.importing.service import annex_import, annex_read

    data = Path(annex).read_bytes()
    plan = Plan.objects.get(symbol="999/KH-UBND")
    started = time.perf_counter()
    if name == "read":
        import io

        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        annex_rows = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    elif name == "parse":
        annex_rows = len(annex_read(data=data, plan_start=datetime.date(2017, 1, 1)).tasks)
    elif name == "import":
        outcome = annex_import(plan=plan, upload=data)
        assert outcome.ok, outcome.errors[:3]
        annex_rows = outcome.summary.created
    else:
        annex_rows = _stock_import(plan, data)
    seconds = time.perf_counter() - started
    return {"rows": annex_rows, "seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _stock_import(plan, data: bytes) -> int:
    """django-import-export's stock row-by-row import of the same task rows (no agencies: it has no bulk M2M)."""
    import tablib
    from import_export import fields, resources, widgets

    from plans.models import Plan, Section
    from tasks.models import Task

    class StockTaskResource(resources.ModelResource):
        plan = fields.Field(attribute="plan", column_name="plan", widget=widgets.ForeignKeyWidget(Plan, "pk"))
        section = fields.Field(attribute="section", column_name="section", widget=widgets.ForeignKeyWidget(Section, "pk"))

        class Meta:
            model = Task
            fields = ("plan", "section", "number", "position", "title", "product", "timeframe", "start_date", "due_date", "recurrence")
            import_id_fields = ("plan", "number")

    from tasks.importing.service import annex_read

    annex = annex_read(data=data, plan_start=plan.starts_on)
    sections = {}
    for position, parsed in enumerate(annex.sections):
        sections[parsed.number] = Section.objects.create(plan=plan, number=f"S{parsed.number}", title=parsed.title, position=position).pk
    dataset = tablib.Dataset(
        headers=["plan", "section", "number", "position", "title", "product", "timeframe", "start_date", "due_date", "recurrence"]
    )
    for position, task in enumerate(annex.tasks):
        dataset.append(
            [
                plan.pk,
                sections[task.section.number],
                f"S{task.number}",
                position,
                task.title,
                task.product,
                task.timeframe.text,
                task.timeframe.start.isoformat(),
                task.timeframe.due.isoformat() if task.timeframe.due else "",
                task.timeframe.recurrence,
            ]
        )
    result = StockTaskResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    return result.totals["new"]


def prepare(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    code = (
        "import django, datetime; django.setup()\n"
        "from plans.services import agency_registry_load; from plans.models import Plan\n"
        "agency_registry_load()\n"
        "Plan.objects.filter(symbol='999/KH-UBND').exists() or Plan.objects.create(symbol='999/KH-UBND', issuer='UBND tỉnh Vĩnh Long',"
        " issued_on=datetime.date(2017,1,1), starts_on=datetime.date(2017,1,1), title='Kế hoạch thử tải')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings"}, check=True)


def run_stage(name: str, annex: Path, database_url: str, tasks: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--stage", name, "--annex", str(annex), "--database-url", database_url, "--tasks", str(tasks)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


class Database:
    """A database migrated once with the registry and the plan, and a fresh copy of it for each stage."""

    def __init__(self, name: str, workdir: Path):
        self.name, self.workdir = name, workdir
        prefix = os.environ.get("BENCH_DB_PREFIX", "bench")
        self.base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        self.template, self.copy = f"{prefix}_import_base", f"{prefix}_import"
        if name == "sqlite":
            prepare(f"sqlite:///{workdir / 'base.sqlite3'}")
        else:
            self.admin(f'DROP DATABASE IF EXISTS "{self.template}"')
            self.admin(f'CREATE DATABASE "{self.template}"')
            prepare(f"{self.base}/{self.template}")

    def admin(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(f"{self.base}/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    def fresh(self) -> str:
        if self.name == "sqlite":
            shutil.copyfile(self.workdir / "base.sqlite3", self.workdir / "bench.sqlite3")
            return f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        self.admin(f'DROP DATABASE IF EXISTS "{self.copy}"')
        self.admin(f'CREATE DATABASE "{self.copy}" TEMPLATE "{self.template}"')
        return f"{self.base}/{self.copy}"

    def drop(self) -> None:
        if self.name != "sqlite":
            self.admin(f'DROP DATABASE IF EXISTS "{self.copy}"')
            self.admin(f'DROP DATABASE IF EXISTS "{self.template}"')


def _ratios(imports: list[dict], reads: list[dict]) -> dict:
    """Import time over bare-read time, three ways, as the machine's speed drifts within a run.

    ``ratio``: of the medians (the target, < 3). ``by_round``: the median of each round's own ratio
    (its import over the read run just before it, on the machine as it was then). ``best``: of the
    fastest runs, the least disturbed by other work.
    """
    imports_s, reads_s = [run["seconds"] for run in imports], [run["seconds"] for run in reads]
    return {
        "ratio": round(statistics.median(imports_s) / statistics.median(reads_s), 2),
        "by_round": round(statistics.median(i / r for i, r in zip(imports_s, reads_s, strict=True)), 2),
        "best": round(min(imports_s) / min(reads_s), 2),
        "target": "< 3",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1", help="a scale or several separated by commas: 5,000 tasks each")
    parser.add_argument("--tasks", type=int, help="tasks in the annex instead of 5,000 × scale")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stage")
    parser.add_argument("--stock", action="store_true", help="also django-import-export's stock import (slow)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--stage")
    parser.add_argument("--annex")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage(args.stage, args.annex, args.database_url, args.tasks)))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import measuring

    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    sizes = [args.tasks] if args.tasks else [5000 * scale for scale in measuring.scales(args.scale)]
    stages = ("read", "parse", "import") + (("stock",) if args.stock else ())
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for name in args.databases.split(","):
            database = Database(name, workdir)
            try:
                for tasks in sizes:
                    annex = workdir / f"annex-{tasks}.xlsx"
                    if not annex.exists():
                        build_annex(annex, tasks)
                    entry = results.setdefault(
                        tasks, {"data": {"tasks": tasks, "annex KB": annex.stat().st_size // 1024, "cores": os.cpu_count()}}
                    )
                    runs: dict[str, list[dict]] = {stage_name: [] for stage_name in stages}
                    for _ in range(args.repeat):
                        for stage_name in stages:
                            runs[stage_name].append(run_stage(stage_name, annex, database.fresh(), tasks))
                    for stage_name, figures in runs.items():
                        times = [run["seconds"] * 1000 for run in figures]
                        entry[f"{name} {stage_name}"] = {
                            **measuring.figures(times, None),
                            "runs_ms": [round(t) for t in times],
                            "rows_per_s": round(figures[0]["rows"] / (statistics.median(times) / 1000)),
                            "peak_rss_mb": round(max(run["peak_mb"] for run in figures)),
                        }
                    entry[f"{name} import/read"] = _ratios(runs["import"], runs["read"])
                    say(f"{name}: {tasks} tasks measured")
            finally:
                database.drop()
    # Keyed by scale (5,000 tasks each), like the other benchmarks: --tasks 10000 is scale 2.
    measuring.report("import", {round(tasks / 5000, 2): entry for tasks, entry in results.items()}, args.json)


if __name__ == "__main__":
    main()
