"""How long opening the box takes: 1,000,000 sealed envelopes opened, mixed, written as counted
votes and counted.

    .venv/bin/python bench/open_box.py                       # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_voting .venv/bin/python bench/open_box.py
    .venv/bin/python bench/open_box.py --envelopes 200000
    .venv/bin/python bench/open_box.py --envelopes 200000 --sealed   # the scrutineer's seal

A choice ballot with 4 options and 3 weighted classes. The envelopes (plus 2% replaced by a
later vote) are sealed with the project's own `envelopes.Box` and loaded straight into the
table (COPY on PostgreSQL, executemany on SQLite), not through the vote service. Then the
ballot is closed and timed: `services.open_box` (read, decrypt, shuffle, write votes, marks
and receipts, destroy the envelopes) and the count (`selectors.count_ballot` +
`tally.decide`). Checks every current vote was counted and no envelope is left; exits 1 if
opening and counting take 60 s or more. With `--sealed` the ballot is under the scrutineer's
seal: every envelope is sealed to its X25519 public key and the box is opened with the
passphrase (`services.open_sealed_box`, the key derivation included in the time)."""

import argparse
import random
import sys
import tempfile
from datetime import timedelta

import _benchlib as lib

TARGET_S = 60.0
LEANINGS = [(40, 30, 20, 10), (10, 20, 30, 40), (25, 25, 25, 25)]
CLASS_SHARE = (0.6, 0.25, 0.15)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envelopes", type=int, default=1_000_000)
    parser.add_argument("--sealed", action="store_true",
                        help="seal the ballot for the scrutineer (a passphrase opens it)")
    return parser.parse_args(argv)


PASSPHRASE = "bench scrutineer passphrase"


def make_ballot(sealed: bool = False):
    from django.utils import timezone

    from coop.models import User
    from voting import services

    society = lib.make_society(30)
    officer = User.objects.create(email="secretary@example.org")
    ballot = services.create_ballot(
        society, by=officer, title="Where the surplus goes", summary="Choose one.",
        kind="choice", options=["Garden", "Minibus", "Training", "Hardship fund"],
        allow_vote_changes=True, scrutineer_seal=sealed)
    if sealed:
        services.set_passphrase(ballot, by=officer, passphrase=PASSPHRASE, again=PASSPHRASE)
    return services.open_ballot(ballot, by=officer, closes_at=timezone.now() + timedelta(days=7))


def load_envelopes(ballot, n: int) -> None:
    """`n` current envelopes and 2% more replaced ones, sealed as casting seals them."""
    import hashlib

    from django.db import transaction

    from voting import envelopes
    from voting.models import Envelope
    from voting.services.box import insert

    box = envelopes.box_for(ballot)
    options = list(ballot.options.values_list("pk", flat=True))
    classes = list(ballot.class_weights.values_list("member_class_id", flat=True))
    rng = random.Random(4)
    total = n + n // 50
    class_of = rng.choices(range(3), CLASS_SHARE, k=total)
    picks = [iter(rng.choices(options, LEANINGS[c], k=total)) for c in range(3)]
    rows = []
    for i, c in enumerate(class_of):
        token = f"{i % n:064x}"
        contents = envelopes.Contents(classes[c], i % 7 == 0,
                                      hashlib.sha256(str(i).encode()).hexdigest(),
                                      {next(picks[c]): 1})
        rows.append((f"{rng.getrandbits(128):032x}", ballot.pk, token, i >= total - n,
                     box.seal(contents, token)))
    with transaction.atomic():
        insert(Envelope, ["id", "ballot_id", "voter_token", "current", "sealed"], rows)


def count(ballot):
    from voting import selectors, tally

    options = list(ballot.options.all())
    classes = selectors.count_ballot(ballot)
    return classes, tally.decide(classes, [o.pk for o in options],
                                 selectors.rules_for(ballot, options))


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        schema = lib.setup_django(tmp)
        from django.db import connection
        from django.utils import timezone

        from voting import services
        from voting.models import Ballot, Envelope

        try:
            lib.migrate(schema)
            ballot = make_ballot(args.sealed)
            _, load_s, _ = lib.timed(lambda: load_envelopes(ballot, args.envelopes))
            lib.analyse("voting_envelope")
            Ballot.objects.filter(pk=ballot.pk).update(closed_at=timezone.now())
            server_before = lib.server_cpu()
            opened, open_s, open_cpu = lib.timed(
                (lambda: services.open_sealed_box(ballot, by=None, passphrase=PASSPHRASE))
                if args.sealed else (lambda: services.open_box(ballot)))
            server_open = lib.server_cpu()
            (classes, outcome), count_s, count_cpu = lib.timed(lambda: count(ballot))
            server_after = lib.server_cpu()
            counted = sum(sum(c.counts.values()) for c in classes)
            assert opened == args.envelopes + args.envelopes // 50, opened
            assert counted == args.envelopes, f"{counted} counted, {args.envelopes} cast"
            assert not Envelope.objects.exists()
            assert sum(outcome.shares.values()) == 1
            total = open_s + count_s
            print(f"\nOpen the box: {args.envelopes:,} current envelopes "
                  f"(+{args.envelopes // 50:,} replaced), 3 classes, 4 options"
                  f"{', sealed for the scrutineer' if args.sealed else ''}, on "
                  f"{connection.vendor}; {lib.machine_line()}; sealing and loading took "
                  f"{load_s:.0f} s\n")
            server = ("-", "-", "-") if server_before is None else (
                f"{server_open - server_before:.1f}", f"{server_after - server_open:.2f}",
                f"{server_after - server_before:.1f}")
            print(lib.table(["step", "wall s", "CPU s", "DB server CPU s"], [
                ["open the box (decrypt, mix, write, destroy)", f"{open_s:.1f}",
                 f"{open_cpu:.1f}", server[0]],
                ["count (GROUP BY + decide)", f"{count_s:.2f}", f"{count_cpu:.2f}",
                 server[1]],
                ["total", f"{total:.1f}", f"{open_cpu + count_cpu:.1f}", server[2]],
            ]))
            verdict = "met" if total < TARGET_S else "MISSED"
            print(f"\ntarget: under {TARGET_S:.0f} s: {verdict}\n")
        finally:
            lib.drop_schema(schema)
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
