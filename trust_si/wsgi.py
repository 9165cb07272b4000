import os

from django.core.wsgi import get_wsgi_application

# Production unless told otherwise: a server started without its settings refuses to start
# (production.py checks its secrets) instead of serving with the local, public key.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_si.settings.production")
application = get_wsgi_application()
