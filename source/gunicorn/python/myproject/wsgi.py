import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from walkthrough.wsgi import observed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings")
if os.environ.get("GW_APP_FAIL"):
    # The way to watch a worker that cannot boot, as with our server's GW_APP_FAIL=1.
    raise ImproperlyConfigured("myproject.wsgi cannot be imported (GW_APP_FAIL is set)")
# Django's WSGI application, wrapped so the walkthrough sees it called and returning.
application = observed(get_wsgi_application())
