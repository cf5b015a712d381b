"""Django settings for the client suites: Django's three memcached backends, each over TCP
and over the UNIX socket, configured as a project would, and PyLibMCCache once more in the
binary protocol (OPTIONS = {"binary": True}, as Django's documentation shows it), plus
over TCP to a server with -S, logging in with username and password in its OPTIONS.
test_django_cache.py starts the servers first and passes their addresses in the environment."""

import os

SERVER_TCP = os.environ["MEMSTRIPE_DJANGO_TCP"]  # host:port
SERVER_SOCKET = os.environ["MEMSTRIPE_DJANGO_SOCKET"]  # the UNIX socket's path
SASL_SERVER_TCP = os.environ["MEMSTRIPE_DJANGO_SASL_TCP"]  # host:port of a server with -S
SASL_USERNAME = os.environ["MEMSTRIPE_DJANGO_SASL_USERNAME"]
SASL_PASSWORD = os.environ["MEMSTRIPE_DJANGO_SASL_PASSWORD"]

BACKENDS = {
    "pymemcache": "django.core.cache.backends.memcached.PyMemcacheCache",
    "pylibmc": "django.core.cache.backends.memcached.PyLibMCCache",
    "python-memcached": "django.core.cache.backends.memcached.MemcachedCache",
    "pylibmc-binary": "django.core.cache.backends.memcached.PyLibMCCache",
}
OPTIONS = {"pylibmc-binary": {"binary": True}}

# Django documents "unix:/path" for a socket; each backend turns it into its library's form.
CACHES = {
    f"{name}-{transport}": {"BACKEND": backend, "LOCATION": location, "OPTIONS": OPTIONS.get(name, {})}
    for name, backend in BACKENDS.items()
    for transport, location in (("tcp", SERVER_TCP), ("unix", "unix:" + SERVER_SOCKET))
}
CACHES["pylibmc-sasl-tcp"] = {
    "BACKEND": BACKENDS["pylibmc-binary"], "LOCATION": SASL_SERVER_TCP,
    "OPTIONS": {"binary": True, "username": SASL_USERNAME, "password": SASL_PASSWORD},
}
CACHES["default"] = CACHES["pymemcache-tcp"]

SECRET_KEY = "memstripe client suite"
ALLOWED_HOSTS = ["testserver"]
USE_I18N = False
USE_TZ = True
