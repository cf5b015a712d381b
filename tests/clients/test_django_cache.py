"""Django 3.2's memcached cache backends (Debian's python3-django), unchanged and used the
way a Django project uses its cache: PyMemcacheCache, PyLibMCCache and MemcachedCache,
configured in django_settings.py, each over TCP and over the UNIX socket; PyLibMCCache with
OPTIONS = {"binary": True} runs every test too ("pylibmc-binary"), and logs in over TCP to
a server with -S with the username and password in its OPTIONS (the SASL tests at the end:
libmemcached authenticates over TCP only)."""

import os

import django
import pytest
from django.core.cache import InvalidCacheKey, caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.cache import cache_page

from endpoints import SASL_USER, largest_value_length

pytestmark = pytest.mark.filterwarnings(
    "ignore:MemcachedCache is deprecated:django.utils.deprecation.RemovedInDjango41Warning")

DAY = 24 * 60 * 60
BACKENDS = ["pymemcache", "pylibmc", "python-memcached", "pylibmc-binary"]
# Django's own key prefix, ":<version>:", counts towards memcached's 250 bytes.
LONGEST_KEY = 250 - len(":1:")


@pytest.fixture(scope="module", autouse=True)
def django_settings(clusters):
    os.environ["MEMSTRIPE_DJANGO_TCP"] = clusters(1).endpoint("tcp").spec
    os.environ["MEMSTRIPE_DJANGO_SOCKET"] = clusters(1).endpoint("unix").process.unix_path
    os.environ["MEMSTRIPE_DJANGO_SASL_TCP"] = clusters(1, "sasl").endpoint("tcp").spec
    os.environ["MEMSTRIPE_DJANGO_SASL_USERNAME"] = SASL_USER.username
    os.environ["MEMSTRIPE_DJANGO_SASL_PASSWORD"] = SASL_USER.password
    os.environ["DJANGO_SETTINGS_MODULE"] = "django_settings"
    django.setup()


@pytest.fixture(params=BACKENDS)
def alias(request, endpoint):
    """The cache alias of one backend over the test's transport; the server is flushed."""
    yield f"{request.param}-{endpoint.transport}"
    caches[f"{request.param}-{endpoint.transport}"].close()


@pytest.fixture
def cache(alias):
    return caches[alias]


def backend_of(alias):
    return alias.rsplit("-", 1)[0]


# -- the cache API ------------------------------------------------------------------------

def test_set_then_get_returns_the_value(cache):
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    assert cache.get("absent") is None
    assert cache.get("absent", "fallback") == "fallback"


def test_python_values_round_trip(cache):
    values = {"text": "grüße", "int": 42, "float": 2.5, "list": [1, "two"],
              "dict": {"nested": {"deep": True}}, "bytes": b"\x00\xff", "empty": ""}
    for key, value in values.items():
        cache.set(key, value)
    for key, value in values.items():
        assert cache.get(key) == value


def test_add_stores_only_a_missing_key(cache):
    assert cache.add("key", "first") is True
    assert cache.add("key", "second") is False
    assert cache.get("key") == "first"


def test_delete_reports_whether_the_key_existed(cache):
    cache.set("doomed", "x")
    assert cache.delete("doomed") is True
    assert cache.delete("doomed") is False
    assert cache.get("doomed") is None


def test_has_key(cache):
    cache.set("present", "x")
    assert cache.has_key("present") is True
    assert cache.has_key("absent") is False


def test_set_many_then_get_many_returns_the_stored_values(cache):
    values = {f"many-{i}": i for i in range(30)}
    assert cache.set_many(values) == []
    assert cache.get_many(list(values) + ["many-absent"]) == values


def test_delete_many_removes_every_key(cache):
    cache.set_many({"a": 1, "b": 2, "c": 3})
    cache.delete_many(["a", "b", "absent"])
    assert cache.get_many(["a", "b", "c"]) == {"c": 3}


def test_incr_and_decr_return_the_new_value(cache):
    cache.set("counter", 10)
    assert cache.incr("counter") == 11
    assert cache.incr("counter", 10) == 21
    assert cache.decr("counter", 6) == 15
    assert cache.incr("counter", -5) == 10  # Django turns a negative delta into decr
    assert cache.decr("counter", 100) == 0  # memcached stops at zero
    assert cache.get("counter") == 0


def test_incr_of_a_missing_key_raises_value_error(cache):
    with pytest.raises(ValueError, match="not found"):
        cache.incr("absent")
    with pytest.raises(ValueError, match="not found"):
        cache.decr("absent")


def test_touch_reports_whether_the_key_exists(cache):
    cache.set("here", "x")
    assert cache.touch("here", 100) is True
    assert cache.touch("absent", 100) is False


def test_clear_empties_the_cache(cache):
    cache.set_many({f"c{i}": i for i in range(10)})
    cache.clear()
    assert cache.get_many([f"c{i}" for i in range(10)]) == {}
    cache.set("after", 1)
    assert cache.get("after") == 1


def test_get_or_set_computes_a_missing_value_once(cache):
    calls = []

    def compute():
        calls.append(1)
        return "computed"

    assert cache.get_or_set("lazy", compute, 100) == "computed"
    assert cache.get_or_set("lazy", compute, 100) == "computed"
    assert calls == [1]


def test_versions_keep_values_apart(cache):
    cache.set("versioned", "v1")
    cache.set("versioned", "v2", version=2)
    assert cache.get("versioned") == "v1"
    assert cache.get("versioned", version=2) == "v2"
    assert cache.incr_version("versioned", version=2) == 3
    assert cache.get("versioned", version=3) == "v2"
    assert cache.get("versioned", version=2) is None


# -- keys -----------------------------------------------------------------------------------

def test_non_ascii_keys_work(cache):
    cache.set("ключ-ǿ-键", "значение")
    assert cache.get("ключ-ǿ-键") == "значение"
    assert cache.get_many(["ключ-ǿ-键", "другой"]) == {"ключ-ǿ-键": "значение"}
    assert cache.delete("ключ-ǿ-键") is True


def test_the_longest_key_django_accepts_works(cache):
    key = "k" * LONGEST_KEY
    cache.set(key, "long")
    assert cache.get(key) == "long"
    assert cache.incr_version(key) == 2
    assert cache.get(key, version=2) == "long"


def test_a_longer_key_is_refused_by_django(cache):
    with pytest.raises(InvalidCacheKey, match="longer than 250"):
        cache.set("k" * (LONGEST_KEY + 1), "too long")
    cache.set("afterwards", 1)
    assert cache.get("afterwards") == 1


def test_the_longest_multibyte_key_works(cache):
    # Django counts characters; memcached counts bytes. 123 two-byte letters and one ASCII
    # letter after ":1:" are exactly 250 bytes.
    key = "é" * ((LONGEST_KEY - 1) // 2) + "e"
    assert len(key.encode()) + len(":1:") == 250
    cache.set(key, "multibyte")
    assert cache.get(key) == "multibyte"


# -- values -----------------------------------------------------------------------------------

def test_the_largest_value_is_stored_whole(cache):
    # Every backend stores bytes as they are, with flags 0, so memcached's exact bound holds.
    value = bytes(range(256)) * (largest_value_length(len(":1:big")) // 256)
    value += b"x" * (largest_value_length(len(":1:big")) - len(value))
    cache.set("big", value)
    assert cache.get("big") == value


# What each library makes of memcached's SERVER_ERROR object too large for cache.
TOO_LARGE = {"pymemcache": "MemcacheServerError", "pylibmc": "TooBig", "python-memcached": None,
             "pylibmc-binary": "TooBig"}


def test_a_value_over_the_limit_is_not_stored_and_the_old_value_is_gone(cache, alias):
    cache.set("big", "old")
    value = b"x" * (largest_value_length(len(":1:big")) + 1)
    expected = TOO_LARGE[backend_of(alias)]
    if expected is None:
        cache.set("big", value)
    else:
        with pytest.raises(Exception) as raised:
            cache.set("big", value)
        assert type(raised.value).__name__ == expected
    assert cache.get("big") is None
    cache.set("big", "small again")
    assert cache.get("big") == "small again"


# -- timeouts ---------------------------------------------------------------------------------

def expired_at_once(alias, value):
    """What a get answers after a set with timeout 0 or below: Django sends exptime -1. In
    the text protocol that expires the item at once. In the binary one the field is
    unsigned: libmemcached sends 0xffffffff, a unix time in 2106, and the item stays, with
    memcached as with memstripe."""
    return value if backend_of(alias) == "pylibmc-binary" else None


def test_timeout_zero_expires_at_once(cache, alias):
    cache.set("old", "value")
    cache.set("old", "new", timeout=0)
    assert cache.get("old") == expired_at_once(alias, "new")
    assert cache.add("fresh", "x", timeout=0) is True
    assert cache.get("fresh") == expired_at_once(alias, "x")


def test_a_negative_timeout_expires_at_once(cache, alias):
    cache.set("old", "value")
    cache.set("old", "new", timeout=-10)
    assert cache.get("old") == expired_at_once(alias, "new")


def test_a_timeout_over_30_days_keeps_the_value(cache):
    # Django sends it as a unix time, as memcached requires over 30 days.
    cache.set("long-lived", "x", timeout=45 * DAY)
    assert cache.get("long-lived") == "x"


def test_a_timeout_over_30_days_expires_at_that_date(cache, server_clock):
    timeout = server_clock.offset + 40 * DAY  # 40 days ahead of the server's own clock
    cache.set("long-lived", "x", timeout=timeout)
    server_clock.advance(40 * DAY - 60)
    assert cache.get("long-lived") == "x"
    server_clock.advance(120)
    assert cache.get("long-lived") is None


def test_timeout_none_never_expires(cache, server_clock):
    cache.set("forever", "x", timeout=None)
    server_clock.advance(400 * DAY)
    assert cache.get("forever") == "x"


def test_the_default_timeout_is_300_seconds(cache, server_clock):
    cache.set("default", "x")
    server_clock.advance(299)
    assert cache.get("default") == "x"
    server_clock.advance(2)
    assert cache.get("default") is None


def test_touch_gives_a_new_timeout(cache, server_clock):
    cache.set("touched", "x", timeout=10)
    assert cache.touch("touched", 100) is True
    server_clock.advance(50)
    assert cache.get("touched") == "x"
    server_clock.advance(51)
    assert cache.get("touched") is None


# -- views ------------------------------------------------------------------------------------

def cached_view(alias, seconds):
    renders = []

    @cache_page(seconds, cache=alias)
    def view(request):
        renders.append(request.path)
        return HttpResponse(f"render {len(renders)} of {request.path}")

    return view, renders


def test_cache_page_serves_the_stored_response(alias):
    view, renders = cached_view(alias, 60)
    requests = RequestFactory()
    first = view(requests.get("/report"))
    second = view(requests.get("/report"))
    other = view(requests.get("/other"))
    assert first.content == second.content == b"render 1 of /report"
    assert other.content == b"render 2 of /other"
    assert renders == ["/report", "/other"]
    assert second["Cache-Control"] == "max-age=60"


def test_cache_page_renders_again_once_the_page_expires(alias, server_clock):
    view, renders = cached_view(alias, 60)
    requests = RequestFactory()
    view(requests.get("/report"))
    server_clock.advance(59)
    assert view(requests.get("/report")).content == b"render 1 of /report"
    server_clock.advance(2)
    assert view(requests.get("/report")).content == b"render 2 of /report"


# -- SASL: PyLibMCCache with username and password in OPTIONS, over TCP --------------------

@pytest.fixture
def sasl_cache(clusters):
    clusters(1, "sasl").endpoint("tcp").flush()
    yield caches["pylibmc-sasl-tcp"]
    caches["pylibmc-sasl-tcp"].close()


def test_a_cache_with_sasl_credentials_logs_in_and_works(sasl_cache, clusters):
    sasl_cache.set("greeting", "hello")
    assert sasl_cache.get("greeting") == "hello"
    assert sasl_cache.add("greeting", "again") is False
    assert sasl_cache.get_many(["greeting", "absent"]) == {"greeting": "hello"}
    sasl_cache.set("counter", 1)
    assert sasl_cache.incr("counter") == 2
    assert sasl_cache.delete("greeting") is True
    assert sasl_cache.get("greeting") is None
    stored = clusters(1, "sasl").endpoint("tcp").binary_value(":1:counter")
    assert stored == (4, b"2")  # 4: pylibmc's flag for an int


def test_cache_page_works_through_a_sasl_cache(sasl_cache):
    view, renders = cached_view("pylibmc-sasl-tcp", 60)
    requests = RequestFactory()
    assert view(requests.get("/report")).content == view(requests.get("/report")).content
    assert renders == ["/report"]
