# Gunicorn settings for the learner's own project: `gunicorn --config .../their_conf.py APP`.
# GW_USER_CONFIG names their config file (their -c, else their gunicorn.conf.py), if any.
import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if HERE not in sys.path:  # appended, so their own modules win over ours (this file is read on every HUP)
    sys.path.append(HERE)

from walkthrough.project import settings  # noqa: E402

globals().update(settings(os.environ.get("GW_USER_CONFIG")))
del settings
