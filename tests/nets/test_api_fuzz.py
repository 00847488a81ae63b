"""The whole API under schemathesis, from WSGI, as a member and as the secretary of the demo
co-op: no answer may be a 5xx or disagree with the published schema.

Fuzzing writes data, so it runs on the test database with the demo seeded once for the module
(inside a transaction rolled back at the end). A fixed seed and a small number of examples per
operation keep it repeatable and inside its budget (`FUZZ_EXAMPLES` raises it locally)."""

import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from coop import demo
from coop.api_auth import create_token
from coop.models import User

pytestmark = pytest.mark.nets

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
SEED = 14


def run_schemathesis(key: str, slug: str) -> list[str]:
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "headers": {"Authorization": f"Token {key}"},
        "checks": {"enabled": False, "not_a_server_error": {"enabled": True},
                   "response_schema_conformance": {"enabled": True}},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
        "generation": {"max-examples": EXAMPLES},
        "parameters": {"path.slug": slug},
    })
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(),
                                            config=config)
    problems = []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        problems.append(f"{event.recorder.label}: {failure.title}: "
                                        f"{failure.message[:300]}\n"
                                        f"{check.failure_info.code_sample[:600]}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            problems.append(f"error: {event}")
    return problems


def test_api_answers_without_server_errors_or_schema_violations(transactional_db, settings):
    """schemathesis calls the app from threads of its own, so the demo is committed (and the
    database emptied afterwards) rather than kept inside the test's transaction."""
    settings.PASSWORD_HASHERS = FAST_HASHER
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    problems = []
    for email in ("user@demo.coop", "secretary@demo.coop"):
        _, key = create_token(User.objects.get(email=email), "fuzz")
        problems += [f"as {email}: {p}" for p in run_schemathesis(key, demo.DEMO_SLUG)]
    assert not problems, "\n\n".join(problems)
