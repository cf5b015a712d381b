"""Django settings for the client suites: Django's three memcached backends, each over TCP
and over the UNIX socket, configured as a project would. test_django_cache.py starts the
server first and passes its addresses in the environment."""

import os

SERVER_TCP = os.environ["MEMSTRIPE_DJANGO_TCP"]  # host:port
SERVER_SOCKET = os.environ["MEMSTRIPE_DJANGO_SOCKET"]  # the UNIX socket's path

BACKENDS = {
    "pymemcache": "django.core.cache.backends.memcached.PyMemcacheCache",
    "pylibmc": "django.core.cache.backends.memcached.PyLibMCCache",
    "python-memcached": "django.core.cache.backends.memcached.MemcachedCache",
}

# Django documents "unix:/path" for a socket; each backend turns it into its library's form.
CACHES = {
    f"{name}-{transport}": {"BACKEND": backend, "LOCATION": location}
    for name, backend in BACKENDS.items()
    for transport, location in (("tcp", SERVER_TCP), ("unix", "unix:" + SERVER_SOCKET))
}
CACHES["default"] = CACHES["pymemcache-tcp"]

SECRET_KEY = "memstripe client suite"
ALLOWED_HOSTS = ["testserver"]
USE_I18N = False
USE_TZ = True
