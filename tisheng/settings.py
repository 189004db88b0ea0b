"""Tisheng settings.

Everything that differs between a laptop demo and a bureau's server comes from environment variables,
read once here with their types. The embedded default (no variables set) is SQLite and local files under
``var/`` so that ``python3 run.py demo`` works on a fresh machine.

Variables:
    DATABASE_URL        e.g. postgres://user@127.0.0.1:5432/tisheng (default: SQLite in var/)
    TISHENG_SECRET_KEY  required when TISHENG_DEBUG is off
    TISHENG_DEBUG       "1" for development (default "1" unless TISHENG_SECRET_KEY is set)
    TISHENG_ALLOWED_HOSTS comma-separated (default: localhost names)
    TISHENG_VAR_DIR     where the SQLite file, uploads and exports live (default: <repo>/var)
    TISHENG_TASKS_IMMEDIATE "1" runs background tasks in-process (tests)
    TISHENG_FILE_DAYS   days that uploaded import files and made reports are kept (default 30)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("TISHENG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("TISHENG_SECRET_KEY", "")
DEBUG = env_bool("TISHENG_DEBUG", default=not SECRET_KEY)
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("TISHENG_SECRET_KEY must be set when TISHENG_DEBUG is off")
    SECRET_KEY = "dev-only-not-secret-" + "tisheng" * 6
ALLOWED_HOSTS = os.environ.get("TISHENG_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "ninja",
    "django_tasks_db",
    "tisheng.accounts",
    "tisheng.roster",
    "tisheng.audit",
    "tisheng.rulesets",
    "tisheng.assessments",
    "tisheng.reports",
    "tisheng.imports",
    "tisheng.dashboard",
    "tisheng.homework",
    "tisheng.health",
    "tisheng.wellbeing",
    "tisheng.evaluation",
    "tisheng.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tisheng.memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tisheng.accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "tisheng.accounts.middleware.InitialPasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last, as django-axes asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tisheng.urls"
WSGI_APPLICATION = "tisheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tisheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tisheng.accounts.context_processors.scope",
            ],
        },
    },
]

# Form widgets rendered by Jinja2 (Django's own widget templates, same markup): a week's plan form has about
# seventy widgets, and Django's template engine took a third of the page's time rendering them.
FORM_RENDERER = "django.forms.renderers.Jinja2"

# --- database: SQLite embedded default, PostgreSQL in production -----------------------------------
_sqlite_default = f"sqlite:///{VAR_DIR / 'tisheng.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _sqlite_default), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writer takes the lock at BEGIN, so the web server and the task worker
        # wait for each other instead of failing with "database is locked" mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tisheng.accounts.backends.AccountBackend",  # Django's ModelBackend, reading the person with the account
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = int(os.environ.get("TISHENG_SESSION_SECONDS", 8 * 3600))  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# django-axes: lock a username *from one address*, with a cool-off. Locking by address alone would lock
# out a whole school behind one NAT address (STACK.md trap).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- language and time: zh-Hans by default, English available ----------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tisheng" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static and uploaded files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded rosters and made reports hold minors' personal data (身份证号, scores): the files go this many days
# after their work ended; the ledger rows stay (tisheng/retention.py).
FILE_RETENTION_DAYS = int(os.environ.get("TISHENG_FILE_DAYS", "30"))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# --- background tasks: django.tasks with the persistent database backend and `manage.py db_worker` ----
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if env_bool("TISHENG_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- API (django-ninja) ----------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TISHENG_LOG_LEVEL", "WARNING")},
}

TISHENG = {
    # How many rows a list page shows.
    "PAGE_SIZE": 50,
    # Where the district demo lives; only used by the demo command and the login hints on the demo.
    "DEMO": env_bool("TISHENG_DEMO", False),
}
