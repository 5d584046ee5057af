"""Unit tests for :mod:`phpstreams._phpvalues`: PHP's value semantics (truthiness,
integer and string conversion, numeric strings, ``atoi`` ports, ``addslashes`` and
float printing), checked against PHP 8.2's documented results."""

from __future__ import annotations

import math

import pytest

from phpstreams._phpvalues import (
    LONG_MAX,
    LONG_MIN,
    addslashes,
    as_text,
    atoi_port,
    is_array,
    numeric_string,
    parse_quantity,
    php_float_repr,
    php_float_to_string,
    php_type_name,
    strtol_prefix,
    to_bool,
    to_long,
    to_php_string,
)


def _id(value: object) -> str:
    """A stable test id (a bare object's repr contains its address)."""
    return "object()" if type(value) is object else repr(value)


class TestTruthiness:
    """``to_bool`` is PHP's ``zval_is_true``."""

    @pytest.mark.parametrize(
        "value",
        [None, False, 0, 0.0, -0.0, "", "0", b"", b"0", [], {}, ()],
        ids=_id,
    )
    def test_falsy(self, value: object) -> None:
        """null, false, 0, 0.0, "", "0" and the empty array are false in PHP."""
        assert to_bool(value) is False

    @pytest.mark.parametrize(
        "value",
        [
            True,
            1,
            -1,
            0.1,
            float("nan"),
            float("inf"),
            "0.0",
            "00",
            " ",
            "a",
            "false",
            b"1",
            [0],
            {"a": None},
            (None,),
            object(),
        ],
        ids=_id,
    )
    def test_truthy(self, value: object) -> None:
        """Everything else is true, including "0.0", " " and NAN."""
        assert to_bool(value) is True


class TestToLong:
    """``to_long`` is PHP's ``zval_get_long``, the lenient conversion of option values."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, 0),
            (False, 0),
            (True, 1),
            (42, 42),
            (-7, -7),
            (1.9, 1),
            (-1.9, -1),
            (float("nan"), 0),
            (float("inf"), 0),
            (float("-inf"), 0),
            ("12abc", 12),
            (" 12", 12),
            ("\t\n12 ", 12),
            ("+5", 5),
            ("-12x", -12),
            ("1e3", 1000),
            ("1.5e3x", 1500),
            ("1.9", 1),
            (".5", 0),
            ("0x1A", 0),
            ("", 0),
            ("abc", 0),
            (b"33", 33),
            ("9999999999999999999", LONG_MAX),
            ("-9999999999999999999", LONG_MIN),
            ([], 0),
            ([0], 1),
            ({}, 0),
            ({"k": 1}, 1),
        ],
        ids=_id,
    )
    def test_values(self, value: object, expected: int) -> None:
        """Strings convert their leading number (exponent included), arrays by emptiness."""
        assert to_long(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(1e19, -8446744073709551616), (-1e19, 8446744073709551616), (2.0**63, LONG_MIN)],
        ids=_id,
    )
    def test_out_of_range_float_wraps(self, value: float, expected: int) -> None:
        """An out-of-range finite float wraps modulo 2**64 (zend_dval_to_lval on 64-bit)."""
        assert to_long(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"), [("1e19", LONG_MAX), ("-1e19", LONG_MIN)], ids=_id
    )
    def test_out_of_range_float_string_saturates(self, value: str, expected: int) -> None:
        """A numeric string whose value is beyond the long range saturates, like strtol."""
        assert to_long(value) == expected


class TestStrtolPrefix:
    """``strtol_prefix`` is the string branch of ``(int)$string``."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("80abc", 80),
            ("  -12x", -12),
            ("+5", 5),
            ("1.9", 1),
            ("1e2", 100),
            (".5", 0),
            ("x", 0),
            ("", 0),
            ("\v\f7", 7),
            ("99999999999999999999", LONG_MAX),
            (b"64k", 64),
        ],
        ids=_id,
    )
    def test_prefix(self, text: str | bytes, expected: int) -> None:
        """Leading whitespace and sign are skipped; the numeric prefix decides the value."""
        assert strtol_prefix(text) == expected


class TestNumericString:
    """``numeric_string`` is ``is_numeric_string`` without errors allowed: the whole
    string must be numeric (leading and trailing whitespace are allowed in PHP 8)."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1", 1),
            (" 1", 1),
            ("1 ", 1),
            ("\n1\n", 1),
            ("+1", 1),
            ("-0", 0),
            ("1.5", 1.5),
            ("1e3", 1000.0),
            (".5", 0.5),
            ("5.", 5.0),
            (b"12", 12),
            ("-9223372036854775808", LONG_MIN),
            ("9223372036854775807", LONG_MAX),
        ],
        ids=_id,
    )
    def test_numeric(self, text: str | bytes, expected: float) -> None:
        """Whole numeric strings give their int or float value."""
        result = numeric_string(text)
        assert result == expected
        assert type(result) is type(expected)

    def test_integer_overflow_becomes_float(self) -> None:
        """An integer string beyond PHP_INT_MAX is numeric but a float."""
        result = numeric_string("9223372036854775808")
        assert isinstance(result, float)
        assert result == 9223372036854775808.0

    @pytest.mark.parametrize(
        "text", ["", " ", "abc", "1abc", "1e", "0x1A", ".", "1 2", "- 1", "inf", "nan"], ids=_id
    )
    def test_not_numeric(self, text: str) -> None:
        """Anything with trailing garbage, hex, or no digits is not numeric."""
        assert numeric_string(text) is None


class TestAtoiPort:
    """``atoi_port`` is C ``atoi`` of the text after the colon, truncated by ``htons``."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("80", 80),
            ("80abc", 80),
            ("+80", 80),
            (" 80", 80),
            ("\t80", 80),
            ("80/client0", 80),
            ("1e3", 1),
            ("x", 0),
            ("", 0),
            ("0", 0),
            ("65535", 65535),
            ("65536", 0),
            ("84541", 19005),
            ("-1", 65535),
            ("99999999999999999999", 65535),
            ("-99999999999999999999", 0),
        ],
        ids=_id,
    )
    def test_port(self, text: str, expected: int) -> None:
        """Ports take the leading integer and wrap modulo 65536 (84541 reaches 19005)."""
        assert atoi_port(text) == expected


class TestAddslashes:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("plain", "plain"),
            ("", ""),
            ("it's", "it\\'s"),
            ('say "hi"', 'say \\"hi\\"'),
            ("a\\b", "a\\\\b"),
            ("localhost\0.example.com", "localhost\\0.example.com"),
            ("'\"\\\0", "\\'\\\"\\\\\\0"),
        ],
        ids=_id,
    )
    def test_addslashes(self, text: str, expected: str) -> None:
        """addslashes quotes ', ", \\ and turns NUL into the two characters \\0."""
        assert addslashes(text) == expected


class TestFloatPrinting:
    """``php_float_repr`` is var_dump/var_export (serialize_precision -1);
    ``php_float_to_string`` is ``(string)$f`` (precision 14)."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1.5, "1.5"),
            (-1.5, "-1.5"),
            (100.0, "100"),
            (0.1, "0.1"),
            (1e15, "1000000000000000"),
            (1e-5, "1.0E-5"),
            (0.0001, "0.0001"),
            (1 / 3, "0.3333333333333333"),
            (1.2345678901234567e19, "1.2345678901234567E+19"),
            (0.1 + 0.2, "0.30000000000000004"),
            (0.0, "0"),
            (-0.0, "-0"),
            (float("inf"), "INF"),
            (float("-inf"), "-INF"),
            (float("nan"), "NAN"),
        ],
        ids=_id,
    )
    def test_repr(self, value: float, expected: str) -> None:
        """var_dump prints the shortest round-trip digits, switching to E notation."""
        assert php_float_repr(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1.5, "1.5"),
            (100.0, "100"),
            (1e15, "1.0E+15"),
            (1e14, "1.0E+14"),
            (1e-5, "1.0E-5"),
            (0.0001, "0.0001"),
            (1 / 3, "0.33333333333333"),
            (1.2345678901234567e19, "1.2345678901235E+19"),
            (0.1 + 0.2, "0.3"),
            (-0.0, "-0"),
            (float("inf"), "INF"),
            (float("nan"), "NAN"),
        ],
        ids=_id,
    )
    def test_to_string(self, value: float, expected: str) -> None:
        """(string)$f rounds to 14 significant digits and uses E notation beyond them."""
        assert php_float_to_string(value) == expected


class TestStringConversion:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, ""),
            (False, ""),
            (True, "1"),
            (0, "0"),
            (-12, "-12"),
            (1.0, "1"),
            (1e15, "1.0E+15"),
            ("text", "text"),
            (b"bytes", "bytes"),
            ([1], "Array"),
        ],
        ids=_id,
    )
    def test_to_php_string(self, value: object, expected: str) -> None:
        """zval_get_string: null/false "", true "1", floats at precision 14, arrays "Array"."""
        assert to_php_string(value) == expected

    def test_bytes_round_trip(self) -> None:
        """Any PHP byte string survives the bytes -> str -> bytes round trip."""
        raw = bytes(range(256))
        assert as_text(raw).encode("utf-8", "surrogateescape") == raw
        assert as_text("already text") == "already text"


class TestTypeNames:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, "null"),
            (True, "bool"),
            (1, "int"),
            (1.0, "float"),
            ("s", "string"),
            (b"s", "string"),
            ([], "array"),
            ({}, "array"),
            ((), "array"),
        ],
        ids=_id,
    )
    def test_type_name(self, value: object, expected: str) -> None:
        """The names PHP 8.2 prints in "must be of type X, Y given"."""
        assert php_type_name(value) == expected

    def test_resource_type_name(self) -> None:
        """Anything carrying a resource_type is a "resource"."""

        class Res:
            resource_type = "stream"

        assert php_type_name(Res()) == "resource"

    @pytest.mark.parametrize(
        ("value", "expected"), [([], True), ({}, True), ((), True), ("a", False), (None, False)]
    )
    def test_is_array(self, value: object, expected: bool) -> None:
        """Lists, tuples and mappings stand for PHP arrays."""
        assert is_array(value) is expected


def test_long_limits() -> None:
    """PHP_INT_MAX / PHP_INT_MIN of 64-bit PHP."""
    assert LONG_MAX == 2**63 - 1
    assert LONG_MIN == -(2**63)
    assert math.isclose(float(LONG_MAX), 2.0**63)


@pytest.mark.parametrize(
    ("text", "value"),
    [("9" * 400, math.inf), ("-" + "9" * 400, -math.inf), ("0" * 5000 + "7", 7),
     ("9" * 20, 1e20), ("9223372036854775807", LONG_MAX)],
)  # fmt: skip
def test_numeric_string_long_digit_strings(text: str, value: float) -> None:
    """Overflowing integer strings are doubles (INF past DBL_MAX), never Python's
    int-digit-limit ValueError or OverflowError."""
    assert numeric_string(text) == value


def test_atoi_port_and_strtol_on_huge_digit_strings() -> None:
    assert atoi_port("0" * 5000 + "443") == 443
    assert atoi_port("9" * 5000) == LONG_MAX & 0xFFFF
    assert strtol_prefix("-" + "9" * 5000) == LONG_MIN


@pytest.mark.parametrize(
    ("text", "value", "problem"),
    [
        ("", 0, None), ("1k", 1024, None), ("1 M", 1 << 20, None), ("0x1f", 31, None),
        ("010", 8, None), ("0b101", 5, None), ("-0x10", -16, None), ("0xfg", 15 << 30, None),
        ("abc", 0, "quantity_no_digits"), ("0x", 0, "quantity_no_digits_after_prefix"),
        ("2.9", 2, "quantity_unknown_multiplier"), ("08", 0, "quantity_unknown_multiplier"),
        ("1.5k", 1024, "quantity_junk"), ("99999999999999999999", -1, "quantity_out_of_range"),
        ("9999999999999999g", -7210192635749728256, "quantity_out_of_range"),
    ],
)  # fmt: skip
def test_parse_quantity(text: str, value: int, problem: str | None) -> None:
    """zend_ini_parse_quantity's value and problem (values checked with PHP 8.2's
    ini_parse_quantity())."""
    got, found = parse_quantity(text)
    assert got == value
    assert (found[0] if found else None) == problem


def test_parse_quantity_escapes_its_texts() -> None:
    _, problem = parse_quantity("5\0")
    assert problem == (
        "quantity_unknown_multiplier",
        {"quantity": "5\\x00", "multiplier": "\\x00", "interpreted": "5"},
    )
