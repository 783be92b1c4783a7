import os

from django.core.wsgi import get_wsgi_application

from walkthrough.wsgi import observed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings")
# Django's WSGI application, wrapped so the walkthrough sees it called and returning.
application = observed(get_wsgi_application())
