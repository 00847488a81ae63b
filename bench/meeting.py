"""How long the heavy steps of a large general meeting take: sending notice to every member
(a delivery record each, the email queued as one task row), and at the meeting working out the
quorum, who votes on an item, and opening the vote (freezing the room's roll and casting the
directed proxy votes), then counting it.

    .venv/bin/python bench/meeting.py                           # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_meeting .venv/bin/python bench/meeting.py
    .venv/bin/python bench/meeting.py --members 5000 --present 500 --proxies 100

Attendance and proxies are written in bulk as set-up (not timed): `--present` members
checked in (1 in 10 voting by hand) and `--proxies` absent members who appointed a present
member (half of them directed). Exits 1 if sending notice or opening the vote takes 10 s or
more."""

import argparse
import sys
import tempfile
from datetime import timedelta

import _benchlib as lib

TARGET_S = 10.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--present", type=int, default=2_000)
    parser.add_argument("--proxies", type=int, default=500)
    return parser.parse_args(argv)


def call_meeting(society, officer):
    from django.utils import timezone

    from meetings import services

    meeting = services.create_meeting(society, by=officer, kind="agm", place="The big hall",
                                      starts_at=timezone.now() + timedelta(days=20))
    item = services.add_item(meeting, by=officer, title="Change the rules",
                             description="That the rules are changed.",
                             resolution_kind="special")
    return meeting, item


def fill_the_room(meeting, item, present: int, proxies: int):
    """Check in `present` members and give `proxies` absent ones a proxy held by someone
    present (every other one directed "for"), in bulk."""
    from django.utils import timezone

    from meetings.models import Attendance, Meeting, Proxy, ProxyInstruction
    from membership.models import Member

    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    voters = list(Member.objects.filter(society=meeting.society, ceased_on__isnull=True,
                                        member_class__votes=True).order_by("pk")
                  .values_list("pk", flat=True)[:present + proxies])
    here, away = voters[:present], voters[present:]
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member_id=pk,
                                               votes_by_hand=i % 10 == 0)
                                    for i, pk in enumerate(here)], batch_size=5000)
    holders = [pk for i, pk in enumerate(here) if i % 10]  # device voters hold them
    made = Proxy.objects.bulk_create([Proxy(meeting=meeting, appointer_id=pk,
                                            holder_id=holders[i % len(holders)])
                                      for i, pk in enumerate(away)], batch_size=5000)
    ProxyInstruction.objects.bulk_create([ProxyInstruction(proxy=p, item=item, direction="for")
                                          for p in made[::2]])


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        schema = lib.setup_django(tmp)
        from django.db import connection

        try:
            lib.migrate(schema)
            society, setup_s, _ = lib.timed(lambda: lib.make_society(args.members))
            from coop.models import User
            from meetings import selectors, services
            from meetings.models import NoticeDelivery
            from voting.selectors import results

            officer = User.objects.create(email="secretary@example.org")
            lib.analyse("membership_member", "membership_memberclass")
            meeting, item = call_meeting(society, officer)
            figures = {}
            members, figures["notice"], _ = lib.timed(
                lambda: services.send_notice(meeting, by=officer))
            deliveries = NoticeDelivery.objects.filter(meeting=meeting).count()
            fill_the_room(meeting, item, args.present, args.proxies)
            services.start_meeting(meeting, by=officer)
            quorum, figures["quorum"], _ = lib.timed(lambda: selectors.quorum(meeting))
            room, figures["room"], _ = lib.timed(lambda: selectors.room(item))
            ballot, figures["open"], _ = lib.timed(
                lambda: services.open_item_vote(item, by=officer))
            counted, figures["results"], _ = lib.timed(lambda: results(ballot))
            ok = report(args, connection.vendor, setup_s, members, deliveries, quorum, room,
                        counted, figures)
        finally:
            lib.drop_schema(schema)
    return 0 if ok else 1


def report(args, vendor, setup_s, members, deliveries, quorum, room, counted, figures):
    print(f"\nA general meeting of a {args.members:,}-member society on {vendor}; "
          f"{lib.machine_line()}; set-up took {setup_s:.0f} s\n")
    ok = figures["notice"] < TARGET_S and figures["open"] < TARGET_S
    target = f"< {TARGET_S:.0f} s "
    rows = [
        ["send_notice", f"{members:,} members, {deliveries:,} delivery records",
         figures["notice"], target + ("met" if figures["notice"] < TARGET_S else "MISSED")],
        ["quorum", f"{quorum.present:,} present + {quorum.proxies:,} by proxy "
                   f"(needs {quorum.required:,})", figures["quorum"], ""],
        ["room", f"{len(room.on_roll):,} on the roll, {len(room.by_hand):,} by hand, "
                 f"{len(room.directed):,} directed", figures["room"], ""],
        ["open_item_vote", "freeze the roll, cast the directed proxy votes",
         figures["open"], target + ("met" if figures["open"] < TARGET_S else "MISSED")],
        ["results", f"{counted.voted:,} counted of {counted.on_roll:,}", figures["results"],
         ""],
    ]
    print(lib.table(["step", "what", "s", "target"],
                    [[a, b, f"{c:.3f}", d] for a, b, c, d in rows]))
    print()
    return ok


if __name__ == "__main__":
    sys.exit(main())
