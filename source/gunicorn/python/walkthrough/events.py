"""Writes protocol events, one JSON object per line, to the fd named by GW_EVENTS_FD.

The master and every worker share that fd. Each line goes out in one os.write, and lines
are kept far below PIPE_BUF, so lines from several processes never interleave."""
import itertools
import json
import os
import threading

_FD = int(os.environ.get("GW_EVENTS_FD") or -1)  # unset: run by hand, report nothing
_MAX_TEXT = 512


def clip(text):
    text = str(text)
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "..."


def emit(type_, **fields):
    if _FD < 0:
        return
    data = (json.dumps(dict(type=type_, **fields), separators=(",", ":")) + "\n").encode()
    try:
        while data:  # one write in practice; a signal could only shorten it
            data = data[os.write(_FD, data):]
    except OSError:
        pass  # the app is gone; the lifeline stops the master


class Request:
    """A request in flight: a sync worker serves one at a time, a gthread worker one per thread."""

    def __init__(self, pid, number, started):
        self.id = "%d-%d" % (pid, number)
        self.pid = pid
        self.phase = "accepted"
        self.started = started


class _PerThread(threading.local):
    current = None  # the Request this thread is serving, if any
    number = None  # this thread's number in the worker (1, 2, ...), given on its first request


here = _PerThread()
leaving = False  # this worker announced worker.exiting itself (SIGINT/QUIT/ABRT)
_requests = itertools.count(1)  # next() is atomic under the GIL: ids stay unique across threads
_threads = itertools.count(1)


def reset():
    """In a fresh worker (post_fork): nothing in flight, counting from 1."""
    global here, leaving, _requests, _threads
    here, leaving, _requests, _threads = _PerThread(), False, itertools.count(1), itertools.count(1)


def next_request():
    return next(_requests)


def thread_number():
    if here.number is None:
        here.number = next(_threads)
    return here.number
