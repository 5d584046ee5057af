"""The state one PHP process would hold: the active profile, ini settings, the default
stream context and the persistent-stream registry.

Layering rule: PHP-facing layer. This is the only module-level state of the library;
lower layers receive what they need (profile, timeouts) as arguments.
"""

from __future__ import annotations

import functools

from ._context import StreamContext
from ._errors import E_WARNING
from ._php_args import php_function
from ._php_errors import emit
from ._phpvalues import parse_quantity, php_type_name, to_php_string
from ._profiles import PHP_8_2, Profile, get_profile
from ._stream import Stream

__all__ = ["Runtime", "RUNTIME", "ini_get", "ini_set", "use_profile"]


class Runtime:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.ini: dict[str, str] = {k: v for k, (v, _) in profile.ini_defaults.items()}
        self.default_context: StreamContext | None = None
        #: persistent id -> stream ("persistent stream" resources survive fclose()
        #: only in PHP's SAPI sense; in one Python process they live until closed).
        self.persistent: dict[str, Stream] = {}

    def get_default_context(self) -> StreamContext:
        if self.default_context is None:
            self.default_context = StreamContext()
        return self.default_context

    def default_socket_timeout(self) -> int:
        """``FG(default_socket_timeout)``: the ini value as a C long."""
        return _ini_long(self.ini["default_socket_timeout"])


@functools.lru_cache(maxsize=64)
def _ini_long(text: str) -> int:
    """An ini quantity as the C long PHP parses from it (memoised: read on every
    connect). ini_set has already warned about a malformed one."""
    return parse_quantity(text)[0]


RUNTIME = Runtime(PHP_8_2)


def use_profile(version: str) -> None:
    """Switch the emulated PHP version (``"8.2"``). Resets ini and registries."""
    global RUNTIME
    RUNTIME.__init__(get_profile(version))  # type: ignore[misc]


@php_function
def ini_get(option: str) -> str | bool:
    """PHP's ``ini_get``: the value as a string, or False for an unknown entry."""
    value = RUNTIME.ini.get(option)
    return False if value is None else value


@php_function
def ini_set(option: str, value: str | int | float | bool | None) -> str | bool:
    """PHP's ``ini_set``: the old value, or False when the entry is unknown or cannot be
    changed at run time (``openssl.cafile`` is PHP_INI_PERDIR)."""
    spec = RUNTIME.profile.ini_defaults.get(option)
    if spec is None or not spec[1]:
        return False
    if not isinstance(value, str | bytes | int | float | bool | type(None)):
        raise TypeError(
            "ini_set(): Argument #2 ($value) must be of type string|int|float|bool|null, "
            f"{php_type_name(value)} given"
        )
    old = RUNTIME.ini[option]
    text = to_php_string(value)
    if option in RUNTIME.profile.ini_quantities:
        _, problem = parse_quantity(text)
        if problem is not None:
            key, fields = problem
            text_of = RUNTIME.profile.msg
            emit(
                E_WARNING,
                text_of("ini_invalid_setting", name=option, problem=text_of(key, **fields)),
            )
    RUNTIME.ini[option] = text
    return old
