# Gunicorn settings for the walkthrough: `gunicorn --config walkthrough_conf.py ...`.
# The hooks report the server's lifecycle to gunicorn-walkthrough (walkthrough/hooks.py).
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:  # this file is read again on every HUP
    sys.path.insert(0, HERE)

from walkthrough.hooks import (  # noqa: E402,F401  Gunicorn reads hooks by name
    child_exit, nworkers_changed, on_exit, on_reload, on_starting, post_fork, post_request,
    post_worker_init, pre_fork, pre_request, when_ready, worker_abort, worker_exit, worker_int,
)

worker_class = "sync"  # the lesson's worker: one request at a time, no keep-alive
# Gunicorn 25+ also opens a control socket ($XDG_RUNTIME_DIR or ~/.gunicorn); the walkthrough
# does not use it, and two of them would share its path. Older versions ignore this name.
control_socket_disable = True
