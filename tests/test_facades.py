"""The versioned faces: ``phpstreams.php74`` / ``php82`` / ``php84`` have the names of
``phpstreams``, their own constants, and their own emulated PHP process, side by side."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from types import ModuleType

import pytest

import phpstreams
import phpstreams.php74 as php74
import phpstreams.php82 as php82
import phpstreams.php84 as php84
from phpstreams._php_state import runtime, runtimes
from phpstreams._profiles import PROFILES

FACADES = {"7.4": php74, "8.2": php82, "8.4": php84}


@pytest.fixture(autouse=True)
def pristine() -> Iterator[None]:
    """Each test starts from fresh runtimes and leaves them as it found them."""
    saved = {
        v: (
            dict(rt.ini),
            rt.errors.handler,
            list(rt.errors.stack),
            rt.errors.reporting,
            rt.errors.last,
        )
        for v, rt in runtimes.items()
    }
    yield
    for v, rt in runtimes.items():
        ini, handler, stack, reporting, last = saved[v]
        rt.ini.clear()
        rt.ini.update(ini)
        rt.errors.handler, rt.errors.stack[:], rt.errors.reporting = handler, stack, reporting
        rt.errors.last = last


@pytest.mark.parametrize("version", sorted(FACADES))
def test_same_names_as_phpstreams(version: str) -> None:
    """The names of phpstreams, less the functions that release does not define, plus
    its functions newer than 8.2."""
    facade = FACADES[version]
    missing = PROFILES[version].functions_missing
    added = sorted(PROFILES[version].functions_added)
    assert facade.__all__ == [n for n in phpstreams.__all__ if n not in missing] + added
    for name in facade.__all__:
        assert hasattr(facade, name), name
    for name in missing:
        assert not hasattr(facade, name), name


def test_functions_newer_than_82_only_where_defined() -> None:
    """stream_context_set_options() is PHP 8.3's: in the 8.4 facade, bound to its
    runtime; not in 7.4's, 8.2's or the plain names."""
    assert "stream_context_set_options" not in phpstreams.__all__
    assert not hasattr(php74, "stream_context_set_options")
    assert not hasattr(php82, "stream_context_set_options")
    ctx = php84.stream_context_create()
    assert php84.stream_context_set_options(ctx, {"ssl": {"verify_peer": False}}) is True
    assert php84.stream_context_get_options(ctx) == {"ssl": {"verify_peer": False}}


def test_functions_added_after_74_are_absent() -> None:
    """PHP 7.4 has no fsync()/fdatasync() (8.1): calling one is PHP's "Call to undefined
    function", so the 7.4 facade does not offer them."""
    assert hasattr(php82, "fsync") and hasattr(php82, "fdatasync")
    assert not hasattr(php74, "fsync") and not hasattr(php74, "fdatasync")


@pytest.mark.parametrize("version", sorted(FACADES))
def test_constants_are_the_profiles(version: str) -> None:
    facade: ModuleType = FACADES[version]
    profile = PROFILES[version]
    for name, value in profile.constants.items():
        assert getattr(facade, name) == value, name
    assert facade.RUNTIME is runtimes[version]


def test_e_all_differs_in_84() -> None:
    """E_STRICT left E_ALL in PHP 8.4 (32767 -> 30719)."""
    assert (php74.E_ALL, php82.E_ALL, php84.E_ALL) == (32767, 32767, 30719)
    assert phpstreams.E_ALL == php82.E_ALL


def test_ini_is_per_version() -> None:
    """Each version reports its own ini defaults and keeps its own settings."""
    assert php74.ini_get("extension_dir") == "/usr/lib/php/20190902"
    assert php84.ini_get("extension_dir") == "/usr/lib/php/20240924"
    assert phpstreams.ini_get("extension_dir") == "/usr/lib/php/20220829"
    php74.ini_set("default_socket_timeout", "7")
    assert php74.ini_get("default_socket_timeout") == "7"
    assert php84.ini_get("default_socket_timeout") == "60"
    assert phpstreams.ini_get("default_socket_timeout") == "60"


def test_error_state_is_per_version() -> None:
    """Handlers and error_get_last() belong to one version's process."""
    seen: list[str] = []

    def handler(no: int, text: str, file: str, line: int) -> bool:
        seen.append(text)
        return True

    php74.set_error_handler(handler)
    php74.error_clear_last()
    php84.error_clear_last()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        php84.stream_socket_client("nope://x")  # 8.4: standard handling
        php74.stream_socket_client("nope://x")  # 7.4: to the handler
    assert len(seen) == 1
    assert php74.error_get_last() is None
    last = php84.error_get_last()
    assert last is not None
    # The same failure in each version's words (7.4 does not capitalise "unable").
    assert last["message"].startswith("stream_socket_client(): Unable to connect to nope://x")
    assert seen[0].startswith("stream_socket_client(): unable to connect to nope://x")
    assert [str(w.message) for w in caught] == [last["message"]]


def test_default_error_reporting() -> None:
    """``php -n``: PHP 7.4 leaves out notices, strict and deprecations."""
    assert (php74.error_reporting(), php82.error_reporting(), php84.error_reporting()) == (
        22519,
        32767,
        30719,
    )


def test_silence_is_bound_to_its_version() -> None:
    """PHP 7's @ sets error_reporting to 0, PHP 8's to the fatal levels (4437)."""
    with php74.silence():
        assert php74.error_reporting() == 0
        assert php84.error_reporting() == php84.E_ALL  # 8.4's default is its E_ALL
    with php84.silence():
        assert php84.error_reporting() == 4437
    assert php74.silenced(php74.error_reporting) == 0
    assert php82.silenced(php82.error_reporting) == 4437


def test_plain_names_act_on_82_and_facade_calls_nest() -> None:
    assert runtime() is runtimes["8.2"]
    inner: list[object] = []

    def handler(*args: object) -> bool:
        inner.append(runtime())
        return True

    php74.set_error_handler(handler)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        php74.stream_socket_client("nope://x")
    assert inner == [runtimes["7.4"]]  # the handler runs inside the 7.4 call
    assert runtime() is runtimes["8.2"]


def test_a_new_thread_starts_on_82() -> None:
    seen: list[object] = []
    t = threading.Thread(target=lambda: seen.append(runtime()))
    t.start()
    t.join(5)
    assert seen == [runtimes["8.2"]]


def test_help_shows_the_php_signature() -> None:
    assert php74.stream_socket_client.__doc__ == phpstreams.stream_socket_client.__doc__
    assert php74.fread.__name__ == "fread"
