"""PHP's error channel: E_WARNING / E_NOTICE / E_DEPRECATED as Python warnings, and
``error_get_last`` / ``error_clear_last``.

Layering rule: part of the PHP-facing layer; only ``_php_*`` modules call :func:`emit`.

The path of one diagnostic is PHP 8.2's ``zend_error``:

1. if a user error handler is installed (``set_error_handler``), its level mask
   covers the level, and no handler is already running, the handler is called with
   ``(errno, errstr, errfile, errline)`` -- whatever ``error_reporting()`` says (under
   ``@`` too). Unless it returns exactly ``False`` that is the end of it.
2. otherwise PHP's standard handling (``php_error_cb``): the diagnostic becomes the
   "last error" (``error_get_last()``), whatever ``error_reporting()`` says, and then,
   if ``error_reporting()`` includes the level, PHP displays it -- here
   ``warnings.warn``.

The last error is recorded *before* ``warnings.warn`` runs, so ``error_get_last()``
sees it even when a filter silences the warning -- and when a filter turns it into an
exception (``warnings.simplefilter("error")``), the exception propagates like an
error handler that throws in PHP.

The handler stack and the ``error_reporting`` level live in the active runtime's
``errors`` (:class:`_php_state.ErrorState`); the
PHP-facing functions that change them are in ``_php_error_control``.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterable, Iterator
from types import FrameType
from typing import Any

from ._errors import E_DEPRECATED, E_NOTICE, E_WARNING, Note
from ._php_state import E_ALL, E_FATAL_ERRORS, StrictFrame, runtime

__all__ = [
    "E_ALL",
    "E_FATAL_ERRORS",
    "StrictFrame",
    "PHPDeprecated",
    "PHPDiagnostic",
    "PHPNotice",
    "PHPWarning",
    "emit",
    "emit_notes",
    "raise_queued",
    "exception_pending",
    "error_clear_last",
    "error_get_last",
]


class PHPDiagnostic(UserWarning):
    """Base of the PHP diagnostic categories; ``level`` is PHP's ``E_*`` value."""

    level = 0


class PHPWarning(PHPDiagnostic):
    """E_WARNING."""

    level = E_WARNING


class PHPNotice(PHPDiagnostic):
    """E_NOTICE."""

    level = E_NOTICE


class PHPDeprecated(PHPDiagnostic):
    """E_DEPRECATED. (Not a DeprecationWarning subclass: Python hides those by default,
    PHP shows them.)"""

    level = E_DEPRECATED


_CATEGORY: dict[int, type[PHPDiagnostic]] = {
    E_WARNING: PHPWarning,
    E_NOTICE: PHPNotice,
    E_DEPRECATED: PHPDeprecated,
}

_PACKAGE_DIR = __file__.rsplit("/", 1)[0] + "/"


def _caller() -> tuple[int, str, int]:
    """The stack level, file and line of the first frame outside this package."""
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    if frame is None:
        return level, "", 0
    return level, frame.f_code.co_filename, frame.f_lineno


def emit(level: int, message: str, func: str | None = None) -> None:
    """Raise one PHP diagnostic. ``func`` adds PHP's ``"func(): "`` prefix."""
    text = f"{func}(): {message}" if func else message
    stacklevel, filename, lineno = _caller()
    state = runtime().errors
    if state.strict:
        state.strict[-1].raised.append((level, text))
    entry = state.handler
    if entry is not None and entry[2] & level and not state.in_handler:
        if state.exception_pending:
            return  # call_user_function refuses to run while an exception is pending
        state.in_handler = True
        try:
            result = entry[1](level, text, filename, lineno)
        finally:
            state.in_handler = False
        if result is not False:
            return
    state.last = {"type": level, "message": text, "file": filename, "line": lineno}
    if state.reporting & level:
        if state.strict:
            state.strict[-1].deferred.append((level, text))
        else:
            warnings.warn(text, _CATEGORY[level], stacklevel=stacklevel)


def warn_deferred(diagnostics: Iterable[tuple[int, str]], stacklevel: int) -> None:
    """Issue diagnostics whose display a strict call held back."""
    for level, text in diagnostics:
        warnings.warn(text, _CATEGORY[level], stacklevel=stacklevel + 1)


def emit_notes(notes: Iterable[Note], func: str | None) -> None:
    """Issue the lower layers' diagnostics in order. A note that queues an exception
    (``Note.throws``) marks the rest of the call as running with an exception pending,
    until :func:`raise_queued` throws it."""
    for note in notes:
        if note.throws is None:
            emit(note.level, note.message, func if note.prefixed else None)
        else:
            runtime().errors.exception_pending = True


@contextlib.contextmanager
def exception_pending() -> Iterator[None]:
    """Run the rest of a PHP function with an exception already queued (see
    :attr:`ErrorState.exception_pending`)."""
    state = runtime().errors
    state.exception_pending = True
    try:
        yield
    finally:
        state.exception_pending = False


def raise_queued(notes: Iterable[Note]) -> None:
    """Throw the first exception a lower layer queued (see :class:`Note`)."""
    runtime().errors.exception_pending = False
    for note in notes:
        if note.throws is not None:
            raise (ValueError if note.throws == "ValueError" else TypeError)(note.message)


def error_get_last() -> dict[str, Any] | None:
    """PHP: ``error_get_last(): ?array``

    The last diagnostic that reached PHP's standard handling, as a dict with ``type``
    (``E_*``), ``message``, ``file`` and ``line``; None if there was none (or after
    :func:`error_clear_last`). Diagnostics a user error handler took (returned anything
    but False) are not recorded, as in PHP; those silenced with :func:`silence` are.
    ``file``/``line`` name the Python caller outside phpstreams.
    """
    last = runtime().errors.last
    return None if last is None else dict(last)


def error_clear_last() -> None:
    """PHP: ``error_clear_last(): void``

    Forgets the last error: :func:`error_get_last` answers None until the next one.
    """
    runtime().errors.last = None
