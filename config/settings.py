"""Diretta settings: one file, driven by environment variables.

The defaults are for development on a bare machine (SQLite under var/, in-process channel layer).
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DIRETTA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)

DEVELOPMENT_SECRET_KEY = "django-insecure-diretta-development-only"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "matches",
    "commentary",
]

# Background work (scheduled posts) on Django's tasks framework, queued in the database: `manage.py db_worker`
# runs them (make run starts one; production runs it as its own service, docs/DEPLOY.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # pages go out compressed (a match page: ~5× smaller); Django pads each response against BREACH
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    # last, as django-axes asks: it turns a locked-out login into a refusal
    "axes.middleware.AxesMiddleware",
]

# Login brute force (config/login.py): per username and address, 5 failures, then a wait that starts at 30 s
# and doubles with every failure while waiting, up to 15 minutes. The address is REMOTE_ADDR only.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = "config.login.cool_off"
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "config.context_processors.languages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'diretta.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    # IMMEDIATE: a write transaction takes the lock at BEGIN, so two writers queue instead of one failing
    # half-way with "database is locked"; WAL lets readers (the fans' pages) go on meanwhile.
    # Tests use a file, not memory: the browser tests' daphne and the other-process tests open it too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-diretta.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Several server processes share their updates through Redis pub/sub when REDIS_URL is set; otherwise through
# PostgreSQL's LISTEN/NOTIFY, or, on the embedded default, Unix datagrams under var/
# (commentary.live.doorbell).
# No channel layer: fans' sockets are plain ASGI apps fed by the per-process hub (docs/ARCHITECTURE.md).
REDIS_URL = os.environ.get("REDIS_URL", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies: Django's own cap on what it parses, and the server-side cap on what is read at all
# (config.limits, before Django reads anything; the proxy has its own, docs/DEPLOY.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DIRETTA_MAX_REQUEST_BODY = int(os.environ.get("DIRETTA_MAX_REQUEST_BODY", 3 * 1024 * 1024))

# Pictures (commentary.domain.pictures): what the desk accepts, and the widths it serves. The desk's publish
# URL may carry one picture, so its body may be that much bigger (config.limits).
DIRETTA_PICTURE_MAX_BYTES = 10 * 1024 * 1024
DIRETTA_PICTURE_MAX_PIXELS = 40_000_000  # a 50-megapixel phone photo is refused; a decompression bomb too
DIRETTA_PICTURE_WIDTHS = (480, 960, 1600)
DIRETTA_MAX_UPLOAD_BODY = DIRETTA_PICTURE_MAX_BYTES + 256 * 1024
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves what collectstatic gathered; development serves straight from the apps (finders).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles")) if not DEBUG else None
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# Scripts and styles only from here, inline ones only with the page's nonce; no inline handlers anywhere.
# Websockets to this host are 'self'. Only the embed widget may be framed
# (commentary.public.views.match_embed).
# The sites whose players an entry may show, each only after the reader's click (commentary.domain.embeds)
EMBED_FRAME_SOURCES = [
    "https://www.youtube-nocookie.com",
    "https://platform.twitter.com",
    "https://www.instagram.com",
    "https://www.tiktok.com",
    "https://embed.bsky.app",
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    # the players of the posts and clips an entry links to, loaded only on the reader's click
    "frame-src": EMBED_FRAME_SOURCES,
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy asks each process directly, over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Live delivery (commentary.live): how many recent updates per match each process keeps in memory to replay
# to reconnecting fans, and how often it looks in the update log for what no doorbell brought (a ring lost
# while Redis or PostgreSQL was away). The doorbell is the delivery path; this poll is only the safety net.
DIRETTA_REPLAY_WINDOW = int(os.environ.get("DIRETTA_REPLAY_WINDOW", 500))
DIRETTA_SAFETY_POLL = float(os.environ.get("DIRETTA_SAFETY_POLL", 2.0))
# Open sockets one client address may hold in one process (0: no cap). High on purpose: behind a mobile
# carrier's NAT many real fans share one address. Behind a proxy the address is the proxy's X-Forwarded-For
# (python -m config.serve --proxy, TRUSTED_PROXIES). The bench sets 0: all its fans come from 127.0.0.1.
DIRETTA_MAX_SOCKETS_PER_ADDRESS = int(os.environ.get("DIRETTA_MAX_SOCKETS_PER_ADDRESS", 2500))
