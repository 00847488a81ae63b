"""How long a message to a large co-op takes: queueing it to every member (working out who
gets it and how, and writing a delivery record per copy, in one transaction), then sending the
emails through a local SMTP server (aiosmtpd, in this process) in batches over one connection.

    .venv/bin/python bench/messages.py                          # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_msg .venv/bin/python bench/messages.py
    .venv/bin/python bench/messages.py --members 10000 --send 1000

Sending is timed over the first `--send` emails and given per 1,000. Exits 1 if queueing takes
30 s or more."""

import argparse
import asyncio
import socket
import sys
import tempfile

import _benchlib as lib

TARGET_S = 30.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=2_000)
    return parser.parse_args(argv)


class Sink:
    """An SMTP server that accepts everything and counts it."""

    received = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.received += 1
        return "250 OK"


def smtp_server():
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per connection otherwise

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port,
                            loop=asyncio.new_event_loop())
    controller.start()
    return controller


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        schema = lib.setup_django(tmp)
        from django.conf import settings
        from django.db import connection

        from communications import sending, services
        from communications.models import Delivery
        from coop.models import User

        try:
            lib.migrate(schema)
            society, setup_s, _ = lib.timed(lambda: lib.make_society(args.members))
            lib.analyse("membership_member")
            officer = User.objects.create(email="secretary@example.org", password="!")
            message = services.create_draft(
                society, by=officer, kind="notice", subject="Annual report",
                body="# Our year\n\n- more hours of support\n- a new office", audience="all")
            copies, queue_s, queue_cpu = lib.timed(
                lambda: services.send_now(message, by=officer))
            controller = smtp_server()
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
            sent, send_s, send_cpu = lib.timed(
                lambda: sending.send_email(message.pk, limit=args.send))
            controller.stop()
            letters = Delivery.objects.filter(message=message, method="post").count()
            vendor = connection.vendor
        finally:
            lib.drop_schema(schema)

    print(f"\nA statutory notice to a {args.members:,}-member society on {vendor}; "
          f"{lib.machine_line()}; set-up took {setup_s:.0f} s\n")
    per_1000 = send_s / max(sent, 1) * 1000
    print(lib.table(["step", "what", "s", "target"], [
        ["queue", f"{copies:,} copies ({copies - letters:,} emails, {letters:,} letters)",
         f"{queue_s:.1f} (CPU {queue_cpu:.1f})", f"< {TARGET_S:.0f}"],
        ["send", f"{sent:,} emails through local SMTP ({Sink.received:,} received)",
         f"{send_s:.1f} (CPU {send_cpu:.1f})", ""],
        ["send per 1,000", "", f"{per_1000:.1f}", ""],
    ]))
    print()
    return 0 if queue_s < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
