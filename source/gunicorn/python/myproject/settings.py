# The smallest Django project that serves the walkthrough's views: no database, no templates.
SECRET_KEY = "gunicorn-walkthrough-demo-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]  # it listens where --bind says, loopback by default
ROOT_URLCONF = "myproject.urls"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",  # sets Content-Length
    "walkthrough.django.ViewDispatched",  # reports django.dispatched
]
DATABASES = {}
# What / answers with. A lab's edit-app changes this line in a working copy of the project: settings
# are imported by django.setup() when the app is imported (in the master with --preload).
GREETING = "Hello"
USE_TZ = True
TIME_ZONE = None  # keep the system's zone: Django would otherwise set TZ and the workers' log times would differ from the master's

# A view's exception as one line in Gunicorn's log (panel 9), not a whole traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"one_line": {"()": "myproject.logs.OneLine", "format": "[django] %(levelname)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "one_line"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
