"""PHP-facing context functions: ``stream_context_create`` and friends.

Layering rule: PHP-facing layer (see ``_php_sockets``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from typing import Any

from ._context import StreamContext
from ._errors import E_DEPRECATED
from ._php_args import (
    arg_error,
    arg_resource,
    arg_string,
    arg_warning_or_raise,
    count_error,
    php_function,
    type_error,
)
from ._php_errors import emit
from ._php_state import runtime
from ._phpvalues import LONG_MAX, LONG_MIN, as_text, is_array
from ._stream import Stream

__all__ = [
    "stream_context_create",
    "stream_context_get_default",
    "stream_context_get_options",
    "stream_context_get_params",
    "stream_context_set_default",
    "stream_context_set_option",
    "stream_context_set_params",
]

_UNSET: Any = object()


def _items(array: Any) -> list[tuple[Any, Any]]:
    if isinstance(array, Mapping):
        return list(array.items())
    return list(enumerate(array))


_INT_KEY = re.compile(r"(0|-?[1-9][0-9]*)\Z")


def _key(key: Any) -> str | None:
    """PHP array keys are strings or ints; only string keys name wrappers/options. A
    string that is a canonical decimal integer ("0", "-5", not "05") is an int key in
    PHP (ZEND_HANDLE_NUMERIC_STR), so it names nothing either."""
    if isinstance(key, bytes):
        key = as_text(key)
    if not isinstance(key, str):
        return None
    if len(key) <= 20 and _INT_KEY.match(key) and LONG_MIN <= int(key) <= LONG_MAX:
        return None
    return _c_name(key)


def _c_name(name: str) -> str:
    """php_stream_context_set_option takes wrapper and option names as C strings: a
    name ends at its first NUL."""
    return name.split("\0", 1)[0]


def _parse_options(func: str, ctx: StreamContext, options: Any) -> None:
    """``parse_context_options``: ``[wrapper => [option => value]]``; int option keys are
    skipped, anything else that is not that shape is a ValueError (PHP 7: a warning,
    and the entry is skipped)."""
    for wkey, wval in _items(options):
        wrapper = _key(wkey)
        if wrapper is None or not is_array(wval):
            arg_warning_or_raise(
                ValueError(runtime().profile.msg("context_options_form")),
                func,
                "context_options_form",
            )
            continue
        for okey, oval in _items(wval):
            name = _key(okey)
            if name is not None:
                ctx.set(wrapper, name, oval)


def _parse_params(func: str, ctx: StreamContext, params: Any) -> None:
    """``parse_context_params``: ``notification`` and ``options``."""
    mapping = dict(_items(params))
    if "notification" in mapping:
        ctx.notification = _Notifier(mapping["notification"])
    if "options" in mapping:
        if not is_array(mapping["options"]):
            arg_warning_or_raise(
                TypeError(runtime().profile.msg("context_invalid_param_option")),
                func,
                "context_invalid_param_option",
            )
        else:
            _parse_options(func, ctx, mapping["options"])


class _Notifier:
    """A stored notification callback. Socket transports never notify (PHP's user
    notifier has an empty progress mask), so it is only kept and reported."""

    __slots__ = ("func",)

    def __init__(self, func: Any) -> None:
        self.func = func


def _array_arg(func: str, argnum: int, name: str, value: Any, nullable: bool) -> Any:
    if value is None and nullable and f"{func}:{name}" not in runtime().profile.not_nullable_args:
        return None
    if not is_array(value):
        raise type_error(func, argnum, name, "?array" if nullable else "array", value)
    return value


def _decode(func: str, value: Any, name: str = "context") -> StreamContext:
    """``decode_context_param``: a context, or the context of a stream (a stream opened
    without one -- fsockopen -- gets a private context on first use)."""
    if isinstance(value, StreamContext):
        return value
    if isinstance(value, Stream) and not value.closed:
        if value.context is None:
            value.context = StreamContext(runtime().resources)
        ctx: StreamContext = value.context
        return ctx
    arg_resource(func, 1, name, value)
    raise arg_error(
        TypeError(
            f"{func}(): " + runtime().profile.msg("arg_not_stream_or_context", argnum=1, name=name)
        ),
        func,
        "context_invalid_param_option",
    )


@php_function
def stream_context_create(
    options: Mapping[str, Mapping[str, Any]] | None = None, params: Mapping[str, Any] | None = None
) -> StreamContext:
    """PHP: ``stream_context_create(?array $options = null, ?array $params = null): resource``

    A new stream context; ``options`` is ``{"wrapper": {"option": value}}`` (``socket``,
    ``ssl`` ...), ``params`` may hold ``notification`` and ``options``.
    """
    func = "stream_context_create"
    opts = _array_arg(func, 1, "options", options, True)
    prms = _array_arg(func, 2, "params", params, True)
    ctx = StreamContext(runtime().resources)
    if opts is not None:
        _parse_options(func, ctx, opts)
    if prms is not None:
        _parse_params(func, ctx, prms)
    return ctx


@php_function
def stream_context_set_option(
    context: Any = _UNSET,
    wrapper_or_options: Any = _UNSET,
    option_name: Any = _UNSET,
    value: Any = _UNSET,
) -> bool:
    """PHP: ``stream_context_set_option(resource $stream_or_context,
    array|string $wrapper_or_options, ?string $option_name = null,
    mixed $value = null): bool``

    Sets one option (``wrapper, option_name, value``) or merges an options array into
    a context (or a stream's context). True, or PHP's ValueError/TypeError for a wrong
    shape.
    """
    func = "stream_context_set_option"
    profile = runtime().profile
    two_args = wrapper_or_options is not _UNSET and option_name is _UNSET and value is _UNSET
    if two_args and profile.deprecates_set_option_two_args:
        # A call with two arguments (checked before any of them, as zend_error runs
        # ahead of the parameter parsing).
        emit(E_DEPRECATED, profile.msg("set_option_two_args"))
    # The counts are checked here (PHP 7 and 8 count differently); the parameters after
    # the ones given are _UNSET.
    given = sum(a is not _UNSET for a in (context, wrapper_or_options, option_name, value))
    if profile.context_set_option_by_arg_count:
        return _set_option_by_count(func, given, context, wrapper_or_options, option_name, value)
    if given < 2:
        raise count_error(func, 2, 4, given)
    if option_name is _UNSET:
        option_name = None
    arg_resource(func, 1, "context", context)
    if is_array(wrapper_or_options):
        name = arg_string(func, 3, "option_name", option_name, nullable=True)
        ctx = _decode(func, context)
        if name is not None:
            raise ValueError(f"{func}(): " + profile.msg("set_option_array_name"))
        if value is not _UNSET:
            raise ValueError(f"{func}(): " + profile.msg("set_option_array_value"))
        _parse_options(func, ctx, wrapper_or_options)
        return True
    if wrapper_or_options is None:
        emit(
            E_DEPRECATED,
            profile.msg(
                "arg_null_deprecated", argnum=2, name="wrapper_or_options", expected="array|string"
            ),
            func,
        )
        wrapper_or_options = ""
    if not isinstance(wrapper_or_options, str | bytes | int | float | bool):
        raise type_error(func, 2, "wrapper_or_options", "array|string", wrapper_or_options)
    wrapper = arg_string(func, 2, "wrapper_or_options", wrapper_or_options)
    name = arg_string(func, 3, "option_name", option_name, nullable=True)
    ctx = _decode(func, context)
    if name is None:
        raise ValueError(f"{func}(): " + profile.msg("set_option_string_name"))
    if value is _UNSET:
        raise ValueError(f"{func}(): " + profile.msg("set_option_string_value"))
    assert wrapper is not None
    ctx.set(_c_name(wrapper), _c_name(name), value)
    return True


@php_function
def stream_context_set_options(context: Any, options: Mapping[str, Mapping[str, Any]]) -> bool:
    """PHP 8.3+: ``stream_context_set_options(resource $context, array $options): bool``

    Merges ``options`` (``{"wrapper": {"option": value}}``) into a context, or into a
    stream's context; True. Only the facades of releases that have it export it
    (``phpstreams.php84``); the plain names are 8.2's.
    """
    func = "stream_context_set_options"
    arg_resource(func, 1, "context", context)
    opts = _array_arg(func, 2, "options", options, False)
    _parse_options(func, _decode(func, context), opts)
    return True


# help() shows PHP 8's parameters: the body counts the arguments itself (see above).
stream_context_set_option.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("context", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("wrapper_or_options", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("option_name", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
        inspect.Parameter("value", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
    ],
    return_annotation=bool,
)


def _set_option_by_count(
    func: str, given: int, context: Any, wrapper_or_options: Any, option_name: Any, value: Any
) -> bool:
    """PHP 7's two signatures, told apart by the argument count alone:
    ``(resource, array $options)`` or ``(resource, string $wrapper, string $option,
    mixed $value)``; every other count is a count error."""
    if given == 2:
        arg_resource(func, 1, "context", context)
        if not is_array(wrapper_or_options):
            raise type_error(func, 2, "options", "array", wrapper_or_options)
        _parse_options(func, _decode(func, context), wrapper_or_options)
        return True
    if given != 4:  # any count but 2 takes the four-parameter form
        raise count_error(func, 4, 4, given)
    arg_resource(func, 1, "context", context)
    wrapper = arg_string(func, 2, "wrapper", wrapper_or_options)
    name = arg_string(func, 3, "option", option_name)
    assert wrapper is not None and name is not None
    _decode(func, context).set(_c_name(wrapper), _c_name(name), value)
    return True


def _copy_options(ctx: StreamContext) -> dict[str, dict[str, Any]]:
    return {w: dict(opts) for w, opts in ctx.options.items()}


@php_function
def stream_context_get_options(stream_or_context: Any) -> dict[str, dict[str, Any]]:
    """PHP: ``stream_context_get_options(resource $stream_or_context): array``

    The options of a context, or of a stream's context, as a nested dict.
    """
    func = "stream_context_get_options"
    arg_resource(func, 1, "stream_or_context", stream_or_context)
    return _copy_options(_decode(func, stream_or_context, "stream_or_context"))


@php_function
def stream_context_get_params(context: Any) -> dict[str, Any]:
    """PHP: ``stream_context_get_params(resource $context): array``

    ``{"notification": ...}`` (if set) and ``{"options": ...}``.
    """
    func = "stream_context_get_params"
    arg_resource(func, 1, "context", context)
    ctx = _decode(func, context)
    out: dict[str, Any] = {}
    if isinstance(ctx.notification, _Notifier):
        out["notification"] = ctx.notification.func
    out["options"] = _copy_options(ctx)
    return out


@php_function
def stream_context_set_params(context: Any, params: Mapping[str, Any]) -> bool:
    """PHP: ``stream_context_set_params(resource $context, array $params): bool``

    Sets ``notification`` and/or merges ``options``; True.
    """
    func = "stream_context_set_params"
    arg_resource(func, 1, "context", context)
    prms = _array_arg(func, 2, "params", params, False)
    _parse_params(func, _decode(func, context), prms)
    return True


@php_function
def stream_context_get_default(
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> StreamContext:
    """PHP: ``stream_context_get_default(?array $options = null): resource``

    The process-wide default context (used by ``stream_socket_client`` without a
    context), after merging ``options`` into it.
    """
    opts = _array_arg("stream_context_get_default", 1, "options", options, True)
    ctx = runtime().get_default_context()
    if opts is not None:
        _parse_options("stream_context_get_default", ctx, opts)
    return ctx


@php_function
def stream_context_set_default(options: Mapping[str, Mapping[str, Any]]) -> StreamContext:
    """PHP: ``stream_context_set_default(array $options): resource``

    Merges ``options`` into the default context and returns it.
    """
    opts = _array_arg("stream_context_set_default", 1, "options", options, False)
    ctx = runtime().get_default_context()
    _parse_options("stream_context_set_default", ctx, opts)
    return ctx
