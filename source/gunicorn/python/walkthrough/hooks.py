"""Gunicorn's server hooks, each reporting what just happened as protocol events.

Works with Gunicorn 20.1 to current (hook signatures as in gunicorn/config.py). Gunicorn has
no hook for the master's own signals, so on_starting wraps the arbiter's handle_* methods
(its main loop looks them up by name) and kill_worker: that is how we see master.stopping
and know why the master sends a worker TERM.
"""
import mmap
import os
import signal
import sys
import threading
import time

from . import events
from .django import watch_resolver
from .events import clip, emit
from .wsgi import observed


# Why each worker leaves, shared by the master and every worker: an anonymous shared map
# made before any fork. The master writes the reason before it signals a worker (the
# worker reads it in worker_exit); a worker writes its own (max-requests, timeout) for the
# master's child_exit. Indexed by the worker's age, which Gunicorn counts up per spawn.
REASONS = ("shutdown", "reload", "removed", "max-requests", "timeout", "killed", "boot-error", "crashed")
_SLOTS = 4096
_reasons = mmap.mmap(-1, _SLOTS)
_master = {"context": None, "started": False, "stopping": False}


def _slot(worker):
    return worker.age % _SLOTS


def _set_reason(worker, reason):
    _reasons[_slot(worker)] = REASONS.index(reason) + 1 if reason else 0


def _reason(worker):
    code = _reasons[_slot(worker)]
    return REASONS[code - 1] if code else None


def _app(server):
    return clip(getattr(server.app, "app_uri", None) or "the application")


def _address(listener):
    name = listener.getsockname()
    if isinstance(name, tuple):
        host, port = name[0], name[1]
        return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
    return clip(name)  # a Unix socket path


def _watch_lifeline(fd):
    """The app holds the other end: EOF means it is gone, however it died. Stop gracefully."""
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def _wrap_arbiter(server):
    def around(name, context, event=None):
        original = getattr(server, name)

        def handler(*args):
            if event and not _master["stopping"]:
                _master["stopping"] = True
                emit("master.stopping", graceful=event == "graceful")
            _master["context"] = context
            try:
                return original(*args)
            finally:
                # A stopping master keeps its context: stop() signals the workers after this returns.
                if context != "shutdown":
                    _master["context"] = None

        setattr(server, name, handler)

    around("handle_term", "shutdown", "graceful")
    around("handle_int", "shutdown", "quick")
    around("handle_quit", "shutdown", "quick")
    around("handle_hup", "reload")
    around("handle_ttou", "removed")

    halt = server.halt

    def halt_reporting_stop(*args, **kwargs):
        # A HaltServer (a worker that cannot boot) stops gracefully without any handle_* call.
        if not _master["stopping"]:
            emit("master.stopping", graceful=True)
        return halt(*args, **kwargs)

    server.halt = halt_reporting_stop

    kill_worker = server.kill_worker

    def kill_worker_noting_why(pid, sig):
        worker = server.WORKERS.get(pid)
        if worker is not None and _reason(worker) is None:
            if sig == signal.SIGABRT or getattr(worker, "aborted", False):
                _set_reason(worker, "timeout")
            elif sig in (signal.SIGTERM, signal.SIGQUIT, signal.SIGINT):
                _set_reason(worker, _master["context"] or "removed")
        return kill_worker(pid, sig)

    server.kill_worker = kill_worker_noting_why


# --- master -------------------------------------------------------------------------------

def on_starting(server):
    # With --preload Gunicorn imported the app in Arbiter.setup(), before this hook: report
    # the master first, then the app it already holds.
    _master["started"] = True
    preload = bool(server.cfg.preload_app)
    threads = "ThreadWorker" in server.worker_class.__name__
    emit("master.starting", pid=server.pid, command=clip(" ".join(["gunicorn"] + sys.argv[1:])),
         workers=server.num_workers, preload=preload, timeout=server.timeout,
         **({"workerClass": "gthread", "threads": server.cfg.threads} if threads else {}))
    if preload:
        emit("app.loaded", pid=server.pid, where="master", app=_app(server))
    _wrap_arbiter(server)
    lifeline = os.environ.get("GW_LIFELINE_FD")
    if lifeline:
        threading.Thread(target=_watch_lifeline, args=(int(lifeline),), name="lifeline", daemon=True).start()


def when_ready(server):
    emit("socket.bound", address=_address(server.LISTENERS[0]))


def pre_fork(server, worker):
    # No event: the child has no pid yet (post_fork reports it). Clear a reused slot.
    _set_reason(worker, None)


def nworkers_changed(server, new_value, old_value):
    # Also called while the arbiter sets up (old_value None) and on every HUP.
    if _master["started"] and old_value is not None and new_value != old_value:
        emit("workers.changed", **{"from": old_value, "to": new_value})


def on_reload(server):
    emit("master.reloading")


def child_exit(server, worker):
    reason = "timeout" if worker.aborted else _reason(worker) or "killed"  # it ran no exit hook
    emit("worker.exited", pid=worker.pid, reason=reason)


def on_exit(server):
    # halt() runs inside the arbiter's except clause: a HaltServer carries the exit status.
    emit("master.stopped", code=getattr(sys.exc_info()[1], "exit_status", 0))


# --- worker -------------------------------------------------------------------------------

def post_fork(server, worker):
    events.reset()
    emit("worker.forked", pid=os.getpid())


def post_worker_init(worker):
    # The app is loaded (worker.wsgi): watch it from outside, so their code needs no change.
    worker.wsgi = observed(worker.wsgi)
    watch_resolver()
    if not worker.cfg.preload_app:
        emit("app.loaded", pid=worker.pid, where="worker", app=_app(worker))
    emit("worker.ready", pid=worker.pid, **({"threads": worker.cfg.threads} if _threaded(worker) else {}))


def _threaded(worker):
    # Gunicorn's ThreadWorker (gthread, or sync with threads > 1) runs requests in its pool.
    return hasattr(worker, "tpool")


def pre_request(worker, req):
    # In a gthread worker this runs in the pool thread that serves the request.
    request = events.here.current = events.Request(worker.pid, events.next_request(), time.monotonic())
    fields = dict(pid=worker.pid, id=request.id, method=req.method, path=clip(req.path))
    if req.query:
        fields["query"] = clip(req.query)
    if isinstance(req.peer_addr, tuple):
        fields["client"] = "%s:%s" % req.peer_addr[:2]
    if _threaded(worker):
        fields["thread"] = events.thread_number()
        if getattr(req, "req_number", 1) > 1:  # the parser counts requests per connection
            fields["onConnection"] = req.req_number
    emit("request.accepted", **fields)


def post_request(worker, req, environ, resp):
    request, events.here.current = events.here.current, None
    if request is None or events.leaving:
        return  # the worker is being killed mid-request: the request dies with it
    status = getattr(resp, "status_code", None) or 500
    if request.phase != "returned":
        # The app raised past Django, or the request never reached it: Gunicorn answers itself.
        emit("response.returned", pid=request.pid, id=request.id, status=status,
             reason=clip((getattr(resp, "status", None) or "500 Internal Server Error").partition(" ")[2]), bytes=0)
    fields = dict(pid=request.pid, id=request.id, status=status,
                  bytes=getattr(resp, "sent", 0) or 0, ms=round((time.monotonic() - request.started) * 1000, 1))
    if _threaded(worker) and resp is not None:
        fields["keepalive"] = not resp.should_close()  # handle_request decided already: it keeps the connection
    emit("response.sent", **fields)


def worker_int(worker):
    # SIGINT / SIGQUIT: a quick exit, the current request is not finished.
    events.leaving = True
    emit("worker.exiting", pid=worker.pid, reason=_reason(worker) or "shutdown")


def worker_abort(worker):
    # SIGABRT: the master saw no heartbeat past --timeout and logged WORKER TIMEOUT.
    events.leaving = True
    _set_reason(worker, "timeout")
    emit("worker.timeout", pid=worker.pid)
    emit("worker.exiting", pid=worker.pid, reason="timeout")


def worker_exit(server, worker):
    if os.getpid() != worker.pid:
        # In the master: kill_worker found the worker already gone (ESRCH), so no child_exit
        # will follow. In 20.1 that is the fate of a worker that could not boot: reap_workers
        # raised HaltServer before child_exit, and stop() then finds it gone.
        emit("worker.exited", pid=worker.pid, reason=_reason(worker) or "killed")
        return
    if events.leaving:
        return  # already announced
    reason = _reason(worker)
    if reason is None:
        if not worker.booted:
            reason = "boot-error"
        elif worker.max_requests and worker.nr >= worker.max_requests:
            reason = "max-requests"
        else:
            reason = "shutdown"  # TERM sent to the whole group, or the master is gone
        _set_reason(worker, reason)
    emit("worker.exiting", pid=worker.pid, reason=reason)
