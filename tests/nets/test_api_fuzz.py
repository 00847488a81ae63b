"""The whole API under schemathesis (tests/nets/fuzz_api.py), from WSGI, as a member and as
the secretary of the demo co-op: no answer may be a 5xx or disagree with the published schema.

Fuzzing writes data, so it runs in a process of its own on a database of its own (a fresh
SQLite file with the demo seeded), with a fixed seed and a time budget per person."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.nets

ROOT = Path(__file__).resolve().parents[2]
BUDGET = int(os.environ.get("FUZZ_SECONDS", "120"))  # per person


def test_the_api_gives_no_5xx_and_no_answer_the_schema_does_not_describe():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.nets.fuzz_api", "--max-time", str(BUDGET)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=BUDGET * 2 + 600)

    print(result.stdout[-3000:])
    assert "requests in" in result.stdout, result.stderr[-3000:]
    assert result.returncode == 0, result.stdout[-20000:]
