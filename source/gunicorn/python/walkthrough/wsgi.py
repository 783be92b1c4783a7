"""A WSGI middleware around Django's application: it sees the worker call
application(environ, start_response) and the response come back."""
from . import events
from .events import clip, emit

ENVIRON_KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR", "wsgi.url_scheme")


def observed(application):
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

        body = application(environ, start)
        length = next((value for name, value in started.get("headers", ()) if name.lower() == "content-length"), None)
        if length is None or not length.isdigit():
            # No Content-Length: count the bytes (our views never stream). close() is what
            # tells Django the request finished, so it must still be called.
            chunks = list(body)
            if hasattr(body, "close"):
                body.close()
            body, length = chunks, sum(len(chunk) for chunk in chunks)
        code, _, reason = started.get("status", "500 Internal Server Error").partition(" ")
        emit("response.returned", pid=request.pid, id=request.id, status=int(code), reason=clip(reason), bytes=int(length))
        request.phase = "returned"
        return body

    return call
