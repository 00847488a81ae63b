"""The pages members open most, one client at a time: the home page and the ballot list of a
signed-in member, and the results page of a certified ballot of 1,000,000 votes, beside the
bare "ok" view measured in the same run.

    .venv/bin/python bench/pages.py                              # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_voting .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --votes 200000 --requests 100

Requests go through the whole site (every middleware, a real session) with Django's test
client in this process, so the figures are the server's own time without a network. The votes
are loaded as `count_ballot.py` loads them; the ballot is then closed and certified through
the services (which count it once). Prints p50/p95 (wall), the median CPU time of this
process (what a page costs when other work shares the cores) and the queries of each page;
exits 1 if the results page's p95 is 100 ms or more."""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta

import _benchlib as lib
import count_ballot

TARGET_RESULTS_P95_MS = 100.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    return parser.parse_args(argv)


def prepare(votes: int):
    """A certified ballot with `votes` votes, 4 more open ballots, and a member and a
    scrutineer of its society."""
    from django.utils import timezone

    from coop.models import Officer
    from membership.models import Member
    from voting import services

    ballot = count_ballot.make_ballot()
    count_ballot.load_votes(ballot, votes)
    lib.analyse("voting_vote", "voting_votemark")
    secretary = ballot.created_by
    Officer.objects.create(society=ballot.society, user=secretary, role="secretary",
                           started_on=timezone.localdate())
    scrutineer = Member.objects.filter(society=ballot.society).first().user
    Officer.objects.create(society=ballot.society, user=scrutineer, role="scrutineer",
                           started_on=timezone.localdate())
    services.close_ballot(ballot, by=secretary, reason="Benchmark.")
    _, certify_s, _ = lib.timed(lambda: services.certify_ballot(ballot, by=scrutineer))
    services.publish_ballot(ballot, by=secretary)
    for i in range(4):
        other = services.create_ballot(ballot.society, by=secretary, title=f"Question {i}",
                                       summary="Choose one.", kind="choice",
                                       options=["Yes", "No"])
        services.open_ballot(other, by=secretary,
                             closes_at=timezone.now() + timedelta(days=7))
    member = Member.objects.filter(society=ballot.society, ceased_on__isnull=True,
                                   member_class__votes=True).last()
    return ballot, member.user, certify_s


def measure(client, path: str, n: int) -> dict:
    from django.db import connection

    response = client.get(path)  # warm: session, roles, caches
    assert response.status_code == 200, (path, response.status_code)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: (queries.append(sql),
                                                                 execute(sql, *rest))[1]):
        client.get(path)
    times, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
            "cpu": statistics.median(cpu), "queries": len(queries),
            "bytes": len(response.content)}


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        schema = lib.setup_django(tmp)
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        try:
            lib.migrate(schema)
            (ballot, user, certify_s), setup_s, _ = lib.timed(lambda: prepare(args.votes))
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            slug = ballot.society.slug
            pages = [("bare view GET /bench/ok/", "/bench/ok/"),
                     ("home page (signed in)", reverse("home")),
                     ("ballot list", reverse("ballot_list", args=[slug])),
                     (f"results, certified, {args.votes:,} votes",
                      reverse("ballot_results", args=[slug, ballot.pk]))]
            figures = [(label, measure(client, path, args.requests)) for label, path in pages]
            ok = report(args, connection.vendor, setup_s, certify_s, figures)
        finally:
            lib.drop_schema(schema)
    return 0 if ok else 1


def report(args, vendor, setup_s, certify_s, figures) -> bool:
    print(f"\nPages, one client, {args.requests} requests each, on {vendor}; "
          f"{lib.machine_line()}; prepared in {setup_s:.0f} s (certifying, which counts the "
          f"ballot once, {certify_s:.2f} s)\n")
    bare = figures[0][1]["p50"]
    rows = [[label, f"{f['p50']:.1f}", f"{f['p95']:.1f}", f"{f['cpu']:.1f}",
             f"{f['p50'] / bare:.0f}x", f["queries"], f"{f['bytes']:,}"] for label, f in figures]
    print(lib.table(["page", "p50 ms", "p95 ms", "CPU p50 ms", "p50 / bare", "queries",
                     "bytes"], rows))
    p95 = figures[-1][1]["p95"]
    met = p95 < TARGET_RESULTS_P95_MS
    print(f"\n- results page p95 {p95:.1f} ms (target < {TARGET_RESULTS_P95_MS:.0f} ms: "
          f"{'met' if met else 'MISSED'})\n")
    return met


if __name__ == "__main__":
    sys.exit(main())
