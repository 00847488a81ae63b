"""What the voting benchmarks share: pointing Django at a throwaway database, making a large
society quickly, timing, and printing a table.

`DATABASE_URL` selects the database; without it, a SQLite file in a temporary directory. On
PostgreSQL each run works in a schema of its own (`bench_<random>`) inside that database,
dropped at the end, so nothing is left behind. Settings are `bench._bench_settings` (the
project's settings plus a bare "ok" view for the HTTP benchmark)."""

import os
import secrets
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench._bench_settings"


def is_postgres_url(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def setup_django(tmp: str) -> str | None:
    """Configure and start Django. Returns the PostgreSQL schema in use, if any. The
    environment is set so that a server started from here (gunicorn) sees the same database."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The production default: background work is queued as rows, not run in-process.
    os.environ.setdefault("TASK_BACKEND", "database")
    schema = None
    if is_postgres_url(os.environ["DATABASE_URL"]):
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        os.environ["BENCH_PG_SCHEMA"] = schema
    import django

    django.setup()
    return schema


def migrate(schema: str | None) -> None:
    from django.core.management import call_command
    from django.db import connection

    if schema:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate", verbosity=0, interactive=False)


def drop_schema(schema: str | None) -> None:
    from django.db import connection

    if schema:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    connection.close()


def analyse(*tables: str) -> None:
    """Fresh planner statistics (and, on PostgreSQL, the visibility map that index-only scans
    need), as autovacuum would give a table loaded long before it is counted."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        else:
            cursor.execute("ANALYZE")


def make_society(n: int, *, slug: str = "bench", with_tokens: bool = False):
    """A society of `n` members across its three voting classes, plus non-voting supporters
    (1 in 20), some former members (1 in 25) and some who take post (1 in 9), made with
    bulk_create. With `with_tokens`, returns {member id: API token key} as well."""
    from django.db import transaction

    from coop.api_auth import hash_key
    from coop.models import ApiToken, Society, User
    from coop.services import create_society
    from membership.enums import CessationReason
    from membership.models import Member, MemberClass

    with transaction.atomic():
        society = create_society(name="Bench Co-op", slug=slug)
        classes = list(society.member_classes.order_by("position"))
        supporters = MemberClass.objects.create(society=society, name="Supporters",
                                                votes=False, weight=0, position=9)
        users = User.objects.bulk_create(
            [User(email=f"member{i}@example.org", password="!") for i in range(1, n + 1)],
            batch_size=5000)
        start = date(2015, 1, 1)
        members = []
        for i, user in enumerate(users, start=1):
            admitted = start + timedelta(days=i * 3000 // n)
            ceased = admitted + timedelta(days=30) if i % 25 == 0 else None
            members.append(Member(
                society=society, user=user, membership_number=i,
                member_class=supporters if i % 20 == 0 else classes[i % 3],
                full_name=f"Member {i}", address=f"{i} High Street", postcode="S1 2AB",
                email=user.email, contact_by_email=i % 9 != 0, contact_by_post=i % 9 == 0,
                admitted_on=admitted, ceased_on=ceased,
                cessation_reason=CessationReason.RESIGNED if ceased else ""))
        Member.objects.bulk_create(members, batch_size=5000)
        Society.objects.filter(pk=society.pk).update(last_membership_number=n)
        keys = {}
        if with_tokens:
            tokens = []
            for user in users:
                key = secrets.token_urlsafe(30)
                keys[user.pk] = key
                tokens.append(ApiToken(user=user, name="bench", prefix=key[:8],
                                       key_hash=hash_key(key)))
            ApiToken.objects.bulk_create(tokens, batch_size=5000)
            keys = {m.pk: keys[m.user_id] for m in members}
    society.refresh_from_db()
    return (society, keys) if with_tokens else society


def timed(fn):
    """(result, wall seconds, CPU seconds of this process). On a shared machine the CPU
    figure shows what the code costs when other work competes for the cores."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, read from /proc when
    the server runs on this machine (None elsewhere, and on SQLite, which runs in-process).
    Work the server does in other processes (WAL writer, checkpointer) is not included."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median_of(fn, runs: int) -> tuple[float, list[float]]:
    walls = [timed(fn)[1] for _ in range(runs)]
    return statistics.median(walls), walls


def machine_line() -> str:
    return f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"


def table(header: list[str], rows: list[list]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    line = "| " + " | ".join(f"{h:<{w}}" for h, w in zip(header, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(f"{str(c):<{w}}" if i == 0 else f"{str(c):>{w}}"
                              for i, (c, w) in enumerate(zip(row, widths, strict=True)))
            + " |" for row in rows]
    return "\n".join([line, rule, *body])
