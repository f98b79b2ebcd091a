"""WSGI entry point (gunicorn survey_site.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")

application = get_wsgi_application()
