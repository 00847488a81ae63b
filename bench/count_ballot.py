"""How long the project takes to count a ballot of 1,000,000 votes, against a bare SQL GROUP BY.

    .venv/bin/python bench/count_ballot.py                       # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_voting \\
        .venv/bin/python bench/count_ballot.py
    .venv/bin/python bench/count_ballot.py --votes 200000 --runs 7

A choice ballot with 4 options and 3 weighted classes; the counted votes (as the opened box
writes them) are loaded straight into the tables (COPY on PostgreSQL, executemany on
SQLite), not through the service. Then, alternately and several times each: the project's
count (`selectors.count_ballot` + `tally.decide`, which also read the ballot's options and
weights) and one hand-written `SELECT ... GROUP BY` over the same marks table. Prints the
medians and their ratio; exits 1 if the project is more than 1.5x the bare query."""

import argparse
import random
import sys
import tempfile
from datetime import timedelta

import _benchlib as lib

TARGET_RATIO = 1.5
CHUNK = 50_000
# Each class leans a different way, so the weighted result differs from the head count.
LEANINGS = [(40, 30, 20, 10), (10, 20, 30, 40), (25, 25, 25, 25)]
CLASS_SHARE = (0.6, 0.25, 0.15)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args(argv)


def make_ballot():
    from django.utils import timezone

    from coop.models import User
    from voting import services

    society = lib.make_society(30)
    officer = User.objects.create(email="secretary@example.org")
    ballot = services.create_ballot(
        society, by=officer, title="Where the surplus goes", summary="Choose one.",
        kind="choice", options=["Garden", "Minibus", "Training", "Hardship fund"],
        allow_vote_changes=True)
    return services.open_ballot(ballot, by=officer, closes_at=timezone.now() + timedelta(days=7))


def random_uuid_hex(rng) -> str:
    """A version 4 UUID as 32 hex digits (both databases accept this form), made far faster
    than a million `uuid.uuid4()` objects would be."""
    bits = rng.getrandbits(128) & ~(0xF000 << 64) & ~(0xC000 << 48)
    return f"{bits | (0x4000 << 64) | (0x8000 << 48):032x}"


def vote_rows(ballot, n: int):
    """(vote row, mark row) pairs for `n` counted votes."""
    options = list(ballot.options.values_list("pk", flat=True))
    classes = list(ballot.class_weights.values_list("member_class_id", flat=True))
    rng = random.Random(4)
    total = n
    class_of = rng.choices(range(3), CLASS_SHARE, k=total)
    picks = [iter(rng.choices(options, LEANINGS[c], k=total)) for c in range(3)]
    for c in class_of:
        vote_id = random_uuid_hex(rng)
        vote = (vote_id, ballot.pk, classes[c], False)
        mark = (random_uuid_hex(rng), vote_id, ballot.pk, classes[c], next(picks[c]), 1, False)
        yield vote, mark


VOTE_COLUMNS = ["id", "ballot_id", "member_class_id", "with_interest"]
MARK_COLUMNS = ["id", "vote_id", "ballot_id", "member_class_id", "option_id", "value",
                "with_interest"]


def columns(model, given: list[str]) -> tuple[str, tuple]:
    """The INSERT column list: those given, then any other column with its default, so that a
    column added to the model later does not break the load."""
    from django.db import connection

    rest = [f for f in model._meta.concrete_fields if f.column not in given]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    return ", ".join([*given, *(f.column for f in rest)]), defaults


def load_votes(ballot, n: int) -> None:
    from django.db import connection, transaction

    from voting.models import Vote, VoteMark

    vote_table, mark_table = Vote._meta.db_table, VoteMark._meta.db_table
    vote_cols, vote_extra = columns(Vote, VOTE_COLUMNS)
    mark_cols, mark_extra = columns(VoteMark, MARK_COLUMNS)
    rows = ((vote + vote_extra, mark + mark_extra) for vote, mark in vote_rows(ballot, n))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pairs = list(rows)
            raw = cursor.cursor
            with raw.copy(f"COPY {vote_table} ({vote_cols}) FROM STDIN") as copy:
                for vote, _ in pairs:
                    copy.write_row(vote)
            with raw.copy(f"COPY {mark_table} ({mark_cols}) FROM STDIN") as copy:
                for _, mark in pairs:
                    copy.write_row(mark)
            return
        # Random UUID keys land all over the indexes: give SQLite room to keep them in memory.
        cursor.execute("PRAGMA cache_size = -400000")
        vote_sql = f"INSERT INTO {vote_table} ({vote_cols}) VALUES ({_marks(vote_cols)})"
        mark_sql = f"INSERT INTO {mark_table} ({mark_cols}) VALUES ({_marks(mark_cols)})"
        votes, marks = [], []
        for vote, mark in rows:
            votes.append(vote)
            marks.append(mark)
            if len(votes) >= CHUNK:
                cursor.executemany(vote_sql, votes)
                cursor.executemany(mark_sql, marks)
                votes, marks = [], []
        if votes:
            cursor.executemany(vote_sql, votes)
            cursor.executemany(mark_sql, marks)


def _marks(cols: str) -> str:
    return ", ".join(["%s"] * len(cols.split(", ")))


def project_count(ballot):
    """The count as the results page makes it: options, weights, one GROUP BY, exact weighing."""
    from voting import selectors, tally

    options = list(ballot.options.all())
    classes = selectors.count_ballot(ballot)
    outcome = tally.decide(classes, [o.pk for o in options], selectors.rules_for(ballot, options))
    return classes, outcome


def bare_count(ballot):
    from django.db import connection

    from voting.models import VoteMark

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT member_class_id, option_id, COUNT(*) FROM {VoteMark._meta.db_table} "
            "WHERE ballot_id = %s GROUP BY member_class_id, option_id", [ballot.pk])
        return cursor.fetchall()


def check_same(ballot, n: int) -> None:
    """Both counts must agree, and count every current vote."""
    classes, outcome = project_count(ballot)
    project = {(c.class_id, o): k for c in classes for o, k in c.counts.items()}
    bare = {(c, o): k for c, o, k in bare_count(ballot)}
    assert project == bare, "the project's count differs from the bare query's"
    assert sum(bare.values()) == n, f"{sum(bare.values())} counted, {n} cast"
    assert sum(outcome.shares.values()) == 1


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        schema = lib.setup_django(tmp)
        from django.db import connection

        from voting import selectors, tally  # noqa: F401  (fail now, not after loading)

        try:
            lib.migrate(schema)
            ballot = make_ballot()
            _, load_s, _ = lib.timed(lambda: load_votes(ballot, args.votes))
            lib.analyse("voting_vote", "voting_votemark")
            check_same(ballot, args.votes)
            bare_count(ballot), project_count(ballot)  # warm the caches alike
            bare, project = [], []
            for _ in range(args.runs):
                bare.append(lib.timed(lambda: bare_count(ballot))[1])
                project.append(lib.timed(lambda: project_count(ballot))[1])
            ok = report(args, connection.vendor, load_s, bare, project)
        finally:
            lib.drop_schema(schema)
    return 0 if ok else 1


def report(args, vendor, load_s, bare, project) -> bool:
    import statistics

    bare_m, project_m = statistics.median(bare), statistics.median(project)
    ratio = project_m / bare_m
    print(f"\nCount a ballot: {args.votes:,} counted votes, "
          f"3 classes, 4 options, on {vendor}; {lib.machine_line()}; loading took "
          f"{load_s:.0f} s; median of {args.runs} runs\n")
    print(lib.table(["count", "median s", "runs s"], [
        ["bare SQL GROUP BY", f"{bare_m:.3f}", " ".join(f"{t:.3f}" for t in bare)],
        ["project (count_ballot + decide)", f"{project_m:.3f}",
         " ".join(f"{t:.3f}" for t in project)],
    ]))
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"\nratio project / bare: {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})\n")
    return ratio <= TARGET_RATIO


if __name__ == "__main__":
    sys.exit(main())
