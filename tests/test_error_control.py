"""Unit tests for the porting toolkit's Python side: the error handler stack,
``error_reporting``, ``silence``/``silenced`` and Python's ``warnings``; ini entries;
streams as context managers; ``phpstreams.strict``; the public docstrings.

PHP's own answers for the same behaviours are pinned by compat_tests/cases/errors,
ini and files; these tests cover what only Python can see (warnings filters,
exceptions from handlers, ``with`` blocks, ``help()``).
"""

from __future__ import annotations

import socket
import warnings
from typing import Any

import pytest

import phpstreams
from phpstreams import (
    E_ALL,
    E_DEPRECATED,
    E_NOTICE,
    E_WARNING,
    PHPDeprecated,
    PHPWarning,
    Ref,
    Stream,
    error_clear_last,
    error_get_last,
    error_reporting,
    fclose,
    fopen,
    fwrite,
    ini_get,
    ini_get_all,
    ini_restore,
    ini_set,
    is_resource,
    pfsockopen,
    restore_error_handler,
    set_error_handler,
    silence,
    silenced,
    stream_is_local,
    stream_socket_client,
)
from phpstreams import strict as strict_api
from phpstreams._php_state import runtimes

pytestmark = pytest.mark.usefixtures("php_runtime")

UNKNOWN_WRAPPER = (
    'stream_is_local(): Unable to find the wrapper "nope" - did you forget to enable it '
    "when you configured PHP?"
)


def _warn() -> bool:
    """One E_WARNING from phpstreams (no network needed)."""
    return stream_is_local("nope://x")


@pytest.fixture
def refused_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


class TestWarningsIntegration:
    def test_pytest_warns_without_handler(self) -> None:
        """With no handler and the default E_ALL, diagnostics are Python warnings."""
        with pytest.warns(PHPWarning, match="Unable to find the wrapper"):
            _warn()
        last = error_get_last()
        assert last is not None and last["message"] == UNKNOWN_WRAPPER

    def test_handler_false_still_warns(self) -> None:
        """A handler returning False lets the standard handling (the warning) run."""
        seen: list[tuple[int, str]] = []

        def handler(no: int, s: str) -> bool:
            seen.append((no, s))
            return False

        set_error_handler(handler)
        with pytest.warns(PHPWarning):
            _warn()
        assert seen == [(E_WARNING, UNKNOWN_WRAPPER)]

    @pytest.mark.parametrize("answer", [True, None, 0, ""])
    def test_handler_handles(self, answer: object) -> None:
        """Anything but False means handled: no warning, no error_get_last."""
        set_error_handler(lambda no, s: answer)
        error_clear_last()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _warn()
        assert error_get_last() is None

    def test_handler_gets_python_caller(self) -> None:
        """errfile/errline name the Python line that called phpstreams."""
        got: list[Any] = []
        set_error_handler(lambda no, s, file, line: got.extend([file, line]))
        _warn()
        assert got[0].endswith("test_error_control.py")
        assert isinstance(got[1], int) and got[1] > 0

    def test_handler_arity(self) -> None:
        """Like a PHP function, a handler may declare fewer parameters, or *args."""
        calls: list[tuple[Any, ...]] = []
        set_error_handler(lambda: calls.append(()))
        _warn()
        set_error_handler(lambda *a: calls.append(a))
        _warn()
        assert calls[0] == ()
        assert len(calls[1]) == 4 and calls[1][:2] == (E_WARNING, UNKNOWN_WRAPPER)

    def test_handler_exception_propagates(self) -> None:
        """A handler that raises: the exception leaves the phpstreams call."""

        class Stop(Exception):
            pass

        def handler(no: int, s: str) -> bool:
            raise Stop(s)

        set_error_handler(handler)
        with pytest.raises(Stop, match="Unable to find the wrapper"):
            _warn()

    def test_mask_and_stack(self) -> None:
        """A handler's mask selects levels; restore pops to the previous handler."""
        outer: list[int] = []
        inner: list[int] = []
        first = set_error_handler(lambda no, s: outer.append(no))
        assert first is None
        prev = set_error_handler(lambda no, s: inner.append(no), E_NOTICE | E_DEPRECATED)
        assert prev is not None
        with pytest.warns(PHPWarning):  # not in the mask: standard handling
            _warn()
        assert inner == [] and outer == []
        assert restore_error_handler() is True
        _warn()
        assert outer == [E_WARNING]
        assert restore_error_handler() is True
        assert restore_error_handler() is True  # empty stack: still True

    def test_not_callable(self) -> None:
        with pytest.raises(TypeError, match="must be a valid callback or null"):
            set_error_handler(5)  # type: ignore[arg-type]


class TestSilence:
    def test_no_warning_but_recorded(self) -> None:
        """@: no warning is issued, error_get_last still records."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with silence():
                assert error_reporting() == 4437
                _warn()
        last = error_get_last()
        assert last is not None and last["message"] == UNKNOWN_WRAPPER
        assert error_reporting() == E_ALL

    def test_handler_runs_under_silence(self) -> None:
        levels: list[int] = []
        set_error_handler(lambda no, s: levels.append(error_reporting()))
        assert silenced(_warn) is True
        assert levels == [4437]

    def test_silenced_returns_and_passes_arguments(self) -> None:
        assert silenced(stream_is_local, "php://memory") is True
        assert silenced(lambda a, b=0: a + b, 1, b=2) == 3

    def test_restored_after_exception(self) -> None:
        with pytest.raises(RuntimeError), silence():
            raise RuntimeError
        assert error_reporting() == E_ALL

    def test_nested_and_reused(self) -> None:
        quiet = silence()
        with quiet:
            with quiet:
                assert error_reporting() == 4437
            assert error_reporting() == 4437
        assert error_reporting() == E_ALL

    def test_level_set_inside_is_kept(self) -> None:
        """END_SILENCE keeps a non-fatal-only level set inside the block."""
        with silence():
            error_reporting(E_NOTICE)
        assert error_reporting() == E_NOTICE

    def test_error_reporting_masks_warnings(self) -> None:
        error_reporting(E_NOTICE)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _warn()
        assert ini_get("error_reporting") == str(E_NOTICE)


class TestIni:
    def test_core_values(self) -> None:
        assert ini_get("max_execution_time") == "0"
        assert ini_get("disable_functions") == ""
        assert ini_get("openssl.cafile") == ""  # NULL reads as ""
        assert ini_get("no.such.entry") is False

    def test_error_reporting_entry(self) -> None:
        assert ini_set("error_reporting", str(E_WARNING)) == ""
        assert error_reporting() == E_WARNING
        ini_restore("error_reporting")
        assert error_reporting() == E_ALL

    def test_get_all(self) -> None:
        everything = ini_get_all(None, False)
        assert isinstance(everything, dict) and len(everything) == 153
        openssl = ini_get_all("openssl")
        assert openssl == {
            "openssl.cafile": {"global_value": None, "local_value": None, "access": 2},
            "openssl.capath": {"global_value": None, "local_value": None, "access": 2},
        }
        with pytest.warns(PHPWarning, match='Extension "nope" cannot be found'):
            assert ini_get_all("nope") is False

    def test_deprecated_entry(self) -> None:
        with pytest.warns(PHPDeprecated, match="auto_detect_line_endings is deprecated"):
            assert ini_set("auto_detect_line_endings", "1") == "0"


class TestContextManager:
    def test_memory(self) -> None:
        with fopen("php://memory", "w+") as m:
            assert fwrite(m, "abc") == 3
        assert not is_resource(m)

    def test_socket_and_early_fclose(self, echo_server: Any) -> None:
        client = stream_socket_client(echo_server.uri)
        assert isinstance(client, Stream)
        with client as fp:
            assert is_resource(fp)
            assert fclose(fp) is True  # closing inside the block is fine
        assert not is_resource(fp)

    def test_persistent_forgotten(self, echo_server: Any) -> None:
        host, port = echo_server.address.split(":")
        client = pfsockopen(host, int(port))
        assert isinstance(client, Stream)
        with client as fp:
            assert runtimes["8.2"].persistent
        assert not runtimes["8.2"].persistent
        assert not is_resource(fp)


class TestStrict:
    def test_connect_failure(self, refused_port: int) -> None:
        with pytest.raises(strict_api.PHPError) as info:
            strict_api.stream_socket_client(f"tcp://127.0.0.1:{refused_port}", timeout=2)
        err = info.value
        assert isinstance(err, OSError)
        assert (err.errno, err.errstr, err.function) == (
            111,
            "Connection refused",
            "stream_socket_client",
        )
        assert err.warnings == [
            (
                E_WARNING,
                f"stream_socket_client(): Unable to connect to tcp://127.0.0.1:{refused_port} "
                "(Connection refused)",
            )
        ]
        last = error_get_last()
        assert last is not None and last["message"] == err.warnings[0][1]

    def test_callers_refs_are_written(self, refused_port: int) -> None:
        errno, errstr = Ref(), Ref()
        with pytest.raises(strict_api.PHPError):
            strict_api.fsockopen("127.0.0.1", refused_port, errno, errstr, 2)
        assert (errno.value, errstr.value) == (111, "Connection refused")

    def test_no_warning_for_the_failure(self, refused_port: int) -> None:
        """The failure's diagnostics travel in the exception, not as warnings."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(strict_api.PHPError):
                strict_api.stream_socket_client(f"tcp://127.0.0.1:{refused_port}")

    def test_success_warnings_issued_after(self, echo_server: Any) -> None:
        fp = strict_api.stream_socket_client(echo_server.uri)
        with pytest.warns(PHPDeprecated, match="Implicit conversion from float 1.5"):
            assert strict_api.stream_set_timeout(fp, 1.5) is True
        fclose(fp)

    def test_other_failures(self) -> None:
        m = strict_api.fopen("php://memory", "w+")
        with pytest.raises(strict_api.PHPError) as info:
            strict_api.fseek(m, 10)
        assert (info.value.errno, info.value.errstr, info.value.warnings) == (0, None, [])
        assert str(info.value) == "fseek() failed"
        with pytest.raises(strict_api.PHPError, match="Can't fsync this stream!"):
            strict_api.fsync(m)

    def test_deprecation_before_type_error_is_issued(self) -> None:
        """A diagnostic held back during a call that then raises is still issued."""
        m = strict_api.fopen("php://memory", "w+")
        with pytest.warns(PHPDeprecated, match="Passing null to parameter #2"):
            with pytest.raises(TypeError, match="Argument #3"):
                strict_api.stream_set_timeout(m, None, [])  # type: ignore[arg-type]

    def test_false_as_an_answer_passes(self) -> None:
        m = strict_api.fopen("php://memory", "w+")
        assert strict_api.fgets(m) is False  # end of data, not a failure
        assert strict_api.feof(m) is True

    def test_whole_api_present(self) -> None:
        assert set(phpstreams.__all__) <= set(strict_api.__all__)
        for name in phpstreams.__all__:
            assert hasattr(strict_api, name), name


def _documented(name: str) -> str:
    return getattr(phpstreams, name).__doc__ or ""


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in phpstreams.__all__
        if n[0].islower() and callable(getattr(phpstreams, n))
        if n not in ("silence", "silenced")
    ],
)
def test_docstring_has_php_signature(name: str) -> None:
    """Every PHP-named function documents PHP's signature (what help() shows)."""
    doc = _documented(name)
    assert doc.startswith(f"PHP: ``{name}("), doc[:80]
    assert len(doc.splitlines()) >= 3
