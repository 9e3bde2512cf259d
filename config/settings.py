"""Settings for the archive, read from the environment (see .env.example)."""

from pathlib import Path

import environ

from archive.search.engines.config import cluster_connection, search_connection

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    # A development-only key; production (DJANGO_DEBUG=0) refuses to start without one.
    default="dev-only-insecure-key-do-not-use-in-production" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

DATA_DIR = Path(env.str("ARCHIVE_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    # Our app first so its management commands (rebuild_index) override Haystack's.
    "archive",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # the sitemap.xml template
    "django.forms",  # the widgets' own templates, for FORM_RENDERER below
    "haystack",
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "archive.security.ContentSecurityPolicyMiddleware",
    "archive.security.SearchRateLimitMiddleware",  # before sessions: a refused search costs little
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "archive.security.AdminLoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each admin edit
    "archive.middleware.IndexInBackgroundMiddleware",  # a web save returns before the index write
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Widgets render with the project's templates (archive/forms.py's Select has its own).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'archive.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import or an admin save writes; the timeout
    # makes concurrent writers wait for each other instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# SEARCH_URL picks the engine: whoosh:///absolute/path, or unset for the Whoosh index at
# ARCHIVE_INDEX_DIR (default: DATA_DIR/whoosh_index); elasticsearch://host:9200/index or
# opensearch://… for a cluster (archive.search.engines.config, docs/deploy.md).
HAYSTACK_CONNECTIONS = {
    "default": search_connection(
        env.str("SEARCH_URL", default=""),
        default_path=Path(env.str("ARCHIVE_INDEX_DIR", default=str(DATA_DIR / "whoosh_index"))),
    )
}
ARCHIVE_SEARCH_CLUSTER = cluster_connection(env.str("SEARCH_URL", default=""))
SEARCH_INDEX_DIR = Path(HAYSTACK_CONNECTIONS["default"]["PATH"])
# Index updates go through our own queue (archive.search.queue), never Haystack's signals.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
HAYSTACK_SILENTLY_FAIL = False

# Files over this size are refused by the importer with a clear message.
ARCHIVE_MAX_IMPORT_BYTES = env.int("ARCHIVE_MAX_IMPORT_BYTES", default=20 * 1024 * 1024)
# Pages the importer writes per transaction and applies to the index per commit (archive.importing.run).
ARCHIVE_IMPORT_BATCH = env.int("ARCHIVE_IMPORT_BATCH", default=500)

# After a save made in a web request, apply the index queue in a background thread
# (archive.search.queue) so the response never waits for a Whoosh commit.
ARCHIVE_INDEX_IN_BACKGROUND = env.bool("ARCHIVE_INDEX_IN_BACKGROUND", default=True)
# Postings a Whoosh writer holds in memory, in MB: past it, the writer closes its segment and starts
# another (archive.search.engines.whoosh.writing.BulkWriter).
ARCHIVE_INDEX_WRITER_MB = env.int("ARCHIVE_INDEX_WRITER_MB", default=256)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request while it is missing

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"archive": {"handlers": ["console"], "level": env.str("ARCHIVE_LOG_LEVEL", default="INFO")}},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# archive.security: a CSP without inline scripts; per-IP search rate limit (0 turns it off); admin
# login throttle per IP + username. Their counts live in the cache, which every worker process must
# share for a limit to hold: Django's database cache by default (its table is made by a migration),
# or memcached/Redis by DJANGO_CACHE_URL; locmemcache:// counts per process.
CACHES = {"default": env.cache_url("DJANGO_CACHE_URL", default="dbcache://archive_cache")}
ARCHIVE_CSP = env.str(
    "ARCHIVE_CSP",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
)
ARCHIVE_SEARCH_RATE_LIMIT = env.int("ARCHIVE_SEARCH_RATE_LIMIT", default=60)
ARCHIVE_SEARCH_RATE_WINDOW = env.int("ARCHIVE_SEARCH_RATE_WINDOW", default=60)
ARCHIVE_TRUST_X_FORWARDED_FOR = env.bool("ARCHIVE_TRUST_X_FORWARDED_FOR", default=False)
ARCHIVE_LOGIN_MAX_FAILURES = env.int("ARCHIVE_LOGIN_MAX_FAILURES", default=5)
ARCHIVE_LOGIN_LOCKOUT_SECONDS = env.int("ARCHIVE_LOGIN_LOCKOUT_SECONDS", default=15 * 60)
