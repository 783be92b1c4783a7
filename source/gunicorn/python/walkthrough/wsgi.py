"""A WSGI middleware around the application: it sees the worker call
application(environ, start_response) and the response come back. It never changes the
response: the status, headers and body pass through as they are, chunk by chunk."""
from . import events
from .events import clip, emit

ENVIRON_KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR", "wsgi.url_scheme")


class Counted:
    """The body as the app gave it, counted as the worker writes it: no buffering, so a
    streaming response still streams. Reports response.returned once the body is done."""

    def __init__(self, body, done):
        self.body, self.done, self.bytes = body, done, 0

    def __iter__(self):
        for chunk in self.body:
            self.bytes += len(chunk)
            yield chunk
        self.done(self.bytes)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()  # tells Django the request finished
        finally:
            self.done(self.bytes)


def observed(application):
    if getattr(application, "walkthrough_observed", False):
        return application

    def call(environ, start_response):
        request = events.here.current
        if request is None:  # not served through the walkthrough's hooks
            return application(environ, start_response)
        emit("wsgi.called", pid=request.pid, id=request.id,
             environ={key: clip(environ[key]) for key in ENVIRON_KEYS if key in environ})
        request.phase = "wsgi"
        started = {}

        def start(status, headers, exc_info=None):
            started["status"], started["headers"] = status, headers
            return start_response(status, headers, exc_info)

        def returned(length):
            if request.phase == "returned" or events.here.current is not request:
                return
            code, _, reason = started.get("status", "500 Internal Server Error").partition(" ")
            emit("response.returned", pid=request.pid, id=request.id, status=int(code), reason=clip(reason), bytes=int(length))
            request.phase = "returned"

        body = application(environ, start)
        length = next((value for name, value in started.get("headers", ()) if name.lower() == "content-length"), None)
        wrapper = environ.get("wsgi.file_wrapper")
        if (length is not None and length.isdigit()) or (wrapper and isinstance(body, wrapper)):
            # Known length, or a file Gunicorn may sendfile(): pass the very object on.
            returned(length if length and length.isdigit() else 0)
            return body
        return Counted(body, returned)

    call.walkthrough_observed = True
    return call
