"""The coordinator's inbox on a deadline day: /dau-moi/hop-thu/ with ``--submitted`` reports waiting (3,000).

Server time (Django test client, in process, production settings), median and p95, the queries and the size of
the page, of the inbox as a coordinator (a member of the coordinators' group, who reviews every plan) opens it:
  inbox            /dau-moi/hop-thu/                 the first page, the count, the work box by plan and period
  inbox page 2     /dau-moi/hop-thu/?page=2          another page
  inbox filtered   /dau-moi/hop-thu/?late=0          a filter kept

Before measuring, the first ``--submitted`` lead reports of 2026-H2 (by id) are sent (``submitted``).

    .venv/bin/python benchmarks/inbox.py --scale 1,10 [--submitted 3000] [--repeat 10] [--rounds 2] [--json]

Data: benchmarks/dataset.py (built once per scale and kept; each run works on a copy).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataset  # noqa: E402
import measuring  # noqa: E402

COORDINATOR = "bench.coord"
PAGES = {
    "inbox": {},
    "inbox page 2": {"page": "2"},
    "inbox filtered": {"late": "0"},
}


def deadline_day(submitted: int) -> int:
    """The coordinator, and ``submitted`` lead reports of 2026-H2 sent: how many were sent."""
    from django.utils import timezone

    from plans.models import User
    from plans.services import roles_setup
    from reports.models import Report, ReportingPeriod

    coordinator, _created = User.objects.get_or_create(username=COORDINATOR)
    coordinator.groups.set([roles_setup()["coordinator"]])
    period = ReportingPeriod.objects.get(kind="half_year", year=2026, number=2)
    ids = list(Report.objects.filter(period=period, role="lead").order_by("pk").values_list("pk", flat=True)[:submitted])
    return Report.objects.filter(pk__in=ids).update(state="submitted", submitted_at=timezone.now())


def measure(databases: dict[int, str], submitted: int, repeat: int, rounds: int) -> dict[int, dict]:
    from django.test import Client

    from plans.models import User

    results: dict[int, dict] = {}
    times: dict[tuple[int, str], list[list[float]]] = {}
    sizes: dict[tuple[int, str], int] = {}
    per_round = max(1, repeat // rounds)
    for round_number in range(rounds):
        for scale, database in databases.items():
            measuring.use_database(database)
            if round_number == 0:
                results[scale] = {"data": {"submitted": deadline_day(submitted)}}
            client = Client()
            client.force_login(User.objects.get(username=COORDINATOR))

            def get(query: dict, scale=scale, client=client) -> None:
                response = client.get("/dau-moi/hop-thu/", query, secure=True)
                assert response.status_code == 200, (query, response.status_code, response.content[:300])
                sizes[(scale, str(query))] = len(response.content)

            for name, query in PAGES.items():
                if round_number == 0:
                    get(query)  # warm up
                    results[scale][name] = {"queries": measuring.queries_of(lambda q=query: get(q))}
                times.setdefault((scale, name), []).append(measuring.timed(lambda q=query: get(q), per_round))
    for (scale, name), runs in times.items():
        queries = results[scale][name]["queries"]
        results[scale][name] = measuring.figures([t for run in runs for t in run], queries, runs)
        results[scale][name]["kb"] = sizes[(scale, str(PAGES[name]))] // 1024
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1", help="a scale or several separated by commas: 1,10")
    parser.add_argument("--submitted", type=int, default=3000, help="lead reports of 2026-H2 waiting for review")
    parser.add_argument("--repeat", type=int, default=10, help="requests per page and scale")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    databases = {scale: dataset.working_copy(scale, "inbox", say=say) for scale in measuring.scales(args.scale)}
    measuring.django_setup(next(iter(databases.values())))
    from django.core.management import call_command
    from django.db import connections

    call_command("collectstatic", "--noinput", verbosity=0)  # manifest static files, as in production
    try:
        measuring.report("inbox", measure(databases, args.submitted, args.repeat, args.rounds), args.json)
    finally:
        connections.close_all()
        for database in databases.values():
            dataset.drop(database)


if __name__ == "__main__":
    main()
