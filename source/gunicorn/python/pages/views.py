import math
import os
import time

from django.conf import settings
from django.http import HttpResponse


def home(request):
    return HttpResponse("%s from worker %d\n" % (settings.GREETING, os.getpid()), content_type="text/plain")


def slow(request):
    """Sleeps ?s=N seconds. Under the sync worker, past --timeout the master aborts it (WORKER TIMEOUT); a
    gthread worker keeps notifying from its main loop, so the view runs on."""
    try:
        seconds = float(request.GET.get("s", "5"))
    except ValueError:
        seconds = 5.0
    seconds = min(max(seconds, 0.0), 3600.0) if math.isfinite(seconds) else 5.0
    time.sleep(seconds)
    return HttpResponse("Slept %g s in worker %d\n" % (seconds, os.getpid()), content_type="text/plain")


def error(request):
    """Raises: Django answers 500 and the worker serves the next request."""
    raise RuntimeError("this view raises on purpose")
