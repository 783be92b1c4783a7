"""Django's side: the URL resolved and the view about to be called. Reported by wrapping
BaseHandler.resolve_request in the worker (nothing added to the project's settings); the
middleware below is the demo project's older way and stays silent once the wrap reported."""
from . import events
from .events import emit


def view_name(view_func):
    return "%s.%s" % (view_func.__module__, getattr(view_func, "__qualname__", view_func.__name__))


def dispatched(match):
    current = events.here.current
    if current is not None and current.phase == "wsgi":
        emit("django.dispatched", pid=current.pid, id=current.id, route=str(match.route), view=view_name(match.func))
        current.phase = "django"


def watch_resolver():
    """In a worker whose app is Django (3.1+ has resolve_request): report every resolved view."""
    try:
        from django.core.handlers.base import BaseHandler
    except ImportError:
        return  # not a Django app: the WSGI events still come
    resolve = getattr(BaseHandler, "resolve_request", None)
    if resolve is None or getattr(resolve, "walkthrough_watched", False):
        return

    def resolve_request(self, request):
        match = resolve(self, request)
        dispatched(match)
        return match

    resolve_request.walkthrough_watched = True
    BaseHandler.resolve_request = resolve_request


class ViewDispatched:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        dispatched(request.resolver_match)
        return None
