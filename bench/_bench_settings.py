"""Settings for the benchmarks only: the project's settings, plus a bare "ok" view (see
`_bench_urls`) and, on PostgreSQL, a schema of the benchmark's own (`BENCH_PG_SCHEMA`) so that
nothing is left behind. The normal site never loads this module, so the "ok" view exists only
when a benchmark selects it with DJANGO_SETTINGS_MODULE=bench._bench_settings."""

import os

from coop.settings import *  # noqa: F403
from coop.settings import DATABASES

ROOT_URLCONF = "bench._bench_urls"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

_schema = os.environ.get("BENCH_PG_SCHEMA", "")
if _schema and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c search_path={_schema}"
