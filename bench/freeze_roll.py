"""How long opening a ballot takes for a 100,000-member society (freezing its roll).

    .venv/bin/python bench/freeze_roll.py                        # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_voting \\
        .venv/bin/python bench/freeze_roll.py
    .venv/bin/python bench/freeze_roll.py --members 20000 --runs 5

Each run drafts a class-share ballot and opens it with `services.open_ballot`, which freezes the
roll (one INSERT ... SELECT), issues paper ballots to the members who take post (1 in 9) and
queues the announcement (with the database task backend, as in production: a row, not 100,000
emails). `freeze_roll` is also timed on its own, and as a baseline, in the same run, the bare
SELECT COUNT(*) of the members the roll takes. Exits 1 if opening takes 5 s or more."""

import argparse
import statistics
import sys
import tempfile
from datetime import timedelta

import _benchlib as lib

TARGET_S = 5.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args(argv)


def draft(society, officer, n: int):
    from voting import services

    return services.create_ballot(society, by=officer, title=f"Resolution {n}",
                                  summary="Shall we adopt the new rules?")


def open_one(society, officer, n: int):
    from django.utils import timezone

    from voting import services

    ballot = draft(society, officer, n)
    return services.open_ballot(ballot, by=officer, closes_at=timezone.now() + timedelta(days=7))


def freeze_only(society, officer, n: int) -> int:
    """`freeze_roll` alone, on a draft given a record date, inside one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from voting import services

    ballot = draft(society, officer, n)
    ballot.record_date = timezone.localdate()
    with transaction.atomic():
        return services.freeze_roll(ballot)


def bare_select(society) -> int:
    """The read the roll needs, without the write: eligible members on the record date."""
    from django.db import connection
    from django.utils import timezone

    from membership.models import Member, MemberClass

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Member._meta.db_table} m "
            f"JOIN {MemberClass._meta.db_table} c ON c.id = m.member_class_id "
            "WHERE m.society_id = %s AND c.votes = %s AND m.admitted_on <= %s "
            "AND (m.ceased_on IS NULL OR m.ceased_on > %s)",
            [society.pk, True, today, today])
        return cursor.fetchone()[0]


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        schema = lib.setup_django(tmp)
        from django.db import connection

        try:
            lib.migrate(schema)
            society, setup_s, _ = lib.timed(lambda: lib.make_society(args.members))
            from coop.models import User
            from voting.models import BallotPaper, RollEntry

            officer = User.objects.create(email="secretary@example.org")
            lib.analyse("membership_member", "membership_memberclass")
            eligible = bare_select(society)
            figures = {"bare": [], "freeze": [], "open": []}
            for run in range(args.runs):
                figures["bare"].append(lib.timed(lambda: bare_select(society))[1])
                rows, wall, _ = lib.timed(lambda n=2 * run: freeze_only(society, officer, n))
                assert rows == eligible, f"froze {rows}, expected {eligible}"
                figures["freeze"].append(wall)
                ballot, wall, _ = lib.timed(lambda n=2 * run + 1: open_one(society, officer, n))
                assert RollEntry.objects.filter(ballot=ballot).count() == eligible
                figures["open"].append(wall)
            papers = BallotPaper.objects.filter(ballot=ballot).count()
            ok = report(args, connection.vendor, setup_s, eligible, papers, figures)
        finally:
            lib.drop_schema(schema)
    return 0 if ok else 1


def report(args, vendor, setup_s, eligible, papers, figures) -> bool:
    medians = {k: statistics.median(v) for k, v in figures.items()}
    print(f"\nFreeze the roll: {args.members:,} members ({eligible:,} eligible, {papers:,} "
          f"paper ballots) on {vendor}; {lib.machine_line()}; set-up took {setup_s:.0f} s; "
          f"median of {args.runs} runs\n")
    labels = {"bare": "bare SELECT COUNT(*) of eligible members",
              "freeze": "services.freeze_roll alone",
              "open": "services.open_ballot (freeze + papers + queue)"}
    ok = medians["open"] < TARGET_S
    print(lib.table(["step", "median s", "runs s", "target"], [
        [labels[k], f"{medians[k]:.3f}", " ".join(f"{t:.3f}" for t in figures[k]),
         (f"< {TARGET_S:.0f} s " + ("met" if ok else "MISSED")) if k == "open" else ""]
        for k in ("bare", "freeze", "open")]))
    print(f"\nopen_ballot / bare select: {medians['open'] / medians['bare']:.1f}x\n")
    return ok


if __name__ == "__main__":
    sys.exit(main())
