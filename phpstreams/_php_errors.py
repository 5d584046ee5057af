"""PHP's error channel: E_WARNING / E_NOTICE / E_DEPRECATED as Python warnings, and
``error_get_last`` / ``error_clear_last``.

Layering rule: part of the PHP-facing layer; only ``_php_*`` modules call :func:`emit`.

Every diagnostic is recorded as the "last error" *before* ``warnings.warn`` runs, so
``error_get_last()`` sees it even when a filter silences the warning -- and when a
filter turns it into an exception (``warnings.simplefilter("error")``), the
exception propagates like an error handler that throws in PHP.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable
from types import FrameType
from typing import Any

from ._errors import E_DEPRECATED, E_NOTICE, E_WARNING, Note

__all__ = [
    "PHPDeprecated",
    "PHPDiagnostic",
    "PHPNotice",
    "PHPWarning",
    "emit",
    "emit_notes",
    "raise_queued",
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

_last_error: dict[str, Any] | None = None
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
    global _last_error
    text = f"{func}(): {message}" if func else message
    stacklevel, filename, lineno = _caller()
    _last_error = {"type": level, "message": text, "file": filename, "line": lineno}
    warnings.warn(text, _CATEGORY[level], stacklevel=stacklevel)


def emit_notes(notes: Iterable[Note], func: str | None) -> None:
    for note in notes:
        if note.throws is None:
            emit(note.level, note.message, func if note.prefixed else None)


def raise_queued(notes: Iterable[Note]) -> None:
    """Throw the first exception a lower layer queued (see :class:`Note`)."""
    for note in notes:
        if note.throws is not None:
            raise (ValueError if note.throws == "ValueError" else TypeError)(note.message)


def error_get_last() -> dict[str, Any] | None:
    """PHP's ``error_get_last()``: ``type``, ``message``, ``file``, ``line`` or None."""
    return None if _last_error is None else dict(_last_error)


def error_clear_last() -> None:
    """PHP's ``error_clear_last()``."""
    global _last_error
    _last_error = None
