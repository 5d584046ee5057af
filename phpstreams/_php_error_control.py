"""PHP's error control: ``set_error_handler`` / ``restore_error_handler``,
``error_reporting`` and the ``@`` operator (:func:`silence`, :func:`silenced`).

Layering rule: PHP-facing layer. The state these functions change (handler stack,
reporting level) lives in the active runtime's ``errors``, which :func:`_php_errors.emit`
consults for every diagnostic; see that module for the path one diagnostic takes.

The ``@`` operator has no Python syntax, so it comes in two shapes:

* ``with silence(): ...`` -- ``@`` around a block of statements;
* ``silenced(fgets, fp)`` -- ``@fgets($fp)``: one call, its value returned.

The names follow PHP's own: the opcodes ``@`` compiles to are ``BEGIN_SILENCE`` /
``END_SILENCE`` and PHP users know it as the silence operator; "suppress" would
suggest that nothing at all happens, while PHP 8's ``@`` still calls error handlers
and still records ``error_get_last()``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from types import TracebackType
from typing import Any, ClassVar, TypeVar

from ._php_args import OMITTED, ArgumentWarning, arg_int, php_function
from ._php_errors import emit
from ._php_state import E_ALL, ErrorState, Runtime, runtime
from ._phpvalues import is_array, to_php_string

__all__ = [
    "error_reporting",
    "restore_error_handler",
    "set_error_handler",
    "silence",
    "silenced",
]

T = TypeVar("T")

#: A PHP error handler: ``(errno, errstr, errfile, errline) -> bool | None``. Like a
#: PHP function it may declare fewer parameters; the extra arguments are dropped.
ErrorHandler = Callable[..., Any]


def _only_kept(mask: int, kept: int) -> bool:
    """PHP 8's ``E_HAS_ONLY_FATAL_ERRORS`` (``kept`` is the fatal levels); PHP 7's
    ``@`` sets 0, and its test is "is it 0" (``kept`` is 0)."""
    return not mask & ~kept


def _positional_capacity(handler: Callable[..., Any]) -> int:
    """How many of the four handler arguments ``handler`` takes (PHP passes all four
    and a user function ignores what it does not declare)."""
    try:
        sig = inspect.signature(handler)
    except (TypeError, ValueError):  # some builtins have no signature: pass all four
        return 4
    count = 0
    for param in sig.parameters.values():
        if param.kind is param.VAR_POSITIONAL:
            return 4
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            count += 1
    return min(count, 4)


def _adapt(handler: Callable[..., Any]) -> Callable[[int, str, str, int], Any]:
    n = _positional_capacity(handler)
    if n == 4:
        return handler
    return lambda errno, errstr, errfile, errline: handler(*(errno, errstr, errfile, errline)[:n])


@php_function
def set_error_handler(callback: ErrorHandler | None, error_levels: int = E_ALL) -> Any:
    """PHP: ``set_error_handler(?callable $callback, int $error_levels = E_ALL): ?callable``

    Pushes the current handler on PHP's handler stack and installs ``callback`` for the
    ``E_*`` levels in ``error_levels``; returns the previous handler (what was passed
    to the earlier ``set_error_handler``), or None. ``None`` installs "no handler"
    (PHP's standard handling) on top of the stack.

    The handler is called as ``callback(errno, errstr, errfile, errline)`` for every
    PHP diagnostic whose level is in its mask -- whatever ``error_reporting()`` says,
    so also under :func:`silence` (the handler can read ``error_reporting()``). If it
    returns exactly ``False`` the standard handling runs as well: the diagnostic is
    recorded for ``error_get_last()`` and, if ``error_reporting()`` includes its level,
    issued with ``warnings.warn``. Any other return value (``None`` included) means
    "handled". Diagnostics raised while the handler runs get the standard handling.

    Differences from PHP: a handler may declare fewer than four parameters, as a PHP
    function may; ``errfile``/``errline`` name the Python caller outside phpstreams.
    An exception raised by the handler propagates out of the phpstreams call at
    once, whereas PHP finishes the internal function first.
    """
    given: object = callback  # ported code may pass a PHP-style function name
    profile = runtime().profile
    if given is not None and not callable(given) and profile.arg_errors != "throw":
        # PHP 7 parses $error_levels first, then checks the callback: a warning, NULL.
        arg_int("set_error_handler", 2, "error_levels", error_levels)
        shown = "Array" if is_array(given) else to_php_string(given)
        raise ArgumentWarning(
            profile.msg("callback_invalid", func="set_error_handler", name=shown), None
        )
    if given is not None and not callable(given):
        profile = runtime().profile
        detail = (
            profile.msg("handler_function_not_found", name=given)
            if isinstance(given, str)
            else profile.msg("handler_no_array_or_string")
        )
        raise TypeError(
            "set_error_handler(): " + profile.msg("handler_not_callable", detail=detail)
        )
    levels = arg_int("set_error_handler", 2, "error_levels", error_levels)
    assert levels is not None
    state = runtime().errors
    previous = state.handler
    state.stack.append(previous)
    if callback is None:
        state.handler = None
    else:
        state.handler = (callback, _adapt(callback), levels)
    return None if previous is None else previous[0]


@php_function
def restore_error_handler() -> bool:
    """PHP: ``restore_error_handler(): true``

    Pops the handler stack: the handler active before the last ``set_error_handler``
    is active again (popping an empty stack leaves standard handling). Always True.
    """
    state = runtime().errors
    state.handler = state.stack.pop() if state.stack else None
    return True


@php_function
def error_reporting(error_level: int | None = OMITTED) -> int:
    """PHP: ``error_reporting(?int $error_level = null): int``

    Returns the current mask of ``E_*`` levels that are displayed (here: issued with
    ``warnings.warn``); a non-null ``error_level`` replaces it (and the
    ``error_reporting`` ini value). The default is ``E_ALL``. Levels outside the mask
    are still recorded for ``error_get_last()`` and still reach error handlers.
    """
    rt = runtime()
    if rt.profile.error_reporting_any_value:
        return _error_reporting_any(rt, error_level)
    if error_level is OMITTED:
        error_level = None
    level = arg_int("error_reporting", 1, "error_level", error_level, nullable=True)
    old = runtime().errors.reporting
    if level is not None and level != old:
        runtime().ini["error_reporting"] = str(level)
        runtime().errors.reporting = level
    return old


def _error_reporting_any(rt: Runtime, value: Any) -> int:
    """PHP 7's ``error_reporting(mixed $level)``: any argument, null included, is
    stored as the ini string; the level is an int argument itself, else the string's
    ``atoi``."""
    old = rt.errors.reporting
    if value is OMITTED:
        return old
    if is_array(value):
        emit(rt.profile.array_to_string_level, rt.profile.msg("array_to_string"))
        text = "Array"
    else:
        text = to_php_string(value)
    rt.ini["error_reporting"] = text
    digits = re.match(r"[ \t\n\r\v\f]*([+-]?\d+)", text)  # C's atoi
    rt.errors.reporting = value if type(value) is int else int(digits.group(1)) if digits else 0
    return old


class silence:  # lower case: it reads like the operator it stands for
    """PHP's ``@`` around a block: ``with silence(): fp = fsockopen(...)``.

    PHP 8 semantics: ``error_reporting()`` is lowered to the fatal levels (4437)
    inside the block, so no diagnostic is issued with ``warnings.warn``; each one is
    still recorded for ``error_get_last()`` and still reaches an error handler set
    with :func:`set_error_handler`. On exit (also by an exception) the previous level
    comes back unless code inside the block set a level that is not fatal-only --
    exactly PHP's ``END_SILENCE``. Nesting is fine; one instance may be reused.
    """

    __slots__ = ("_saved",)
    #: The runtime a versioned facade's ``silence`` acts on (None: the active one).
    _runtime: ClassVar[Runtime | None] = None

    def __init__(self) -> None:
        self._saved: list[int] = []

    def _target(self) -> tuple[ErrorState, int]:
        rt = self._runtime or runtime()
        return rt.errors, rt.profile.silence_reporting

    def __enter__(self) -> None:
        state, kept = self._target()
        self._saved.append(state.reporting)
        if not _only_kept(state.reporting, kept):
            state.reporting &= kept

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        saved = self._saved.pop()
        state, kept = self._target()
        if _only_kept(state.reporting, kept) and not _only_kept(saved, kept):
            state.reporting = saved


def silenced(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """PHP's ``@`` on one call: ``silenced(fgets, fp)`` is ``@fgets($fp)``.

    Runs ``func(*args, **kwargs)`` inside :func:`silence` and returns its value.
    """
    with silence():
        return func(*args, **kwargs)
