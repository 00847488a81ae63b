"""How long reducing a 100,000-member marked roll to counts takes (voting/marked_roll.py).

    .venv/bin/python bench/reduce_roll.py                        # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_voting \\
        .venv/bin/python bench/reduce_roll.py
    .venv/bin/python bench/reduce_roll.py --members 20000 --runs 5

Each run opens a ballot (freezing the roll), marks every other member as having voted with one
UPDATE, stamps the ballot closed, certified and published 60 days ago, and times
`marked_roll.reduce_marked_roll`: the counts by class (GROUP BY), the paper records deleted,
every has-voted flag rewritten (one UPDATE) and the audit entry. The retention run does this
once a day per ballot due, in the background. Exits 1 if a reduction takes 10 s or more."""

import argparse
import statistics
import sys
import tempfile
from datetime import timedelta

import _benchlib as lib

TARGET_S = 10.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args(argv)


def published_ballot(society, officer, n: int):
    """An opened ballot whose roll has every other member marked as voted, published 60 days
    ago (set directly: the bench times the reduction, not voting)."""
    from django.db.models import F
    from django.utils import timezone

    from voting import services
    from voting.models import Ballot, RollEntry

    ballot = services.create_ballot(society, by=officer, title=f"Resolution {n}",
                                    summary="Shall we adopt the new rules?")
    ballot = services.open_ballot(ballot, by=officer, closes_at=timezone.now() + timedelta(days=7))
    RollEntry.objects.filter(ballot=ballot).annotate(odd=F("id") % 2).filter(odd=1).update(
        has_voted=True)
    then = timezone.now() - timedelta(days=60)
    Ballot.objects.filter(pk=ballot.pk).update(closed_at=then, certified_at=then,
                                               published_at=then)
    return Ballot.objects.get(pk=ballot.pk)


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        schema = lib.setup_django(tmp)
        from django.db import connection

        try:
            lib.migrate(schema)
            society, setup_s, _ = lib.timed(lambda: lib.make_society(args.members))
            from coop.models import User
            from voting import marked_roll
            from voting.models import RollCount, RollEntry

            officer = User.objects.create(email="secretary@example.org")
            walls, on_roll = [], 0
            for run in range(args.runs):
                ballot = published_ballot(society, officer, run)
                lib.analyse("voting_rollentry")
                on_roll = RollEntry.objects.filter(ballot=ballot).count()
                counts, wall, _ = lib.timed(lambda b=ballot: marked_roll.reduce_marked_roll(b))
                assert sum(c.on_roll + c.recused for c in counts) == on_roll
                assert not RollEntry.objects.filter(ballot=ballot, has_voted=True).exists()
                assert RollCount.objects.filter(ballot=ballot).count() == len(counts)
                walls.append(wall)
            ok = report(args, connection.vendor, setup_s, on_roll, walls)
        finally:
            lib.drop_schema(schema)
    return 0 if ok else 1


def report(args, vendor, setup_s, on_roll, walls) -> bool:
    median = statistics.median(walls)
    ok = median < TARGET_S
    print(f"\nReduce a marked roll: {on_roll:,} on the roll, half voted, on {vendor}; "
          f"{lib.machine_line()}; set-up took {setup_s:.0f} s; median of {args.runs} runs\n")
    print(lib.table(["step", "median s", "runs s", "target"], [[
        "marked_roll.reduce_marked_roll", f"{median:.3f}", " ".join(f"{t:.3f}" for t in walls),
        f"< {TARGET_S:.0f} s " + ("met" if ok else "MISSED")]]))
    print(f"\nper 1,000 roll entries: {1000 * median / max(on_roll, 1):.4f} s\n")
    return ok


if __name__ == "__main__":
    sys.exit(main())
