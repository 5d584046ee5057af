"""Unit tests for :mod:`phpstreams._php_args`: PHP 8.2's coercive-mode argument parsing
(``zend_parse_arg_*_weak``) with its exact TypeError texts and E_DEPRECATED
diagnostics, and the :class:`~phpstreams.Ref` by-reference convention."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import pytest

from phpstreams import (
    PHPDeprecated,
    Ref,
    StreamContext,
    error_get_last,
    fclose,
    fopen,
    stream_context_create,
)
from phpstreams._php_args import (
    arg_bool,
    arg_context,
    arg_float,
    arg_int,
    arg_ref,
    arg_resource,
    arg_stream,
    arg_string,
    type_error,
)
from phpstreams._stream import MemoryStream

pytestmark = pytest.mark.usefixtures("php_runtime")


@pytest.fixture
def memory() -> Iterator[MemoryStream]:
    stream = fopen("php://memory", "w+")
    assert isinstance(stream, MemoryStream)
    yield stream
    stream.close()


class TestRef:
    def test_default_is_null(self) -> None:
        """A fresh by-reference variable holds null."""
        assert Ref().value is None

    def test_holds_value(self) -> None:
        """A Ref holds what it was given and can be rebound."""
        ref = Ref("preset")
        assert ref.value == "preset"
        ref.value = 3
        assert ref.value == 3

    def test_repr(self) -> None:
        """The repr shows the value."""
        assert repr(Ref()) == "Ref(None)"
        assert repr(Ref(111)) == "Ref(111)"

    def test_slots(self) -> None:
        """A Ref is exactly one variable: no other attributes."""
        with pytest.raises(AttributeError):
            Ref().other = 1  # type: ignore[attr-defined]

    def test_arg_ref_accepts_ref_and_none(self) -> None:
        """By-reference parameters take a Ref, or None to ignore the output."""
        ref = Ref()
        assert arg_ref("f", 3, "error_code", ref) is ref
        assert arg_ref("f", 3, "error_code", None) is None

    @pytest.mark.parametrize(("value", "given"), [(0, "int"), ("", "str"), ([], "list")])
    def test_arg_ref_refuses_values(self, value: object, given: str) -> None:
        """Passing a plain value where PHP takes &$var is a TypeError naming Ref."""
        with pytest.raises(TypeError) as info:
            arg_ref("fsockopen", 3, "error_code", value)
        assert str(info.value) == (
            "fsockopen(): Argument #3 ($error_code) must be passed as phpstreams.Ref "
            f"(PHP passes it by reference), {given} given"
        )


class TestInt:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (True, 1),
            (False, 0),
            (7, 7),
            (-7, -7),
            (2.0, 2),
            (-0.0, 0),
            ("12", 12),
            (" 12 ", 12),
            ("\n12", 12),
            ("+3", 3),
            ("1e3", 1000),
            ("2.0", 2),
            (b"44", 44),
            ("9223372036854775807", 2**63 - 1),
        ],
        ids=repr,
    )
    def test_coerces_silently(self, value: object, expected: int) -> None:
        """bool, integral floats and whole numeric strings convert without a diagnostic."""
        result = arg_int("f", 2, "port", value)
        assert result == expected
        assert type(result) is int

    def test_fractional_float_deprecated(self) -> None:
        """A fractional float truncates with PHP 8.1's deprecation (no function prefix)."""
        with pytest.warns(PHPDeprecated) as record:
            assert arg_int("f", 2, "port", 1.5) == 1
        assert [str(w.message) for w in record] == [
            "Implicit conversion from float 1.5 to int loses precision"
        ]

    def test_fractional_float_uses_repr_digits(self) -> None:
        """The float in the deprecation is printed with var_dump's shortest digits."""
        with pytest.warns(PHPDeprecated, match=re.escape("from float 0.30000000000000004 to")):
            assert arg_int("f", 2, "port", 0.1 + 0.2) == 0

    def test_fractional_float_string_deprecated(self) -> None:
        """A fractional numeric string truncates with the float-string deprecation."""
        with pytest.warns(PHPDeprecated) as record:
            assert arg_int("f", 2, "port", "1.5") == 1
        assert [str(w.message) for w in record] == [
            'Implicit conversion from float-string "1.5" to int loses precision'
        ]

    def test_null_deprecated(self) -> None:
        """null to a non-nullable int is 0 with the 8.1 deprecation, prefixed by func()."""
        with pytest.warns(PHPDeprecated) as record:
            assert arg_int("fsockopen", 2, "port", None) == 0
        assert [str(w.message) for w in record] == [
            "fsockopen(): Passing null to parameter #2 ($port) of type int is deprecated"
        ]
        last = error_get_last()
        assert last is not None and last["type"] == 8192

    def test_null_nullable(self) -> None:
        """null to a ?int parameter is null, silently."""
        assert arg_int("f", 2, "port", None, nullable=True) is None

    @pytest.mark.parametrize(
        ("value", "given"),
        [
            ("12abc", "string"),
            ("abc", "string"),
            ("", "string"),
            ("0x1A", "string"),
            ("9223372036854775808", "string"),
            (float("nan"), "float"),
            (float("inf"), "float"),
            (1e20, "float"),
            (2**63, "float"),
            ([1], "array"),
            ({}, "array"),
        ],
        ids=repr,
    )
    def test_type_errors(self, value: object, given: str) -> None:
        """Leading-numeric or non-numeric strings, non-finite or out-of-range floats and
        arrays are TypeErrors with PHP's text."""
        with pytest.raises(TypeError) as info:
            arg_int("fsockopen", 2, "port", value)
        assert str(info.value) == (
            f"fsockopen(): Argument #2 ($port) must be of type int, {given} given"
        )

    def test_nullable_type_error(self) -> None:
        """A nullable int parameter names its type ?int."""
        with pytest.raises(TypeError, match=re.escape("must be of type ?int, array given")):
            arg_int("f", 1, "length", [], nullable=True)


class TestFloat:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (True, 1.0),
            (False, 0.0),
            (3, 3.0),
            (1.5, 1.5),
            ("1.5", 1.5),
            (" 2 ", 2.0),
            ("1e3", 1000.0),
        ],
        ids=repr,
    )
    def test_coerces(self, value: object, expected: float) -> None:
        """bool, int and numeric strings convert to float silently."""
        result = arg_float("f", 5, "timeout", value)
        assert result == expected
        assert type(result) is float

    def test_null(self) -> None:
        """null is 0.0 with a deprecation, or null for ?float."""
        assert arg_float("f", 5, "timeout", None, nullable=True) is None
        with pytest.warns(
            PHPDeprecated,
            match=re.escape(
                "f(): Passing null to parameter #5 ($timeout) of type float is deprecated"
            ),
        ):
            assert arg_float("f", 5, "timeout", None) == 0.0

    @pytest.mark.parametrize(
        ("value", "given", "nullable"),
        [("x", "string", False), ("1x", "string", True), ([], "array", False)],
        ids=repr,
    )
    def test_type_errors(self, value: object, given: str, nullable: bool) -> None:
        """Non-numeric strings and arrays are TypeErrors."""
        typ = "?float" if nullable else "float"
        with pytest.raises(TypeError) as info:
            arg_float("fsockopen", 5, "timeout", value, nullable=nullable)
        assert str(info.value) == (
            f"fsockopen(): Argument #5 ($timeout) must be of type {typ}, {given} given"
        )


class TestString:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("s", "s"),
            (b"\xffraw", b"\xffraw".decode("utf-8", "surrogateescape")),
            (bytearray(b"ba"), "ba"),
            (1, "1"),
            (-3, "-3"),
            (1.5, "1.5"),
            (1e15, "1.0E+15"),
            (0.1 + 0.2, "0.3"),
            (True, "1"),
            (False, ""),
        ],
        ids=repr,
    )
    def test_coerces(self, value: object, expected: str) -> None:
        """Scalars convert like (string): floats at precision 14, true "1", false ""."""
        assert arg_string("f", 1, "hostname", value) == expected

    def test_null(self) -> None:
        """null is "" with a deprecation, or null for ?string."""
        assert arg_string("f", 1, "hostname", None, nullable=True) is None
        with pytest.warns(
            PHPDeprecated,
            match=re.escape(
                "f(): Passing null to parameter #1 ($hostname) of type string is deprecated"
            ),
        ):
            assert arg_string("f", 1, "hostname", None) == ""

    @pytest.mark.parametrize(
        ("value", "nullable", "message"),
        [
            ([], False, "must be of type string, array given"),
            ({}, True, "must be of type ?string, array given"),
        ],
    )
    def test_type_errors(self, value: object, nullable: bool, message: str) -> None:
        """Arrays never convert to strings."""
        with pytest.raises(TypeError) as info:
            arg_string("f", 1, "hostname", value, nullable=nullable)
        assert str(info.value) == f"f(): Argument #1 ($hostname) {message}"


class TestBool:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (True, True),
            (0, False),
            (2, True),
            (0.0, False),
            ("0", False),
            ("", False),
            ("0.0", True),
            ("false", True),
        ],
        ids=repr,
    )
    def test_coerces(self, value: object, expected: bool) -> None:
        """Scalars convert by PHP truthiness."""
        assert arg_bool("f", 2, "enable", value) is expected

    def test_null(self) -> None:
        """null is false with a deprecation, or null for ?bool."""
        assert arg_bool("f", 2, "enable", None, nullable=True) is None
        with pytest.warns(
            PHPDeprecated,
            match=re.escape(
                "f(): Passing null to parameter #2 ($enable) of type bool is deprecated"
            ),
        ):
            assert arg_bool("f", 2, "enable", None) is False

    def test_array_is_type_error(self) -> None:
        """Arrays never convert to bool parameters."""
        with pytest.raises(TypeError) as info:
            arg_bool("f", 2, "enable", [])
        assert str(info.value) == "f(): Argument #2 ($enable) must be of type bool, array given"


class TestResources:
    def test_type_error_helper(self) -> None:
        """type_error builds PHP's "Argument #N ($name) must be of type X, Y given"."""
        err = type_error("fread", 1, "stream", "resource", 5)
        assert isinstance(err, TypeError)
        assert str(err) == "fread(): Argument #1 ($stream) must be of type resource, int given"

    @pytest.mark.parametrize(("value", "given"), [(5, "int"), ("s", "string"), (None, "null")])
    def test_arg_resource(self, value: object, given: str) -> None:
        """A non-resource is a TypeError naming its PHP type."""
        with pytest.raises(TypeError) as info:
            arg_resource("fread", 1, "stream", value)
        assert str(info.value) == (
            f"fread(): Argument #1 ($stream) must be of type resource, {given} given"
        )

    def test_arg_stream_live(self, memory: MemoryStream) -> None:
        """A live stream resource passes through."""
        assert arg_stream("fread", 1, "stream", memory) is memory

    def test_arg_stream_closed(self, memory: MemoryStream) -> None:
        """A closed stream is "not a valid stream resource" (PHP 8 TypeError)."""
        fclose(memory)
        with pytest.raises(TypeError) as info:
            arg_stream("fread", 1, "stream", memory)
        assert str(info.value) == "fread(): supplied resource is not a valid stream resource"

    def test_arg_stream_context(self) -> None:
        """A context is a resource, but not a stream resource."""
        with pytest.raises(TypeError) as info:
            arg_stream("fread", 1, "stream", stream_context_create())
        assert str(info.value) == "fread(): supplied resource is not a valid stream resource"

    def test_arg_stream_not_resource(self) -> None:
        """A non-resource is a type error before any resource check."""
        with pytest.raises(TypeError) as info:
            arg_stream("fread", 1, "stream", 5)
        assert (
            str(info.value) == "fread(): Argument #1 ($stream) must be of type resource, int given"
        )

    def test_arg_context(self) -> None:
        """A context passes; null is allowed for the optional context parameter."""
        ctx = stream_context_create()
        assert isinstance(ctx, StreamContext)
        assert arg_context("stream_socket_client", 6, "context", ctx) is ctx
        assert arg_context("stream_socket_client", 6, "context", None) is None

    def test_arg_context_stream(self, memory: MemoryStream) -> None:
        """A stream where a context is expected is not a valid Stream-Context resource."""
        with pytest.raises(TypeError) as info:
            arg_context("stream_socket_client", 6, "context", memory)
        assert str(info.value) == (
            "stream_socket_client(): supplied resource is not a valid Stream-Context resource"
        )

    def test_arg_context_type_error(self) -> None:
        """A non-resource context is "must be of type resource or null, int given"."""
        with pytest.raises(TypeError) as info:
            arg_context("stream_socket_client", 6, "context", 5)
        assert str(info.value) == (
            "stream_socket_client(): Argument #6 ($context) must be of type resource or null, "
            "int given"
        )

    def test_arg_context_required(self) -> None:
        """A required context parameter refuses null as "of type resource"."""
        with pytest.raises(TypeError) as info:
            arg_context("f", 1, "context", None, nullable=False)
        assert str(info.value) == "f(): Argument #1 ($context) must be of type resource, null given"


def test_no_diagnostic_for_valid_arguments() -> None:
    """Well-typed arguments never raise a PHP diagnostic."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert arg_int("f", 1, "n", 3) == 3
        assert arg_string("f", 1, "s", "x") == "x"
        assert arg_float("f", 1, "t", 1.5) == 1.5
        assert arg_bool("f", 1, "b", True) is True


class TestArgumentCount:
    """php_function: PHP's ArgumentCountError text for a call that cannot bind."""

    def test_counts(self) -> None:
        from phpstreams import fread, stream_select, stream_socket_client
        from phpstreams._php_args import ArgumentCountError

        m = fopen("php://memory", "r")
        with pytest.raises(
            ArgumentCountError, match=re.escape("fread() expects exactly 2 arguments, 1 given")
        ):
            fread(m)  # type: ignore[call-arg]
        with pytest.raises(
            TypeError,
            match=re.escape("stream_socket_client() expects at most 6 arguments, 7 given"),
        ):
            stream_socket_client("tcp://127.0.0.1:1", None, None, 1, 4, None, 7)  # type: ignore[call-arg]
        with pytest.raises(
            TypeError, match=re.escape("stream_select() expects at least 4 arguments, 1 given")
        ):
            stream_select(Ref())  # type: ignore[call-arg]
        fclose(m)

    def test_type_errors_inside_are_not_rewritten(self) -> None:
        """Only a failure to bind is an argument-count error."""
        from phpstreams._php_args import php_function

        @php_function
        def _probe_args(a: object) -> None:
            raise TypeError("inner")

        with pytest.raises(TypeError, match=r"^inner$"):
            _probe_args(1)
        with pytest.raises(
            TypeError, match=re.escape("probe() expects exactly 1 argument, 2 given")
        ):
            _probe_args(1, 2)  # type: ignore[call-arg]
