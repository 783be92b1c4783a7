"""Writes protocol events, one JSON object per line, to the fd named by GW_EVENTS_FD.

The master and every worker share that fd. Each line goes out in one os.write, and lines
are kept far below PIPE_BUF, so lines from several processes never interleave."""
import json
import os

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
    """The request this process is serving: a sync worker serves one at a time."""

    def __init__(self, pid, number, started):
        self.id = "%d-%d" % (pid, number)
        self.pid = pid
        self.phase = "accepted"
        self.started = started


current = None  # the Request in flight in this process, if any
served = 0  # requests this process has accepted (makes the ids)
leaving = False  # this worker announced worker.exiting itself (SIGINT/QUIT/ABRT)
