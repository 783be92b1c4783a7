"""Gunicorn's server hooks and a WSGI / Django middleware that report the lifecycle as
events of gunicorn-walkthrough's protocol (docs/events.md). Standard library only."""
