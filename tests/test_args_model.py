"""The argument-error model as profile data (``Profile.arg_errors`` and friends): PHP 8
throws TypeError / ValueError / ArgumentCountError; PHP 7.4 warns and returns NULL or
FALSE, coerces null and fractional floats silently and takes leading-numeric strings
with an E_NOTICE. Texts and return values as ``php7.4-oracle -n`` prints them."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import pytest

import phpstreams
from phpstreams._php_args import OMITTED, ArgumentCountError, ArgumentWarning, php_function
from phpstreams._php_state import activate, runtime_for
from phpstreams._phpvalues import leading_numeric_string
from phpstreams._profiles import PHP_7_4, PHP_8_2

Seen = list[tuple[int, str]]

# The facades' names are made at import (typed Any here, as their stubs lag).
php74: Any = importlib.import_module("phpstreams.php74")
php82: Any = importlib.import_module("phpstreams.php82")


@pytest.fixture
def seen74() -> Iterator[Seen]:
    """Every 7.4 diagnostic, whatever error_reporting says (a handler sees all)."""
    got: Seen = []

    def handler(errno: int, errstr: str) -> bool:
        got.append((errno, errstr))
        return True

    php74.set_error_handler(handler)
    try:
        yield got
    finally:
        php74.restore_error_handler()


@pytest.fixture
def mem74() -> Any:
    m = php74.fopen("php://memory", "r+")
    php74.fwrite(m, "abcdef\n")
    php74.rewind(m)
    return m


def test_profiles_name_the_model() -> None:
    """8.2 throws and keeps PHP 8's coercions; 7.4 warns with PHP 7's."""
    assert PHP_8_2.arg_errors == "throw" and PHP_7_4.arg_errors == "warn"
    assert PHP_8_2.numeric_strings == "saner" and PHP_7_4.numeric_strings == "legacy"
    assert PHP_8_2.null_to_scalar_deprecated and not PHP_7_4.null_to_scalar_deprecated
    assert PHP_8_2.float_to_int_deprecated and not PHP_7_4.float_to_int_deprecated
    assert not PHP_8_2.zpp_failure_returns_null
    assert "stream_set_blocking" in PHP_7_4.zpp_failure_returns_null
    assert "fread" not in PHP_7_4.zpp_failure_returns_null


def test_type_error_warns_and_returns_false(seen74: Seen, mem74: Any) -> None:
    """fread's failed zpp: ``RETURN_FALSE`` after the "expects parameter" warning."""
    assert php74.fread(mem74, "x") is False
    assert seen74 == [(2, "fread() expects parameter 2 to be int, string given")]


def test_type_error_returns_null_where_php_does(seen74: Seen, mem74: Any) -> None:
    """stream_set_blocking's failed zpp is a plain ``return;``: NULL."""
    assert php74.stream_set_blocking(mem74, []) is None
    assert seen74 == [(2, "stream_set_blocking() expects parameter 2 to be bool, array given")]


def test_expected_type_has_no_nullable_marker(seen74: Seen) -> None:
    """PHP 7 names the base type: "float", not "?float"; "resource", not "or null"."""
    assert php74.stream_socket_client("tcp://127.0.0.1:1", None, None, "abc") is False
    assert php74.stream_socket_client("tcp://127.0.0.1:1", None, None, 1, 4, []) is False
    assert seen74 == [
        (2, "stream_socket_client() expects parameter 4 to be float, string given"),
        (2, "stream_socket_client() expects parameter 6 to be resource, array given"),
    ]


def test_object_given_is_object(seen74: Seen, mem74: Any) -> None:
    """PHP 7's zend_zval_type_name says "object" for any object."""
    assert php74.fread(mem74, object()) is False
    assert seen74 == [(2, "fread() expects parameter 2 to be int, object given")]


def test_count_error_warns(seen74: Seen, mem74: Any) -> None:
    """Too few / too many: "parameters" in 7.4, and the zpp-failure value."""
    assert php74.fread(mem74) is False
    assert php74.stream_get_transports(1) is None
    assert php74.fclose() is False
    assert seen74 == [
        (2, "fread() expects exactly 2 parameters, 1 given"),
        (2, "stream_get_transports() expects exactly 0 parameters, 1 given"),
        (2, "fclose() expects exactly 1 parameter, 0 given"),
    ]


def test_function_specific_checks_warn_and_return_false(seen74: Seen, mem74: Any) -> None:
    """The checks 8 turned into ValueErrors: PHP 7's own texts, FALSE."""
    assert php74.fread(mem74, 0) is False
    assert php74.fgets(mem74, None) is False  # not nullable in 7.4: 0
    assert php74.stream_get_line(mem74, -1) is False
    assert php74.stream_get_contents(mem74, -2) is False
    assert php74.stream_set_chunk_size(mem74, 0) is False
    assert php74.ftruncate(mem74, -1) is False
    assert php74.flock(mem74, 0) is False
    assert seen74 == [
        (2, "fread(): Length parameter must be greater than 0"),
        (2, "fgets(): Length parameter must be greater than 0"),
        (2, "stream_get_line(): The maximum allowed length must be greater than or equal to zero"),
        (2, "stream_get_contents(): Length must be greater than or equal to zero, or -1"),
        (2, "stream_set_chunk_size(): The chunk size must be a positive integer, given 0"),
        (2, "ftruncate(): Negative size is not supported"),
        (2, "flock(): Illegal operation argument"),
    ]


def test_closed_stream_warns_and_returns_false(seen74: Seen, mem74: Any) -> None:
    """php_stream_from_zval: a warning and FALSE, also through the C fast paths."""
    php74.fclose(mem74)
    assert php74.fread(mem74, 1) is False
    assert php74.fwrite(mem74, "x") is False
    assert php74.stream_get_meta_data(mem74) is False
    assert seen74 == [
        (2, f"{f}(): supplied resource is not a valid stream resource")
        for f in ("fread", "fwrite", "stream_get_meta_data")
    ]


def test_legacy_numeric_strings(seen74: Seen, mem74: Any) -> None:
    """A leading-numeric string (trailing whitespace included) is its number, with
    PHP 7's notice; a fractional float or null passes silently."""
    assert php74.fread(mem74, "2abc") == b"ab"
    assert php74.fread(mem74, "1 ") == b"c"
    assert php74.fread(mem74, " 1") == b"d"
    assert php74.fread(mem74, 1.9) == b"e"
    assert php74.fwrite(mem74, "xyz", None) == 0  # null length: 0 bytes
    assert seen74 == [(8, "A non well formed numeric value encountered")] * 2


def test_php82_unchanged(mem74: Any) -> None:
    """The same calls under 8.2 still throw PHP 8's exceptions."""
    m = php82.fopen("php://memory", "r+")
    with pytest.raises(TypeError, match=r"^fread\(\): Argument #2 \(\$length\) must be of type"):
        php82.fread(m, "2abc")
    with pytest.raises(ValueError, match="must be greater than 0"):
        php82.fread(m, 0)
    with pytest.raises(ArgumentCountError, match="expects exactly 2 arguments"):
        php82.fread(m)
    php82.fclose(m)
    with pytest.raises(TypeError, match="supplied resource is not a valid stream resource"):
        php82.fread(m, 1)


def test_context_set_option_php7_signatures(seen74: Seen) -> None:
    """PHP 7 picks the form by the argument count: (ctx, array) or exactly four."""
    ctx = php74.stream_context_create()
    assert php74.stream_context_set_option(ctx, "socket", "backlog") is False
    assert php74.stream_context_set_option(ctx, "socket") is False
    assert php74.stream_context_set_option(ctx, "socket", None, 1) is True
    assert php74.stream_context_get_options(ctx) == {"socket": {"": 1}}
    assert seen74 == [
        (2, "stream_context_set_option() expects exactly 4 parameters, 3 given"),
        (2, "stream_context_set_option() expects parameter 2 to be array, string given"),
    ]


def test_options_form_warns_and_carries_on(seen74: Seen) -> None:
    """A bad entry is skipped with a warning; the context is still created."""
    ctx = php74.stream_context_create({"ssl": 1, "socket": {"backlog": 5}})
    assert php74.stream_context_get_options(ctx) == {"socket": {"backlog": 5}}
    assert seen74 == [
        (
            2,
            'stream_context_create(): options should have the form ["wrappername"]'
            '["optionname"] = $value',
        )
    ]


def test_argument_warning_never_escapes() -> None:
    """php_function is the boundary: an ArgumentWarning becomes the warning and the
    zpp-failure value of the function (by its PHP name) in the active profile."""

    @php_function
    def stream_select() -> Any:
        raise ArgumentWarning("stream_select(): x")

    @php_function
    def stream_set_chunk_size() -> Any:
        raise ArgumentWarning("stream_set_chunk_size(): y")

    @php_function
    def fread() -> Any:
        raise ArgumentWarning("fread(): z", returns=-1)

    with activate(runtime_for("7.4")):
        with pytest.warns(phpstreams.PHPWarning, match="x"):
            assert stream_select() is None
        with pytest.warns(phpstreams.PHPWarning, match="y"):
            assert stream_set_chunk_size() is False
        with pytest.warns(phpstreams.PHPWarning, match="z"):
            assert fread() == -1


def test_omitted_shows_as_none() -> None:
    """Parameters defaulting to OMITTED keep PHP 8's signature (None) for introspection."""
    sig = inspect.signature(phpstreams.stream_socket_server)
    assert sig.parameters["context"].default is None
    assert OMITTED is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", (12, True)),
        (" 12", (12, True)),
        ("12 ", (12, False)),
        ("12abc", (12, False)),
        ("1.5", (1.5, True)),
        ("1e3", (1000.0, True)),
        ("1e", (1, False)),
        (".5x", (0.5, False)),
        ("99999999999999999999", (1e20, True)),
        ("abc", None),
        ("", None),
        ("  ", None),
    ],
)
def test_leading_numeric_string(text: str, expected: tuple[int | float, bool] | None) -> None:
    """PHP 7's is_numeric_string with errors allowed."""
    assert leading_numeric_string(text) == expected


def test_php7_error_reporting_takes_any_value(seen74: Seen) -> None:
    """7.4's error_reporting(mixed): null is 0, a string its atoi, an array "Array"
    (after the E_NOTICE); the ini entry holds the string form."""
    old = php74.error_reporting()
    try:
        php74.error_reporting(None)
        assert php74.error_reporting() == 0
        assert php74.ini_get("error_reporting") == ""
        php74.error_reporting("10abc")
        assert php74.error_reporting() == 10
        assert php74.ini_get("error_reporting") == "10abc"
        assert php74.error_reporting([]) == 10
        assert php74.error_reporting() == 0
    finally:
        php74.error_reporting(old)
    assert seen74 == [(8, "Array to string conversion")]


def test_php7_set_error_handler_checks_levels_first(seen74: Seen) -> None:
    """PHP 7 parses $error_levels before it checks the callback; both return NULL."""
    assert php74.set_error_handler(5, "x") is None
    assert php74.set_error_handler(5) is None
    assert seen74 == [
        (2, "set_error_handler() expects parameter 2 to be int, string given"),
        (2, "set_error_handler() expects the argument (5) to be a valid callback"),
    ]
