"""A Django middleware: it sees the URL resolved and the view about to be called."""
from . import events
from .events import emit


class ViewDispatched:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        current = events.here.current
        if current is not None and current.phase == "wsgi":
            match = request.resolver_match
            emit("django.dispatched", pid=current.pid, id=current.id, route=str(match.route),
                 view="%s.%s" % (view_func.__module__, getattr(view_func, "__qualname__", view_func.__name__)))
            current.phase = "django"
        return None
