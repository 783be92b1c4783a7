"""The learner's own project: their Gunicorn config file read as Gunicorn reads one, with the
walkthrough's hooks wrapped around theirs (ours report, then theirs run). Nothing of theirs is
edited; the Django-level event comes from wrapping Django's resolver, not from a middleware."""
import functools
import importlib.util
import os
import sys

from . import hooks

# The hooks walkthrough_conf.py defines; theirs of the same name are chained after ours.
HOOKS = ("on_starting", "when_ready", "pre_fork", "nworkers_changed", "on_reload", "child_exit", "on_exit",
         "post_fork", "post_worker_init", "pre_request", "post_request", "worker_int", "worker_abort",
         "worker_exit")


def _their_config(path):
    """vars() of their config file, loaded as Gunicorn's get_config_from_filename does."""
    spec = importlib.util.spec_from_file_location("__their_config__", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)  # their errors propagate: Gunicorn prints the traceback and exits 1
    return {name: value for name, value in vars(module).items() if not name.startswith("__")}


def _chain(ours, theirs):
    if not callable(theirs):
        return ours

    @functools.wraps(ours)  # keeps ours' signature: Gunicorn checks each hook's arity
    def both(*args):
        ours(*args)
        return theirs(*args)

    return both


def settings(path):
    """The names our config module exposes: their settings, then our hooks around theirs."""
    theirs = _their_config(path) if path else {}
    merged = dict(theirs)
    for name in HOOKS:
        merged[name] = _chain(getattr(hooks, name), theirs.get(name))
    return merged
