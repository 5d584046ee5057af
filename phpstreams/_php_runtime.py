"""PHP's ini functions (``ini_get``/``ini_set``/``ini_restore``/``ini_get_all``) and the
ini values other PHP functions read, on the active runtime (see ``_php_state``).

Layering rule: PHP-facing layer; lower layers receive ini values as arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ._errors import E_DEPRECATED, E_WARNING
from ._php_args import arg_bool, arg_string, php_function, type_error
from ._php_errors import emit
from ._php_state import runtime
from ._phpvalues import parse_quantity, strtol_prefix, to_bool, to_php_string, zend_atol

__all__ = [
    "default_socket_timeout",
    "ini_get",
    "ini_get_all",
    "ini_restore",
    "ini_set",
]


def default_socket_timeout() -> int:
    """``FG(default_socket_timeout)`` of the active runtime: the ini value as a C long."""
    rt = runtime()
    return _ini_long(rt.ini["default_socket_timeout"] or "", rt.profile.ini_quantity_checked)


@functools.lru_cache(maxsize=64)
def _ini_long(text: str, checked: bool) -> int:
    """An ini quantity as the C long PHP parses from it (memoised: read on every
    connect). ini_set has already warned about a malformed one."""
    return parse_quantity(text)[0] if checked else zend_atol(text)


def _arg_option(func: str, option: object) -> str:
    name = arg_string(func, 1, "option", option)
    assert name is not None
    return name


def _on_error_reporting(value: str | None) -> None:
    """``OnSetErrorReporting``: the mask is ``atoi`` of the text; NULL is the
    release's default."""
    rt = runtime()
    rt.errors.reporting = (
        rt.profile.default_error_reporting if value is None else strtol_prefix(value)
    )


def _on_auto_detect_line_endings(value: str | None) -> None:
    profile = runtime().profile
    if value is not None and to_bool(value) and profile.auto_detect_line_endings_deprecated:
        emit(E_DEPRECATED, profile.msg("auto_detect_line_endings_deprecated"))


def _on_quantity(name: str) -> Callable[[str | None], None]:
    """``OnUpdateLong``: ``zend_ini_parse_quantity_warn`` warns about a malformed
    quantity (8.2)."""

    def check(value: str | None) -> None:
        if not runtime().profile.ini_quantity_checked:
            return
        _, problem = parse_quantity(value or "")
        if problem is not None:
            key, fields = problem
            text_of = runtime().profile.msg
            emit(
                E_WARNING, text_of("ini_invalid_setting", name=name, problem=text_of(key, **fields))
            )

    return check


#: Entries whose change PHP acts on at once (its ``on_modify`` handlers). The others
#: are read where they matter (``default_socket_timeout``, ``openssl.cafile``,
#: ``openssl.capath``) or are stored and reported only.
_ON_MODIFY: dict[str, Callable[[str | None], None]] = {
    "error_reporting": _on_error_reporting,
    "auto_detect_line_endings": _on_auto_detect_line_endings,
    "default_socket_timeout": _on_quantity("default_socket_timeout"),
}


@php_function
def ini_get(option: str) -> str | bool:
    """PHP: ``ini_get(string $option): string|false``

    The current value of an ini entry as a string (``""`` for an entry whose value is
    NULL), or False for an entry ``php -n`` of the emulated version does not know. The entries are
    those ``php -n`` reports (see the README for the few that have an effect in
    phpstreams).
    """
    name = _arg_option("ini_get", option)
    ini = runtime().ini
    if name not in ini:
        return False
    value = ini[name]
    return "" if value is None else value


@php_function
def ini_set(option: str, value: str | int | float | bool | None) -> str | bool:
    """PHP: ``ini_set(string $option, string|int|float|bool|null $value): string|false``

    Sets an entry and returns its old value as a string, or False when the entry is
    unknown or cannot be changed at run time (not PHP_INI_USER: ``openssl.cafile``,
    ``allow_url_fopen`` ...). Values are stored as PHP's string conversion of
    ``value`` (True -> "1", None and False -> "").
    """
    name = _arg_option("ini_set", option)
    rt = runtime()
    spec = rt.profile.ini_defaults.get(name)
    given: object = value  # ported code may pass anything
    if not isinstance(given, str | bytes | int | float | bool | type(None)):
        if rt.profile.arg_errors != "throw":
            raise type_error("ini_set", 2, "value", "string", given)  # PHP 7: "s"
        raise TypeError(
            # PHP 8.2's own text here names no given type
            "ini_set(): " + rt.profile.msg("ini_set_value_type")
        )
    if spec is None or not spec.changeable:
        return False
    old = rt.ini[name]
    text = to_php_string(value)
    hook = _ON_MODIFY.get(name)
    if hook is not None:
        hook(text)
    rt.ini[name] = text
    return "" if old is None else old


@php_function
def ini_restore(option: str) -> None:
    """PHP: ``ini_restore(string $option): void``

    Puts an entry back to its default (unknown entries are ignored, as in PHP).
    """
    name = _arg_option("ini_restore", option)
    rt = runtime()
    spec = rt.profile.ini_defaults.get(name)
    if spec is None or not spec.changeable:
        return
    hook = _ON_MODIFY.get(name)
    if hook is not None and rt.ini[name] != spec.default:
        hook(spec.default)
    rt.ini[name] = spec.default


@php_function
def ini_get_all(extension: str | None = None, details: bool = True) -> dict[str, Any] | bool:
    """PHP: ``ini_get_all(?string $extension = null, bool $details = true): array|false``

    All entries ``php -n`` knows, or those an extension registers (lower-case names:
    ``"standard"``, ``"openssl"``, ``"session"`` ...; ``"core"`` lists all, as in
    PHP), sorted by name as PHP sorts them. With ``details`` each value is a dict with
    ``global_value`` (the default), ``local_value`` (the current value) and
    ``access``; without, the current value. NULL values are None. An unknown
    extension: PHP's warning and False.
    """
    ext = arg_string("ini_get_all", 1, "extension", extension, nullable=True)
    want_details = arg_bool("ini_get_all", 2, "details", details)
    rt = runtime()
    entries = rt.profile.ini_defaults
    if ext is None or ext == "core":  # PHP's Core module matches every entry
        names = list(entries)
    elif ext in rt.profile.ini_extensions_without_entries:
        names = []
    else:
        names = [n for n, e in entries.items() if e.extension == ext]
        if not names:
            emit(E_WARNING, rt.profile.msg("ini_extension_not_found", name=ext), "ini_get_all")
            return False
    names.sort(key=str.lower)
    if not want_details:
        return {n: rt.ini[n] for n in names}
    return {
        n: {
            "global_value": entries[n].default,
            "local_value": rt.ini[n],
            "access": entries[n].access,
        }
        for n in names
    }
