import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every view now, not on the first request
# What is loaded by now lives as long as the process: the cyclic garbage collector's full
# passes need not walk it again and again (a few per cent of a vote's time).
gc.freeze()
