"""Settings for coop. Every value comes from an environment variable with a safe default;
each one is listed in the README's configuration table."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The "django-insecure-" prefix makes `check --deploy` warn (security.W009) if it is left unset.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-development-key-change-me-" + "x" * 30)
# The key that turns a (ballot, member) pair into an anonymous voter token. Kept outside the
# database so that reading the database alone cannot tie a vote to a member.
VOTE_KEY = os.environ.get("VOTE_KEY", SECRET_KEY)
# Key for care data encrypted at rest (access needs); like VOTE_KEY it lives outside the database.
FIELD_KEY = os.environ.get("FIELD_KEY", SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "coop",
    "membership",
    "voting",
    "surplus",
    "meetings",
    "communications",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "coop.urls"
WSGI_APPLICATION = "coop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "coop.context_processors.navigation",
            ],
        },
    },
]

# Every form, ours and allauth's, links hints and errors by the shared field template's ids.
FORM_RENDERER = "coop.form_renderer.HouseRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file. A
    # connection is kept for CONN_MAX_AGE seconds, as on PostgreSQL: opening the file and
    # running the pragmas on every request cut the votes a server takes by half
    # (bench/cast_votes_http.py). The development server's thread per request keeps none.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip (coop/postgresql).
    DATABASES["default"]["ENGINE"] = "coop.postgresql"
    # Parameters bound by the server, and a statement run five times on a connection kept
    # as a prepared statement: PostgreSQL then skips parsing and planning the statements
    # every vote runs, which took a quarter more votes a second (bench/cast_votes_http.py).
    # PREPARED_STATEMENTS=0 turns both off, e.g. behind a pooler in transaction mode.
    if env_bool("PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# dumpdata's JSON keeps microseconds (older audit entries' hashes cover them).
SERIALIZATION_MODULES = {"json": "coop.json_serializer"}

AUTH_USER_MODEL = "coop.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email only, verified, sign in by a code sent by email; a password is optional.
ACCOUNT_ADAPTER = "coop.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_FORMS = {
    "signup": "coop.account_forms.SignupForm",
    "login": "coop.account_forms.LoginForm",
    "request_login_code": "coop.account_forms.RequestLoginCodeForm",
    "confirm_login_code": "coop.account_forms.ConfirmLoginCodeForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
# "key" for failed sign-ins is the account and the address together (coop/adapters.py).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_RATE_LIMITS_DISABLED = env_bool("RATE_LIMITS_DISABLED", False)
if ACCOUNT_RATE_LIMITS_DISABLED:
    ACCOUNT_RATE_LIMITS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "coop")

# Cache: local memory by default; Redis when REDIS_URL is set (needed for rate limits to be
# shared between several web processes).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work through django.tasks: "database" (default, django-tasks-db with its
# db_worker), "redis" (django-tasks-rq, needs REDIS_URL) or "immediate" (runs in-process; tests).
TASK_BACKEND = os.environ.get("TASK_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
if TASK_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    # django-tasks-rq's job class knows how to run a Task; rq's own would call it directly.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "coop <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Sending through a provider with django-anymail (see README, "Messages to members"): set
# EMAIL_BACKEND=anymail.backends.mailgun.EmailBackend and these. The webhook signing key checks
# the bounce and complaint events Mailgun posts to /anymail/mailgun/tracking/.
ANYMAIL = {
    "MAILGUN_API_KEY": os.environ.get("MAILGUN_API_KEY", ""),
    "MAILGUN_SENDER_DOMAIN": os.environ.get("MAILGUN_SENDER_DOMAIN", ""),
    "MAILGUN_API_URL": os.environ.get("MAILGUN_API_URL", "https://api.eu.mailgun.net/v3"),
    "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("MAILGUN_WEBHOOK_SIGNING_KEY", ""),
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on each request otherwise
except OSError:
    pass
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (a year's accounts) are private: no URL serves MEDIA_ROOT; views that check
# permission stream them through the storage API. Back MEDIA_ROOT up with the database.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"  # never routed; the storage API wants one
# Several web servers need one store: S3-compatible object storage (pip install ".[s3]"),
# when MEDIA_S3_BUCKET is set, with the usual AWS_* credentials in the environment.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
DEFAULT_STORAGE = (
    {"BACKEND": "storages.backends.s3.S3Storage",
     "OPTIONS": {"bucket_name": MEDIA_S3_BUCKET,
                 "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
                 "region_name": os.environ.get("MEDIA_S3_REGION") or None,
                 "location": os.environ.get("MEDIA_S3_PREFIX", ""),
                 "default_acl": "private", "querystring_auth": True, "file_overwrite": False}}
    if MEDIA_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage",
          "OPTIONS": {"location": MEDIA_ROOT, "file_permissions_mode": 0o640,
                      "directory_permissions_mode": 0o750}}
)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Production sets STATIC_MANIFEST=true and runs collectstatic; otherwise files are served
# straight from the source folders.
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", False)

# No inline script or style anywhere: the Content Security Policy forbids them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    # A form's redirect must be allowed too: paying by card and connecting a Stripe account
    # are forms answered with a redirect to Stripe's own pages.
    "form-action": [CSP.SELF, "https://checkout.stripe.com", "https://connect.stripe.com"],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Django's database sessions, read with one line of SQL (coop/sessions.py).
SESSION_ENGINE = "coop.sessions"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coop.api_auth.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "coop.errors.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "coop.throttles.VoteThrottle",
        "coop.throttles.ReceiptThrottle",
        "coop.throttles.TokenThrottle",
        "coop.throttles.WriteThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "coop.pagination.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "coop.api_auth.exception_handler",
}
# API rate limits per person (or token, or address when not signed in); counted in the cache.
API_RATES = {
    "vote": os.environ.get("API_RATE_VOTE", "20/min"),
    "receipt": os.environ.get("API_RATE_RECEIPT", "30/min"),
    "token": os.environ.get("API_RATE_TOKEN", "600/min"),
    "write": os.environ.get("API_RATE_WRITE", "120/min"),
}
API_THROTTLES_DISABLED = env_bool("API_THROTTLES_DISABLED", False)
SPECTACULAR_SETTINGS = {
    "TITLE": "coop API",
    "DESCRIPTION": "Membership and governance for user-led care co-operatives.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Deep links put a link inside each operation's button (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
}

# Stripe: without a secret key the card option is hidden and everything else works.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# Where the Stripe client sends API calls; tests point it at a local fake server.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# Stripe Connect, for a platform hosting many co-ops: each society connects its own Stripe
# account and card money is charged directly on it. Off: one account (the key's) for all.
STRIPE_CONNECT = env_bool("STRIPE_CONNECT", False)
STRIPE_CONNECT_WEBHOOK_SECRET = os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET", "")

# Former members stay on the register at least this long (years) after they cease.
REGISTER_RETENTION_YEARS = int(os.environ.get("REGISTER_RETENTION_YEARS", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"},
                "stripe": {"level": "WARNING"},
                # WeasyPrint logs each step of every PDF (share certificates) at INFO.
                "weasyprint": {"level": "WARNING"}},
}
