"""PHP's value semantics that several layers need: truthiness, integer and string
conversion, numeric strings, C's ``strtol``/``atoi``, ``addslashes``, float printing.

Layering rule: pure functions, no I/O, no imports from phpstreams.

Python values stand for PHP values like this: ``None`` null, ``bool``, ``int``,
``float``, ``str``/``bytes`` string, ``dict``/``list``/``tuple`` array, and stream or
context objects are resources.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal

__all__ = [
    "LONG_MAX",
    "LONG_MIN",
    "addslashes",
    "as_text",
    "atoi_port",
    "strtol_port",
    "is_array",
    "leading_numeric_string",
    "numeric_string",
    "parse_quantity",
    "double_to_ull",
    "fsock_timeval",
    "ull_timeval",
    "zend_atol",
    "php_float_repr",
    "php_float_to_string",
    "php_type_name",
    "to_bool",
    "to_long",
    "to_php_string",
]

LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)

# PHP's numeric-string grammar (Zend/zend_operators.c): optional leading whitespace,
# sign, digits with optional fraction and exponent, optional trailing whitespace.
_WS = " \t\n\r\v\f"
_WS_BYTES = _WS.encode()
_NUMERIC_RE = re.compile(
    rb"[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)[ \t\n\r\v\f]*\Z"
)
_INT_RE = re.compile(rb"[+-]?\d+\Z")


def as_text(value: str | bytes) -> str:
    """PHP strings are bytes; we carry them as ``str``. Bytes map 1:1 to code points
    via UTF-8 with surrogate escapes, so any byte string round-trips."""
    if isinstance(value, str):
        return value
    return value.decode("utf-8", "surrogateescape")


def _as_bytes(value: str | bytes) -> bytes:
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8", "surrogateescape")


def is_array(value: object) -> bool:
    return isinstance(value, Mapping | list | tuple)


def php_type_name(value: object) -> str:
    """The type name PHP 8.2 prints in "must be of type X, Y given"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str | bytes | bytearray):
        return "string"
    if is_array(value):
        return "array"
    resource_type = getattr(value, "resource_type", None)
    if isinstance(resource_type, str):
        return "resource"
    return type(value).__name__


def numeric_string(value: str | bytes) -> int | float | None:
    """PHP's ``is_numeric_string``: the int or float a *whole* numeric string denotes,
    or ``None``. Integer strings beyond the long range become floats, as in PHP."""
    raw = _as_bytes(value)
    m = _NUMERIC_RE.match(raw)
    if m is None:
        return None
    text = m.group(1)
    if _INT_RE.match(text):
        n = _int_or_none(text)
        if n is not None and LONG_MIN <= n <= LONG_MAX:
            return n
    # Overflowing integer strings are doubles (zend_strtod): INF past DBL_MAX.
    return float(text)


_LEADING_NUMERIC_RE = re.compile(rb"[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)")


def leading_numeric_string(value: str | bytes) -> tuple[int | float, bool] | None:
    """PHP 7's ``is_numeric_string`` with errors allowed: the number a string starts
    with (after leading whitespace) and whether that was the whole string (anything
    after it, trailing whitespace too, is "not well formed"); ``None`` if there is no
    number at all."""
    raw = _as_bytes(value)
    m = _LEADING_NUMERIC_RE.match(raw)
    if m is None:
        return None
    text = m.group(1)
    whole = m.end() == len(raw)
    if _INT_RE.match(text):
        n = _int_or_none(text)
        if n is not None and LONG_MIN <= n <= LONG_MAX:
            return n, whole
    return float(text), whole


def _int_or_none(digits: bytes) -> int | None:
    """``int(digits)`` for a signed decimal string, or ``None`` when it has more than
    19 significant digits (beyond any long, and Python refuses to convert very long
    digit strings at all)."""
    sign = b"-" if digits.startswith(b"-") else b""
    significant = digits.lstrip(b"+-").lstrip(b"0")
    if len(significant) > 19:
        return None
    return int(sign + significant) if significant else 0


def to_bool(value: object) -> bool:
    """PHP truthiness (``zval_is_true``)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | bytes):
        return not (len(value) == 0 or value in ("0", b"0"))
    if is_array(value):
        return len(value) > 0  # type: ignore[arg-type]
    return True


def _double_to_long(d: float) -> int:
    """``zend_dval_to_lval``: NaN/INF become 0, out-of-range values wrap modulo 2**64."""
    if not math.isfinite(d):
        return 0
    n = int(d) % 2**64
    return n - 2**64 if n > LONG_MAX else n


def _double_to_long_saturating(d: float) -> int:
    """``ZEND_STRTOL`` on a float-looking numeric string saturates instead."""
    if math.isnan(d):
        return 0
    if d >= 2.0**63:
        return LONG_MAX
    if d < -(2.0**63):
        return LONG_MIN
    return int(d)


def to_long(value: object) -> int:
    """PHP's ``zval_get_long`` (the lenient conversion used for option values)."""
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _double_to_long(value)
    if isinstance(value, str | bytes):
        return strtol_prefix(value)
    if is_array(value):
        return 1 if len(value) else 0  # type: ignore[arg-type]
    resource_id = getattr(value, "resource_id", None)
    if isinstance(resource_id, int) and isinstance(getattr(value, "resource_type", None), str):
        return resource_id  # (int)$resource
    return 1


def strtol_prefix(value: str | bytes) -> int:
    """``ZEND_STRTOL``-style conversion of a string's numeric prefix, as PHP does for
    ``(int)"80abc"``: leading whitespace, sign, digits; a float prefix is truncated."""
    raw = _as_bytes(value).lstrip(_WS.encode())
    m = re.match(rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", raw)
    if not m:
        return 0
    text = m.group(0)
    if _INT_RE.match(text):
        return _atoi_saturating(text)
    return _double_to_long_saturating(float(text))


def atoi_port(text: str) -> int:
    """The port PHP derives from ``"...:<text>"``: C ``atoi`` (``(int)strtol``), then
    ``htons`` keeps the low 16 bits, so ports wrap modulo 65536."""
    if text.isascii() and text.isdigit():  # the usual "443"
        return int(text) & 0xFFFF if len(text) < 19 else _atoi_saturating(text) & 0xFFFF
    raw = _as_bytes(text).lstrip(_WS_BYTES)
    m = _ATOI_RE.match(raw)
    if not m:
        return 0
    return _atoi_saturating(m.group(0)) & 0xFFFF


def strtol_port(text: str) -> int:
    """The port number before any truncation: C ``strtol`` of ``text`` (leading
    blanks and a sign allowed, trailing junk ignored, saturating at the long range;
    no digits is 0). For the PHP releases that range-check ports."""
    if text.isascii() and text.isdigit():
        return int(text) if len(text) < 19 else _atoi_saturating(text)
    m = _ATOI_RE.match(_as_bytes(text).lstrip(_WS_BYTES))
    return _atoi_saturating(m.group(0)) if m else 0


def _atoi_saturating(digits: str | bytes) -> int:
    """C ``strtol`` on a signed decimal string: saturates at the long range."""
    raw = _as_bytes(digits)
    n = _int_or_none(raw)
    if n is None:
        return LONG_MIN if raw.startswith(b"-") else LONG_MAX
    return max(LONG_MIN, min(LONG_MAX, n))


_ATOI_RE = re.compile(rb"[+-]?\d+")


def php_float_repr(value: float) -> str:
    """A float as ``var_dump`` and ``%.*H`` with precision -1 print it: the shortest
    round-trip digits, exponent form below 1e-4 and from 1e18."""
    return _format_float(value, repr_digits=True, precision=17)


def php_float_to_string(value: float) -> str:
    """A float converted to string (``(string)$f``, precision=14)."""
    return _format_float(value, repr_digits=False, precision=14)


def _format_float(value: float, *, repr_digits: bool, precision: int) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    # Significant digits and the position of the decimal point (zend_gcvt's decpt).
    text = repr(abs(value)) if repr_digits else f"{abs(value):.{precision - 1}e}"
    _, digit_tuple, exponent = Decimal(text).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    decpt = len(digits) + int(exponent)
    if decpt < -3 or decpt > precision:
        # Exponent form: d.dddE+X, always with at least one fractional digit.
        exp = decpt - 1
        return f"{sign}{digits[0]}.{digits[1:] or '0'}E{'+' if exp >= 0 else '-'}{abs(exp)}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if len(digits) <= decpt:
        return f"{sign}{digits}{'0' * (decpt - len(digits))}"
    return f"{sign}{digits[:decpt]}.{digits[decpt:]}"


def to_php_string(value: object) -> str:
    """PHP's string conversion of a scalar (``zval_get_string``)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return php_float_to_string(value)
    if isinstance(value, str | bytes):
        return as_text(value)
    if is_array(value):
        return "Array"
    return str(value)


_SLASHED = {"\0": "\\0", "'": "\\'", '"': '\\"', "\\": "\\\\"}


def addslashes(text: str) -> str:
    """PHP's ``addslashes``: quote ``'``, ``"``, ``\\`` and NUL (as ``\\0``)."""
    if not any(c in text for c in _SLASHED):
        return text
    return "".join(_SLASHED.get(c, c) for c in text)


_QUANTITY_FACTORS = {
    "g": 1 << 30,
    "G": 1 << 30,
    "m": 1 << 20,
    "M": 1 << 20,
    "k": 1 << 10,
    "K": 1 << 10,
}
_QUANTITY_BASES = {"x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_ESCAPES = {
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\f": "\\f",
    "\v": "\\v",
    "\\": "\\\\",
    "\x1b": "\\e",
}

#: A quantity's problem: (message key, fields); the PHP-facing layer words it.
QuantityProblem = tuple[str, dict[str, str]]


def escaped(text: str) -> str:
    """``smart_str_append_escaped``: control bytes, DEL and the backslash escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02X}")
        else:
            out.append(ch)
    return "".join(out)


def parse_quantity(text: str) -> tuple[int, QuantityProblem | None]:
    """``zend_ini_parse_quantity`` (PHP 8.2): an ini size such as ``"16M"``, ``"0x1f"``
    or ``"010"`` (octal) with an optional k/m/g multiplier, and the problem PHP warns
    about ("no valid leading digits", "unknown multiplier", ...), if any."""
    start, end = 0, len(text)
    while start < end and text[start] in _WS:
        start += 1
    if start == end:
        return 0, None
    while end > start and text[end - 1] in _WS:
        end -= 1
    quoted = escaped(text)
    pos = start
    negative = text[pos] in "+-" and text[pos] == "-"
    if text[pos] in "+-":
        pos += 1
    base = 10
    if text.startswith("0", pos) and pos + 1 < end and text[pos + 1] in _QUANTITY_BASES:
        base = _QUANTITY_BASES[text[pos + 1]]
        pos += 2
        if pos == end or text[pos] in _WS:
            return 0, ("quantity_no_digits_after_prefix", {"quantity": quoted})
    elif text.startswith("0", pos) and pos + 1 < end and text[pos + 1].isdigit():
        base = 8  # strtoull with base 0: a leading 0 means octal
    digits_start = pos
    while pos < end and text[pos].lower() in _DIGITS[:base] and text[pos].isascii():
        pos += 1
    if pos == digits_start:
        return 0, ("quantity_no_digits", {"quantity": quoted})
    magnitude = int(text[digits_start:pos], base) if pos - digits_start < 80 else 2**64
    overflow = magnitude >= 2**64
    if overflow:
        unsigned = 2**64 - 1  # strtoull's ERANGE result
    else:
        unsigned = (-magnitude) % 2**64 if negative else magnitude
        overflow = magnitude > (2**63 if negative else LONG_MAX)
    value = unsigned - 2**64 if unsigned > LONG_MAX else unsigned
    digits_end = pos
    while digits_end < end and text[digits_end] in _WS:
        digits_end += 1
    problem: QuantityProblem | None = None
    if digits_end < end:
        suffix = text[end - 1]
        factor = _QUANTITY_FACTORS.get(suffix)
        if factor is None:
            return value, (
                "quantity_unknown_multiplier",
                {"quantity": quoted, "multiplier": escaped(suffix),
                 "interpreted": escaped(text[:digits_end])},
            )  # fmt: skip
        if digits_end < end - 1:
            problem = (
                "quantity_junk",
                {"quantity": quoted, "interpreted": escaped(text[:digits_end] + suffix)},
            )
        product = value * factor
        if not LONG_MIN <= product <= LONG_MAX:
            overflow = True
        product %= 2**64
        value = product - 2**64 if product > LONG_MAX else product
    if overflow:
        return value, ("quantity_out_of_range", {"quantity": quoted})
    return value, problem


def zend_atol(text: str) -> int:
    """``zend_atol`` (PHP 7's ``OnUpdateLong``): C ``strtol(text, NULL, 0)`` -- leading
    whitespace, a sign, ``0x`` hex or ``0`` octal, clamped to the C long range -- then
    times 1024 per step of a k/m/g *last* character (wrapping), with no warning."""
    pos, end = 0, len(text)
    while pos < end and text[pos] in _WS:
        pos += 1
    negative = pos < end and text[pos] == "-"
    if pos < end and text[pos] in "+-":
        pos += 1
    base = 10
    if text.startswith(("0x", "0X"), pos) and pos + 2 < end and _is_digit(text[pos + 2], 16):
        base, pos = 16, pos + 2
    elif text.startswith("0", pos):
        base = 8
    start = pos
    while pos < end and _is_digit(text[pos], base):
        pos += 1
    magnitude = int(text[start:pos], base) if pos > start else 0
    value = -magnitude if negative else magnitude
    value = max(LONG_MIN, min(LONG_MAX, value))  # strtol's ERANGE result
    factor = {"g": 1 << 30, "m": 1 << 20, "k": 1 << 10}.get(text[-1:].lower(), 1)
    product = (value * factor) % 2**64
    return product - 2**64 if product > LONG_MAX else product


def _is_digit(ch: str, base: int) -> bool:
    return ch.isascii() and ch.lower() in _DIGITS[:base]


def double_to_ull(x: float) -> int:
    """C's ``(unsigned long long)x`` as x86-64 compilers emit it (``cvttsd2si``): below
    2**63 a signed conversion, reinterpreted (so -1.0 is 2**64 - 1; NaN, -inf and
    values under -2**63 give 2**63); from 2**63 on, ``x - 2**63`` converted with the top
    bit flipped (so inf and values of 2**64 or more give 0)."""

    def cvttsd2si(v: float) -> int:
        if math.isnan(v) or not -(2.0**63) <= v < 2.0**63:
            return -(2**63)  # the "integer indefinite" value
        return int(v)

    if x >= 2.0**63:
        return (cvttsd2si(x - 2.0**63) ^ -(2**63)) % 2**64
    return cvttsd2si(x) % 2**64


def ull_timeval(seconds: float) -> tuple[int, int]:
    """PHP 7's stream_socket_client/accept timeout: ``(unsigned long long)(timeout *
    1e6)`` microseconds (:func:`double_to_ull`) as seconds and microseconds, so -1
    wraps to a wait of weeks and INF to none."""
    micros = double_to_ull(seconds * 1_000_000.0)
    return micros // 1_000_000, micros % 1_000_000


def fsock_timeval(seconds: float) -> tuple[int, int]:
    """PHP 7's fsockopen timeout: ``conv = (long)(timeout * 1e6)`` (``cvttsd2si``: NaN
    or out of range is LONG_MIN), then ``tv_sec = conv / 1000000`` and ``tv_usec =
    conv % 1000000`` with C's truncating division (both negative for a negative
    timeout, which poll() then takes as no limit)."""
    x = seconds * 1_000_000.0
    conv = -(2**63) if math.isnan(x) or not -(2.0**63) <= x < 2.0**63 else int(x)
    sec = abs(conv) // 1_000_000 * (1 if conv >= 0 else -1)
    return sec, conv - sec * 1_000_000
