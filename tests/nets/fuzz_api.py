"""Run schemathesis over the whole API, from WSGI, on a database of its own (fuzzing writes):
a fresh SQLite file, migrated, with the demo seeded, as a member and as the secretary.

    python -m tests.nets.fuzz_api [--examples N] [--seed N] [--max-time SECONDS]

Prints each 5xx or schema violation with a curl line to reproduce it, and a summary; exits 1
if there were any. tests/nets/test_api_fuzz.py runs it in CI."""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

CHECKS = ("not_a_server_error", "response_schema_conformance")
LOGINS = ("user@demo.coop", "secretary@demo.coop")


def configure(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
    os.environ["TASK_BACKEND"] = "immediate"
    os.environ["RATE_LIMITS_DISABLED"] = "true"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["API_THROTTLES_DISABLED"] = "true"
    os.environ["LOG_LEVEL"] = "ERROR"  # 4xx answers are expected by the hundred
    os.environ["MEDIA_ROOT"] = str(database.parent / "media")
    import django

    django.setup()


def seed() -> None:
    from django.core.management import call_command
    from django.test.utils import override_settings

    with open(os.devnull, "w") as quiet, override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("migrate", verbosity=0, stdout=quiet)
        call_command("seed_demo", stdout=quiet)


def fuzz(email: str, *, examples: int, seed: int, max_time: int) -> tuple[list[str], int]:
    """(problems, how many requests were sent) for one signed-in person."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import events

    from coop import demo
    from coop.api_auth import create_token
    from coop.models import User

    _, key = create_token(User.objects.get(email=email), "fuzzing")
    config = SchemathesisConfig.from_dict({
        "seed": seed,
        "max-time": max_time,
        "headers": {"Authorization": f"Token {key}"},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
        "generation": {"max-examples": examples},
        "parameters": {"path.slug": demo.DEMO_SLUG},
    })
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(),
                                            config=config)
    problems, requests = [], 0
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.interactions)
            for checks in event.recorder.checks.values():
                problems += [describe(event.recorder.label, check.failure_info)
                             for check in checks if check.failure_info is not None]
        elif isinstance(event, events.NonFatalError | events.FatalError):
            problems.append(f"schemathesis could not run: {event}")
        elif isinstance(event, events.EngineFinished) and event.stop_reason == "max_time":
            print(f"note: the budget of {max_time} s ran out before every operation was "
                  "tried as often as asked", flush=True)
    unique = {problem.splitlines()[0]: problem for problem in problems}  # one per kind
    return list(unique.values()), requests


def describe(label: str, info) -> str:
    failure = info.failure
    return (f"{label}: {failure.title}\n  {failure.message.strip()[:500]}\n"
            f"  {info.code_sample.strip()[:800]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5, help="examples per operation")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--max-time", type=int, default=120, help="seconds per person")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coop-fuzz-") as folder:
        started = time.monotonic()
        configure(Path(folder) / "fuzz.sqlite3")
        seed()
        print(f"demo seeded in {time.monotonic() - started:.1f} s", flush=True)
        found = 0
        for email in LOGINS:
            began = time.monotonic()
            problems, requests = fuzz(email, examples=args.examples, seed=args.seed,
                                      max_time=args.max_time)
            found += len(problems)
            for problem in problems:
                print(f"as {email}: {problem}\n", flush=True)
            print(f"as {email}: {requests} requests in {time.monotonic() - began:.1f} s, "
                  f"{len(problems)} problems", flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
