"""Development settings: debug on, emails printed to the console."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, SECRET_KEY, STORAGES, env

DEBUG = env.bool("DEBUG", default=True)
if not SECRET_KEY:
    # djstarter wrote a .env with a fresh key when it generated the project; a fresh clone needs one.
    raise ImproperlyConfigured(
        "Set SECRET_KEY in .env (copy .env.example to .env), for example the output of: "
        'python -c "from django.core.management.utils import get_random_secret_key as k; print(k())"'
    )

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# django-debug-toolbar: https://django-debug-toolbar.readthedocs.io/
if DEBUG and env.bool("USE_DEBUG_TOOLBAR", default=True):
    try:
        import debug_toolbar  # noqa: F401
    except ImportError:  # the dev dependency group is not installed
        pass
    else:
        INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]
        # Inside ServerTimingMiddleware, which then adds its own metric to the toolbar's Server-Timing
        # header instead of being replaced by it.
        _TIMING = next(name for name in MIDDLEWARE if name.endswith(".ServerTimingMiddleware"))
        MIDDLEWARE = [
            _TIMING,
            "debug_toolbar.middleware.DebugToolbarMiddleware",
            *(name for name in MIDDLEWARE if name != _TIMING),
        ]
        INTERNAL_IPS = ["127.0.0.1"]
