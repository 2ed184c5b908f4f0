"""Search benchmark on PostgreSQL: the pages that search, at a given scale.

Server time (Django test client, in process, production settings), median and p95, and the
queries per page, of each page searched three ways: a phrase every task holds ("chuyển đổi số",
the whole list found and ranked), a phrase one task holds ("thứ 4321", typed without accents),
and a word nothing holds:
  public search     /ke-hoach/?q=…            anyone: published plans and their first 50 tasks found
  leadership list   /dieu-hanh/nhiem-vu/?q=…  a leader: a page of the tasks found, with their count
  registry          /co-quan/?q=…             the agencies (name, code, abbreviations): the first page (50) of those found,
                                              with their count, as a reader meets it ("every agency": all 300 at 10×)

    .venv/bin/python benchmarks/search.py --scale 1,10 [--repeat 30] [--rounds 3] [--json]

Data: benchmarks/dataset.py (built once per scale and kept; each run works on a copy).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataset  # noqa: E402
import measuring  # noqa: E402

PAGES = {
    "public search": ("/ke-hoach/", False, {"every task": "chuyển đổi số", "one task": "thu 4321", "nothing": "khongcogi"}),
    "leadership list": ("/dieu-hanh/nhiem-vu/", True, {"every task": "chuyển đổi số", "one task": "thu 4321", "nothing": "khongcogi"}),
    "registry": ("/co-quan/", True, {"every agency": "co quan thu nghiem", "one agency": "cq042", "nothing": "khongcogi"}),
}


def clients() -> dict:
    from django.test import Client

    from plans.models import User

    leader = Client()
    leader.force_login(User.objects.get(username=dataset.LEADER))
    return {False: Client(), True: leader}


def get(client, path: str, query: str) -> None:
    response = client.get(path, {"q": query})
    assert response.status_code == 200, (path, query, response.status_code, response.content[:300])


def measure(databases: dict[int, str], repeat: int, rounds: int) -> dict[int, dict]:
    results: dict[int, dict] = {}
    times: dict[tuple[int, str], list[list[float]]] = {}
    per_round = max(1, repeat // rounds)
    for round_number in range(rounds):
        for scale, database in databases.items():
            measuring.use_database(database)
            from plans.models import Agency
            from tasks.models import Task

            by_login = clients()
            operations = {
                f"{page}: {label}": (lambda c=by_login[login], p=path, q=query: get(c, p, q))
                for page, (path, login, queries) in PAGES.items()
                for label, query in queries.items()
            }
            if round_number == 0:
                results[scale] = {"data": {"tasks": Task.objects.count(), "agencies": Agency.objects.count()}}
                for name, call in operations.items():
                    call()
                    results[scale][name] = {"queries": measuring.queries_of(call)}
            for name, call in operations.items():
                times.setdefault((scale, name), []).append(measuring.timed(call, per_round))
    for (scale, name), runs in times.items():
        results[scale][name] = measuring.figures([t for run in runs for t in run], results[scale][name]["queries"], runs)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1", help="a scale or several separated by commas: 1,10")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page, query and scale")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    databases = {scale: dataset.working_copy(scale, "search", say=say) for scale in measuring.scales(args.scale)}
    measuring.django_setup(next(iter(databases.values())))
    from django.core.management import call_command
    from django.db import connections

    call_command("collectstatic", "--noinput", verbosity=0)  # manifest static files, as in production
    try:
        measuring.report("search", measure(databases, args.repeat, args.rounds), args.json)
    finally:
        connections.close_all()
        for database in databases.values():
            dataset.drop(database)


if __name__ == "__main__":
    main()
