"""API benchmark on PostgreSQL: GET /api/v1/tasks/ at 50 per page, at a given scale.

Server time (Django test client, in process, production settings), median and p95, and the
queries per page, of:
  page (token)    random page numbers, first to last, as a leader with a token
  page (public)   the same without signing in (published plans only)
  last page       the deepest page number
  walk            a client walking the whole list by following the ``next`` links from
                  ``?cursor=`` (cursor pagination; where it is missing, the page-number links)

    .venv/bin/python benchmarks/api.py --scale 1,4,10 [--repeat 100] [--rounds 3] [--json]

Data: benchmarks/dataset.py (built once per scale and kept; each run works on a copy).
"""

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataset  # noqa: E402
import measuring  # noqa: E402

PAGE_SIZE = 50


def clients() -> dict:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from plans.models import User

    leader = User.objects.get(username=dataset.LEADER)
    token, _created = Token.objects.get_or_create(user=leader)
    return {"token": APIClient(HTTP_AUTHORIZATION=f"Token {token.key}"), "public": APIClient()}


def get(client, path: str, params: dict | None = None) -> dict:
    response = client.get(path, params or {})
    assert response.status_code == 200, (path, params, response.status_code, response.content[:300])
    body = response.json()
    assert body["results"], (path, params)
    return body


class Walker:
    """A client walking the whole list by following ``next`` from ``?cursor=``, a stretch at a time."""

    def __init__(self, client):
        self.client, self.url, self.params = client, "/api/v1/tasks/", {"cursor": "", "page_size": PAGE_SIZE}

    def pages(self, limit: int) -> list[float]:
        import time

        times = []
        while len(times) < limit:
            if not self.url:  # walked to the end (more pages asked than the list has): walk it again
                self.url, self.params = "/api/v1/tasks/", {"cursor": "", "page_size": PAGE_SIZE}
            started = time.perf_counter()
            body = get(self.client, self.url, self.params)
            times.append((time.perf_counter() - started) * 1000)
            self.url, self.params = (body.get("next") or "").split("testserver", 1)[-1], None
        return times


def measure(databases: dict[int, str], repeat: int, rounds: int, walk_pages: int) -> dict[int, dict]:
    results: dict[int, dict] = {}
    times: dict[tuple[int, str], list[list[float]]] = {}
    per_round = max(1, repeat // rounds)
    rng = random.Random(16)
    walkers: dict[int, Walker] = {}
    for round_number in range(rounds):
        for scale, database in databases.items():
            measuring.use_database(database)
            from tasks.models import Task

            tasks = Task.objects.count()
            pages = -(-tasks // PAGE_SIZE)
            by_client = clients()
            operations = {
                "page (token)": lambda c=by_client["token"], pages=pages: get(
                    c, "/api/v1/tasks/", {"page": rng.randint(1, pages), "page_size": PAGE_SIZE}
                ),
                "page (public)": lambda c=by_client["public"], pages=pages: get(
                    c, "/api/v1/tasks/", {"page": rng.randint(1, pages), "page_size": PAGE_SIZE}
                ),
                "last page": lambda c=by_client["token"], pages=pages: get(c, "/api/v1/tasks/", {"page": pages, "page_size": PAGE_SIZE}),
            }
            if round_number == 0:
                results[scale] = {"data": {"tasks": tasks, "pages": pages}}
                for name, call in operations.items():
                    call()
                    results[scale][name] = {"queries": measuring.queries_of(call)}
                results[scale]["walk"] = {"queries": measuring.queries_of(lambda c=by_client["token"]: Walker(c).pages(1))}
                walkers[scale] = Walker(by_client["token"])
            for name, call in operations.items():
                times.setdefault((scale, name), []).append(measuring.timed(call, per_round))
            walkers[scale].client = by_client["token"]
            times.setdefault((scale, "walk"), []).append(walkers[scale].pages(-(-min(walk_pages or pages, pages) // rounds)))
    for (scale, name), runs in times.items():
        results[scale][name] = measuring.figures([t for run in runs for t in run], results[scale][name]["queries"], runs)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1", help="a scale or several separated by commas: 1,4,10")
    parser.add_argument("--repeat", type=int, default=100, help="requests per operation and scale")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--walk-pages", type=int, default=0, help="pages walked by following next links (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    databases = {scale: dataset.working_copy(scale, "api", say=say) for scale in measuring.scales(args.scale)}
    measuring.django_setup(next(iter(databases.values())), API_ANON_RATE="1000000/min")
    from django.db import connections

    try:
        measuring.report("api", measure(databases, args.repeat, args.rounds, args.walk_pages), args.json)
    finally:
        connections.close_all()
        for database in databases.values():
            dataset.drop(database)


if __name__ == "__main__":
    main()
