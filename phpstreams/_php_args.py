"""PHP's argument parsing for internal functions, in coercive typing mode.

Layering rule: PHP-facing layer. Turns Python arguments into the values a PHP
function would see, with PHP's TypeError / ValueError texts and its E_DEPRECATED
diagnostics (null to a non-nullable scalar, fractional float to int).

The rules (``zend_parse_arg_*_weak``, PHP 8.2):

=========  ==============================================================
int        bool -> 0/1; integral finite float in range; whole numeric string
           (leading/trailing whitespace allowed; a float-string must be
           integral); fractional floats truncate with a deprecation
float      int; numeric string; bool
string     int, float (precision 14), bool ("1"/"")
bool       int, float, string (truthiness)
null       to a non-nullable scalar: deprecation, then 0 / 0.0 / "" / false
=========  ==============================================================

Arrays, resources and objects never coerce to scalars: TypeError.

The argument-error model is profile data (``Profile.arg_errors``). PHP 8 throws;
PHP 7 (Zend 7's ``zend_parse_parameters``) emits an E_WARNING and the function returns
NULL or FALSE (``Profile.zpp_failure_returns_null``), its own checks mostly FALSE. A
check builds its error with :func:`arg_error` (or :func:`type_error`,
:func:`not_a_stream`): PHP 8's exception, or an :class:`ArgumentWarning` carrying PHP 7's
text and return value, which the :func:`php_function` boundary turns into the warning
and the result. PHP 7's coercion differs too: null and fractional floats pass silently,
and leading-numeric strings pass with an E_NOTICE (``Profile.numeric_strings``).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from typing import Any, TypeVar

from ._context import StreamContext
from ._errors import E_DEPRECATED, E_NOTICE, E_WARNING
from ._php_errors import emit
from ._php_state import runtime
from ._phpvalues import (
    LONG_MAX,
    LONG_MIN,
    as_text,
    leading_numeric_string,
    numeric_string,
    php_float_repr,
    php_type_name,
    to_bool,
    to_php_string,
)
from ._stream import Stream

__all__ = [
    "OMITTED",
    "ZPP_FAILURE",
    "ArgumentCountError",
    "ArgumentWarning",
    "arg_error",
    "arg_warning_or_raise",
    "count_error",
    "not_a_stream",
    "Ref",
    "arg_bool",
    "arg_bytes",
    "arg_context",
    "arg_context_deferred",
    "arg_float",
    "arg_int",
    "arg_ref",
    "arg_stream",
    "arg_string",
    "php_function",
    "type_error",
]

_F = TypeVar("_F", bound=Callable[..., Any])


class _Omitted:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<omitted>"


#: The Python default of a parameter whose explicit null is not the same as leaving
#: it out in every release (PHP 7 takes such a null as 0 / a type error).
OMITTED: Any = _Omitted()


class Ref:
    """A PHP by-reference variable: pass one where PHP takes ``&$var``.

    ``value`` starts as ``None`` (PHP's null) and is written exactly when PHP would
    write the variable.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any = None) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Ref({self.value!r})"


class ArgumentCountError(TypeError):
    """PHP's ``ArgumentCountError`` (a ``TypeError``): too few or too many arguments."""


class _ZppFailure:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ZPP_FAILURE"


#: "What this function returns when its parameters fail to parse": NULL or FALSE,
#: per function (``Profile.zpp_failure_returns_null``).
ZPP_FAILURE = _ZppFailure()


class ArgumentWarning(Exception):
    """A bad argument under PHP 7's model, on its way to the PHP function's boundary
    (:func:`php_function`), which emits ``message`` as an E_WARNING and returns
    ``returns`` (:data:`ZPP_FAILURE`: the function's zpp-failure value). Internal: it
    never leaves a PHP function."""

    def __init__(self, message: str, returns: object = ZPP_FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.returns = returns


def arg_error(
    exc: Exception, func: str, key: str, *, returns: object = False, **fields: object
) -> Exception:
    """The error of a failed function-specific argument check under the active model:
    ``exc`` (PHP 8's exception) when the profile throws, else an :class:`ArgumentWarning`
    with PHP 7's ``"func(): "`` + message ``key`` and the function's result ``returns``."""
    profile = runtime().profile
    if profile.arg_errors == "throw":
        return exc
    return ArgumentWarning(f"{func}(): " + profile.msg(key, **fields), returns)


def arg_warning_or_raise(exc: Exception, func: str, key: str, **fields: object) -> None:
    """A failed check after which PHP 7 only warns (``"func(): "`` + message ``key``)
    and carries on: raises ``exc`` (PHP 8's exception) when the profile throws."""
    profile = runtime().profile
    if profile.arg_errors == "throw":
        raise exc
    emit(E_WARNING, profile.msg(key, **fields), func)


def not_a_stream(func: str) -> Exception:
    """``php_stream_from_zval`` on a resource that is no (open) stream: PHP 8's
    TypeError, PHP 7's warning and FALSE."""
    profile = runtime().profile
    text = f"{func}(): " + profile.msg("not_a_stream")
    if profile.arg_errors == "throw":
        return TypeError(text)
    return ArgumentWarning(text, False)


def _warned(w: ArgumentWarning, name: str) -> object:
    """PHP 7's end of a function with a bad argument: the warning, then its result."""
    emit(E_WARNING, w.message)
    if w.returns is ZPP_FAILURE:
        return None if name in runtime().profile.zpp_failure_returns_null else False
    return w.returns


def php_function(impl: _F) -> _F:
    """Give a PHP function PHP's argument-count error instead of Python's.

    The PHP name is the implementation's name without a leading ``_`` and a trailing
    ``_args`` (``_fread_args`` checks the arguments of the C ``fread``). A helper
    whose first parameter is ``func`` serves several PHP functions (fwrite/fputs):
    the name is that argument and it does not count. Only a failure to *bind* the
    arguments is translated: its traceback ends in this wrapper, because the
    implementation's frame never started.
    """
    code = impl.__code__
    named_by_caller = code.co_argcount > 0 and code.co_varnames[0] == "func"
    fixed_name = impl.__name__.lstrip("_").removesuffix("_args")
    max_args = code.co_argcount - named_by_caller
    min_args = max_args - len(impl.__defaults__ or ())

    @functools.wraps(impl)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return impl(*args, **kwargs)
        except ArgumentWarning as w:
            return _warned(w, str(args[0]) if named_by_caller and args else fixed_name)
        except TypeError as exc:
            tb = exc.__traceback__
            given = len(args) + len(kwargs) - named_by_caller
            if tb is None or tb.tb_next is not None or min_args <= given <= max_args:
                raise
            name = str(args[0]) if named_by_caller and args else fixed_name
            least = max_args if name in runtime().profile.arg_count_exact else min_args
            err = count_error(name, least, max_args, given)
            if isinstance(err, ArgumentWarning):
                return _warned(err, name)
            raise err from None

    if any(d is OMITTED for d in impl.__defaults__ or ()):
        # OMITTED tells "left out" from an explicit None, which only PHP 7 tells apart:
        # introspection shows PHP 8's signature, where both are None.
        sig = inspect.signature(impl)
        checked.__signature__ = sig.replace(  # type: ignore[attr-defined]
            parameters=[
                p.replace(default=None) if p.default is OMITTED else p
                for p in sig.parameters.values()
            ]
        )
    return checked  # type: ignore[return-value]


def count_error(name: str, min_args: int, max_args: int, given: int) -> Exception:
    """``zend_wrong_parameters_count_error``'s text (PHP 7: a warning)."""
    if min_args == max_args:
        bound, expected = "exactly", min_args
    elif given < min_args:
        bound, expected = "at least", min_args
    else:
        bound, expected = "at most", max_args
    plural = "" if expected == 1 else "s"
    profile = runtime().profile
    text = profile.msg(
        "arg_count", func=name, bound=bound, expected=expected, plural=plural, given=given
    )
    if profile.arg_errors == "throw":
        return ArgumentCountError(text)
    return ArgumentWarning(text)


def type_error(func: str, argnum: int, name: str, expected: str, value: object) -> Exception:
    """A parameter of the wrong type: PHP 8's TypeError, or PHP 7's zpp warning (which
    names the type without ``?``/``or null`` and any object as "object")."""
    profile = runtime().profile
    if profile.arg_errors == "throw":
        given = php_type_name(value)
        if given == "bool" and profile.type_error_names_bool_value:
            given = "true" if value else "false"
        return TypeError(
            f"{func}(): "
            + profile.msg("arg_type", argnum=argnum, name=name, expected=expected, given=given)
        )
    given = php_type_name(value)
    if profile.object_type_name != "class" and given not in _SCALAR_AND_BUILTIN_TYPES:
        given = profile.object_type_name
    text = profile.msg(
        "zpp_type",
        func=func,
        argnum=argnum,
        expected=expected.removeprefix("?").removesuffix(" or null"),
        given=given,
    )
    return ArgumentWarning(text)


_SCALAR_AND_BUILTIN_TYPES = frozenset(
    {"null", "bool", "int", "float", "string", "array", "resource"}
)


def _null_deprecated(func: str, argnum: int, name: str, expected: str) -> None:
    if not runtime().profile.null_to_scalar_deprecated:
        return  # PHP 7: null is silently 0 / 0.0 / "" / false
    emit(
        E_DEPRECATED,
        runtime().profile.msg("arg_null_deprecated", argnum=argnum, name=name, expected=expected),
        func,
    )


def _is_scalar(value: object) -> bool:
    return isinstance(value, bool | int | float | str | bytes)


def _nullable(func: str, name: str, nullable: bool) -> bool:
    """Whether null is a value of its own for this parameter in the active release."""
    return nullable and f"{func}:{name}" not in runtime().profile.not_nullable_args


def _numeric(value: str | bytes) -> int | float | None:
    """A string in a numeric parameter: the number, or None (a TypeError). PHP 7 takes
    the leading number of a string with trailing data, with an E_NOTICE."""
    profile = runtime().profile
    if profile.numeric_strings == "saner":
        return numeric_string(value)
    got = leading_numeric_string(value)
    if got is None:
        return None
    n, whole = got
    if not whole:
        emit(E_NOTICE, profile.msg("non_well_formed_numeric"))
    return n


def arg_string(
    func: str, argnum: int, name: str, value: object, *, nullable: bool = False
) -> str | None:
    if isinstance(value, str):
        return value
    if value is None:
        if _nullable(func, name, nullable):
            return None
        _null_deprecated(func, argnum, name, "string")
        return ""
    if isinstance(value, bytes | bytearray):
        return as_text(bytes(value))
    if _is_scalar(value):
        return to_php_string(value)
    raise type_error(func, argnum, name, "?string" if nullable else "string", value)


def arg_bytes(func: str, argnum: int, name: str, value: object) -> bytes:
    """A PHP string parameter taken as bytes (data to send): ``str`` is UTF-8."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    text = arg_string(func, argnum, name, value)
    assert text is not None
    return text.encode("utf-8", "surrogateescape")


def _float_to_int(func: str, argnum: int, name: str, d: float, original: object, typ: str) -> int:
    if not math.isfinite(d) or not (LONG_MIN <= d < 2.0**63):
        raise type_error(func, argnum, name, typ, original)
    if d != int(d) and runtime().profile.float_to_int_deprecated:
        profile = runtime().profile
        if isinstance(original, float):
            emit(E_DEPRECATED, profile.msg("float_to_int_precision", value=php_float_repr(d)))
        else:
            text = as_text(original)  # type: ignore[arg-type]
            emit(E_DEPRECATED, profile.msg("float_string_to_int_precision", value=text))
    return int(d)


def arg_int(
    func: str, argnum: int, name: str, value: object, *, nullable: bool = False
) -> int | None:
    typ = "?int" if nullable else "int"
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if not LONG_MIN <= value <= LONG_MAX:
            raise type_error(func, argnum, name, typ, 1.0)  # PHP would see a float
        return value
    if value is None:
        if _nullable(func, name, nullable):
            return None
        _null_deprecated(func, argnum, name, "int")
        return 0
    if isinstance(value, float):
        return _float_to_int(func, argnum, name, value, value, typ)
    if isinstance(value, str | bytes):
        n = _numeric(value)
        if n is None:
            raise type_error(func, argnum, name, typ, value)
        if isinstance(n, float):
            return _float_to_int(func, argnum, name, n, value, typ)
        return n
    raise type_error(func, argnum, name, typ, value)


def arg_float(
    func: str, argnum: int, name: str, value: object, *, nullable: bool = False
) -> float | None:
    typ = "?float" if nullable else "float"
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if value is None:
        if _nullable(func, name, nullable):
            return None
        _null_deprecated(func, argnum, name, "float")
        return 0.0
    if isinstance(value, str | bytes):
        n = _numeric(value)
        if n is None:
            raise type_error(func, argnum, name, typ, value)
        return float(n)
    raise type_error(func, argnum, name, typ, value)


def arg_bool(
    func: str, argnum: int, name: str, value: object, *, nullable: bool = False
) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        if _nullable(func, name, nullable):
            return None
        _null_deprecated(func, argnum, name, "bool")
        return False
    if _is_scalar(value):
        return to_bool(value)
    raise type_error(func, argnum, name, "?bool" if nullable else "bool", value)


def arg_resource(
    func: str, argnum: int, name: str, value: object, *, nullable: bool = False
) -> object:
    if isinstance(getattr(value, "resource_type", None), str):
        return value
    raise type_error(func, argnum, name, "resource or null" if nullable else "resource", value)


def arg_stream(func: str, argnum: int, name: str, value: object) -> Stream:
    """A live stream resource; PHP's ``php_stream_from_zval``."""
    if isinstance(value, Stream):
        if value.closed:
            raise not_a_stream(func)
        return value
    arg_resource(func, argnum, name, value)
    raise not_a_stream(func)


def arg_context(
    func: str, argnum: int, name: str, value: object, *, nullable: bool = True
) -> StreamContext | None:
    ctx, invalid = arg_context_deferred(func, argnum, name, value, nullable=nullable)
    if invalid is not None:
        raise invalid
    return ctx


def arg_context_deferred(
    func: str, argnum: int, name: str, value: object, *, nullable: bool = True
) -> tuple[StreamContext | None, TypeError | None]:
    """A context parameter as the socket functions fetch it: a non-resource is a
    TypeError at once (zpp), but a resource that is not a context only *queues* PHP's
    TypeError -- the function goes on without any context (not even the default one)
    and the error is thrown when it returns. Returns ``(context, queued error)``."""
    if value is OMITTED:
        return None, None
    profile = runtime().profile
    if value is None and _nullable(func, name, nullable):
        return None, None
    if isinstance(value, StreamContext):
        return value, None
    if isinstance(getattr(value, "resource_type", None), str):
        text = f"{func}(): " + profile.msg("not_a_context")
        if profile.arg_errors == "throw":
            return None, TypeError(text)
        emit(E_WARNING, text)  # PHP 7: zend_fetch_resource warns, and the call goes on
        return None, None
    raise type_error(func, argnum, name, "resource or null" if nullable else "resource", value)


def arg_ref(func: str, argnum: int, name: str, value: object) -> Ref | None:
    """By-reference parameters take a :class:`Ref` (or None to ignore the output)."""
    if value is None or isinstance(value, Ref):
        return value
    raise TypeError(
        f"{func}(): Argument #{argnum} (${name}) must be passed as phpstreams.Ref "
        f"(PHP passes it by reference), {type(value).__name__} given"
    )
