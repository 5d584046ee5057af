"""Unit tests for :mod:`phpstreams._php_errors`: PHP diagnostics as Python warnings,
``error_get_last`` / ``error_clear_last``, and where a warning points."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import pytest

import phpstreams
from phpstreams import (
    PHPDeprecated,
    PHPDiagnostic,
    PHPNotice,
    PHPWarning,
    error_clear_last,
    error_get_last,
)
from phpstreams._errors import E_DEPRECATED, E_NOTICE, E_WARNING, Note
from phpstreams._php_errors import emit, emit_notes

pytestmark = pytest.mark.usefixtures("php_runtime")


def _line() -> int:
    """The line number of the caller."""
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return frame.f_back.f_lineno


class TestCategories:
    @pytest.mark.parametrize(
        ("category", "level"),
        [(PHPWarning, E_WARNING), (PHPNotice, E_NOTICE), (PHPDeprecated, E_DEPRECATED)],
    )
    def test_levels(self, category: type[PHPDiagnostic], level: int) -> None:
        """Each category carries PHP's E_* value and derives from PHPDiagnostic."""
        assert category.level == level
        assert issubclass(category, PHPDiagnostic)
        assert issubclass(category, UserWarning)

    def test_level_values(self) -> None:
        """E_WARNING 2, E_NOTICE 8, E_DEPRECATED 8192, as phpstreams exports them."""
        assert (E_WARNING, E_NOTICE, E_DEPRECATED) == (2, 8, 8192)
        assert phpstreams.E_WARNING == E_WARNING
        assert phpstreams.E_NOTICE == E_NOTICE
        assert phpstreams.E_DEPRECATED == E_DEPRECATED

    def test_deprecated_is_not_hidden(self) -> None:
        """E_DEPRECATED is shown by PHP, so it is not a DeprecationWarning (which
        Python hides by default)."""
        assert not issubclass(PHPDeprecated, DeprecationWarning)

    @pytest.mark.parametrize(
        ("level", "category"),
        [(E_WARNING, PHPWarning), (E_NOTICE, PHPNotice), (E_DEPRECATED, PHPDeprecated)],
    )
    def test_emit_category(self, level: int, category: type[PHPDiagnostic]) -> None:
        """emit raises the category that matches the level."""
        with pytest.warns(category) as record:
            emit(level, "message", "func")
        assert len(record) == 1
        assert record[0].category is category


class TestEmit:
    def test_prefix(self) -> None:
        """With a function name the text gets PHP's "func(): " prefix (php_error_docref)."""
        with pytest.warns(PHPWarning) as record:
            emit(E_WARNING, "Unable to connect to x:1 (Connection refused)", "fsockopen")
        assert str(record[0].message) == (
            "fsockopen(): Unable to connect to x:1 (Connection refused)"
        )

    def test_no_prefix(self) -> None:
        """Without a function name the text is bare (php_error / zend_error)."""
        with pytest.warns(PHPDeprecated) as record:
            emit(E_DEPRECATED, "Implicit conversion from float 1.5 to int loses precision")
        assert str(record[0].message) == "Implicit conversion from float 1.5 to int loses precision"

    def test_error_get_last(self) -> None:
        """The last diagnostic is recorded with PHP's keys: type, message, file, line."""
        with pytest.warns(PHPWarning):
            emit(E_WARNING, "first", "f")
        with pytest.warns(PHPNotice):
            line = _line() + 1
            emit(E_NOTICE, "second", "g")
        assert error_get_last() == {
            "type": E_NOTICE,
            "message": "g(): second",
            "file": __file__,
            "line": line,
        }

    def test_error_get_last_returns_a_copy(self) -> None:
        """Mutating the returned array does not change the recorded error."""
        with pytest.warns(PHPWarning):
            emit(E_WARNING, "kept", "f")
        last = error_get_last()
        assert last is not None
        last["message"] = "changed"
        again = error_get_last()
        assert again is not None and again["message"] == "f(): kept"

    def test_error_clear_last(self) -> None:
        """error_clear_last forgets the last error; error_get_last is then null."""
        with pytest.warns(PHPWarning):
            emit(E_WARNING, "x", "f")
        assert error_get_last() is not None
        error_clear_last()
        assert error_get_last() is None

    def test_recorded_before_warn(self) -> None:
        """The error is recorded before the warning is delivered, so a handler sees it
        in error_get_last (as a PHP error handler sees error_get_last())."""
        seen: list[dict[str, Any] | None] = []

        def showwarning(*args: object, **kwargs: object) -> None:
            seen.append(error_get_last())

        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = showwarning
            emit(E_WARNING, "seen by the handler", "f")
        assert len(seen) == 1
        assert seen[0] is not None and seen[0]["message"] == "f(): seen by the handler"

    def test_silenced_still_recorded(self) -> None:
        """An ignored warning (PHP's @) is still the last error."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            emit(E_WARNING, "silenced", "f")
        last = error_get_last()
        assert last is not None and last["message"] == "f(): silenced"

    def test_error_filter_raises(self) -> None:
        """A filter that turns PHPWarning into an error raises it, like a throwing error
        handler, and error_get_last still holds the diagnostic."""
        with warnings.catch_warnings():
            warnings.simplefilter("error", PHPWarning)
            with pytest.raises(PHPWarning) as info:
                emit(E_WARNING, "thrown", "f")
        assert str(info.value) == "f(): thrown"
        last = error_get_last()
        assert last is not None
        assert (last["type"], last["message"]) == (E_WARNING, "f(): thrown")

    def test_error_filter_through_public_api(self, refused_port: int) -> None:
        """A PHP function whose warning is turned into an error raises it to the caller,
        and error_get_last still holds the diagnostic."""
        with warnings.catch_warnings():
            warnings.simplefilter("error", PHPWarning)
            with pytest.raises(PHPWarning, match="Connection refused"):
                phpstreams.fsockopen("127.0.0.1", refused_port, None, None, 5)
        last = error_get_last()
        assert last is not None
        assert last["message"] == (
            f"fsockopen(): Unable to connect to 127.0.0.1:{refused_port} (Connection refused)"
        )


class TestWhere:
    def test_stacklevel_points_at_caller(self) -> None:
        """The warning's file and line are the caller's, outside the package."""
        with pytest.warns(PHPWarning) as record:
            line = _line() + 1
            emit(E_WARNING, "here", "f")
        assert record[0].filename == __file__
        assert record[0].lineno == line

    def test_public_api_points_at_caller(self, refused_port: int) -> None:
        """A warning from deep inside fsockopen points at the line calling fsockopen."""
        with pytest.warns(PHPWarning) as record:
            line = _line() + 1
            phpstreams.fsockopen("127.0.0.1", refused_port, None, None, 5)
        assert [(w.filename, w.lineno) for w in record] == [(__file__, line)]
        last = error_get_last()
        assert last is not None
        assert (last["file"], last["line"]) == (__file__, line)


class TestEmitNotes:
    def test_order_and_prefix(self) -> None:
        """Notes are emitted in order with the function's prefix; a note marked
        unprefixed (php_error) gets none."""
        notes = [
            Note(E_WARNING, "first"),
            Note(E_NOTICE, "second"),
            Note(E_WARNING, "failed loading cafile stream: `/x'", prefixed=False),
        ]
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            emit_notes(notes, "stream_socket_client")
        assert [(w.category, str(w.message)) for w in record] == [
            (PHPWarning, "stream_socket_client(): first"),
            (PHPNotice, "stream_socket_client(): second"),
            (PHPWarning, "failed loading cafile stream: `/x'"),
        ]
        last = error_get_last()
        assert last is not None and last["message"] == "failed loading cafile stream: `/x'"

    def test_empty(self) -> None:
        """No notes, no diagnostics, and the last error is untouched."""
        emit_notes([], "f")
        assert error_get_last() is None
