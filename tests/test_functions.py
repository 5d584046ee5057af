"""End-to-end tests of the PHP-facing API (``fsockopen``, ``stream_socket_*``, ``fread``
and friends, ``stream_select``, persistent streams, ``php://memory``, ini settings)
on loopback, without PHP. Expected values are PHP 8.2.36's (php-semantics.md)."""

from __future__ import annotations

import array
import contextlib
import errno as errno_mod
import fcntl
import os
import re
import select
import socket
import tempfile
import termios
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import WAIT, EchoServer, PeerPair

from phpstreams import (
    FILE_NO_DEFAULT_CONTEXT,
    STREAM_CLIENT_ASYNC_CONNECT,
    STREAM_CLIENT_CONNECT,
    STREAM_CLIENT_PERSISTENT,
    STREAM_PF_UNIX,
    STREAM_SERVER_BIND,
    STREAM_SHUT_WR,
    STREAM_SOCK_STREAM,
    PHPDiagnostic,
    PHPNotice,
    PHPWarning,
    Ref,
    error_get_last,
    fclose,
    feof,
    fgetc,
    fgets,
    fopen,
    fputs,
    fread,
    fseek,
    fsockopen,
    ftell,
    fwrite,
    get_resource_type,
    ini_get,
    ini_set,
    is_resource,
    pfsockopen,
    rewind,
    stream_context_create,
    stream_context_set_default,
    stream_get_contents,
    stream_get_line,
    stream_get_meta_data,
    stream_get_transports,
    stream_select,
    stream_set_blocking,
    stream_set_chunk_size,
    stream_set_timeout,
    stream_socket_accept,
    stream_socket_client,
    stream_socket_get_name,
    stream_socket_pair,
    stream_socket_server,
    stream_socket_shutdown,
)
from phpstreams._fastpaths import FAST_PATHS
from phpstreams._php_state import runtimes
from phpstreams._stream import MemoryStream, SocketStream

pytestmark = pytest.mark.usefixtures("php_runtime", "fake_dns")

DNS_FAILURE = (
    "php_network_getaddresses: getaddrinfo for nonexistent.invalid failed: "
    "Name or service not known"
)


# ---------------------------------------------------------------------------
# helpers


@contextlib.contextmanager
def diagnostics() -> Iterator[list[tuple[type[Warning], str]]]:
    """Record every PHP diagnostic raised inside the block, in order."""
    seen: list[tuple[type[Warning], str]] = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        yield seen
    for w in record:
        assert issubclass(w.category, PHPDiagnostic), w
        seen.append((w.category, str(w.message)))


def connect(uri: str, timeout: float = WAIT, flags: int = STREAM_CLIENT_CONNECT) -> SocketStream:
    errno, errstr = Ref(), Ref()
    stream = stream_socket_client(uri, errno, errstr, timeout, flags)
    assert isinstance(stream, SocketStream), (errno.value, errstr.value)
    stream_set_timeout(stream, WAIT)
    return stream


def server(uri: str = "tcp://127.0.0.1:0") -> SocketStream:
    errno, errstr = Ref(), Ref()
    stream = stream_socket_server(uri, errno, errstr)
    assert isinstance(stream, SocketStream), (errno.value, errstr.value)
    return stream


def name_of(stream: SocketStream, remote: bool = False) -> str:
    name = stream_socket_get_name(stream, remote)
    assert isinstance(name, str)
    return name


def read_n(stream: SocketStream, n: int) -> bytes:
    """Read exactly n bytes with bounded fread calls (short reads are normal)."""
    out = b""
    deadline = time.monotonic() + WAIT
    while len(out) < n and time.monotonic() < deadline:
        chunk = fread(stream, n - len(out))
        assert isinstance(chunk, bytes), chunk
        if not chunk:
            break
        out += chunk
    return out


def wait_queued(stream: SocketStream, n: int) -> None:
    """Wait (bounded) until the kernel holds at least n unread bytes for the stream."""
    fd = stream.fileno()
    deadline = time.monotonic() + WAIT
    buf = array.array("i", [0])
    while time.monotonic() < deadline:
        select.select([fd], [], [], 0.05)
        fcntl.ioctl(fd, termios.FIONREAD, buf)
        if buf[0] >= n:
            return
    pytest.fail(f"only {buf[0]} of {n} bytes arrived")


def wait_readable(stream: SocketStream) -> None:
    readable, _, _ = select.select([stream.fileno()], [], [], WAIT)
    assert readable, "peer did not send or close in time"


# ---------------------------------------------------------------------------
# fsockopen / pfsockopen


class TestFsockopen:
    def test_success_sets_outputs(self, echo_server: EchoServer) -> None:
        """On success $errno and $errstr are set to 0 and ""."""
        errno, errstr = Ref("preset"), Ref("preset")
        stream = fsockopen("127.0.0.1", echo_server.port, errno, errstr, WAIT)
        assert isinstance(stream, SocketStream)
        with contextlib.closing(stream):
            assert (errno.value, errstr.value) == (0, "")
            assert get_resource_type(stream) == "stream"
            assert stream_get_meta_data(stream)["stream_type"] == "tcp_socket/ssl"

    @pytest.mark.parametrize("port", [-1, 0])
    def test_port_in_hostname(self, echo_server: EchoServer, port: int) -> None:
        """With port <= 0 the hostname is used as-is, so "host:port" works."""
        stream = fsockopen(echo_server.address, port, None, None, WAIT)
        assert isinstance(stream, SocketStream)
        stream.close()

    def test_refused(self, refused_port: int) -> None:
        """Refused: the warning prints host:port, errno 111, errstr from strerror."""
        errno, errstr = Ref(), Ref()
        with pytest.warns(PHPWarning) as record:
            assert fsockopen("127.0.0.1", refused_port, errno, errstr, WAIT) is False
        assert [str(w.message) for w in record] == [
            f"fsockopen(): Unable to connect to 127.0.0.1:{refused_port} (Connection refused)"
        ]
        assert (errno.value, errstr.value) == (111, "Connection refused")

    def test_no_port(self) -> None:
        """Without a port the warning still prints ":-1" and the parse error."""
        errno, errstr = Ref(), Ref()
        with pytest.warns(PHPWarning) as record:
            assert fsockopen("127.0.0.1", -1, errno, errstr) is False
        assert [str(w.message) for w in record] == [
            'fsockopen(): Unable to connect to 127.0.0.1:-1 (Failed to parse address "127.0.0.1")'
        ]
        assert (errno.value, errstr.value) == (0, 'Failed to parse address "127.0.0.1"')

    def test_unix_missing(self) -> None:
        """A missing unix socket: errno 2, and ":-1" in the warning."""
        errno, errstr = Ref(), Ref()
        with pytest.warns(PHPWarning) as record:
            assert fsockopen("unix:///nonexistent/x.sock", -1, errno, errstr) is False
        assert [str(w.message) for w in record] == [
            "fsockopen(): Unable to connect to unix:///nonexistent/x.sock:-1 "
            "(No such file or directory)"
        ]
        assert (errno.value, errstr.value) == (2, "No such file or directory")

    def test_nul_in_host(self) -> None:
        """The host prints with %s (up to the NUL byte), without addslashes."""
        errno, errstr = Ref(), Ref()
        with pytest.warns(PHPWarning) as record:
            assert fsockopen("localhost\0.example.com", 80, errno, errstr) is False
        assert [str(w.message) for w in record] == [
            "fsockopen(): Unable to connect to localhost:80 "
            "(The hostname must not contain null bytes)"
        ]
        assert (errno.value, errstr.value) == (0, "The hostname must not contain null bytes")

    def test_dns_failure_two_warnings(self) -> None:
        """A DNS failure warns on its own first, then in the final warning."""
        errno, errstr = Ref(), Ref()
        with diagnostics() as seen:
            assert fsockopen("nonexistent.invalid", 80, errno, errstr) is False
        assert seen == [
            (PHPWarning, f"fsockopen(): {DNS_FAILURE}"),
            (
                PHPWarning,
                f"fsockopen(): Unable to connect to nonexistent.invalid:80 ({DNS_FAILURE})",
            ),
        ]
        assert (errno.value, errstr.value) == (0, DNS_FAILURE)

    def test_unbracketed_ipv6(self) -> None:
        """ "::1" splits at its first colon: the host is "" (note the double space)."""
        errstr = Ref()
        with diagnostics() as seen:
            assert fsockopen("::1", 80, None, errstr) is False
        assert seen[0] == (
            PHPWarning,
            "fsockopen(): php_network_getaddresses: getaddrinfo for  failed: "
            "Name or service not known",
        )

    def test_never_uses_the_default_context(self, echo_server: EchoServer) -> None:
        """fsockopen ignores the default context (a bad bindto there does not matter)."""
        stream_context_set_default({"socket": {"bindto": 5}})
        stream = fsockopen("127.0.0.1", echo_server.port, None, None, WAIT)
        assert isinstance(stream, SocketStream)
        assert stream.context is None
        stream.close()

    def test_round_trip(self, echo_server: EchoServer) -> None:
        """A connected fsockopen stream reads back what it writes."""
        stream = fsockopen("127.0.0.1", echo_server.port, None, None, WAIT)
        assert isinstance(stream, SocketStream)
        with contextlib.closing(stream):
            stream_set_timeout(stream, WAIT)
            assert fwrite(stream, "ping\n") == 5
            assert fgets(stream) == b"ping\n"


class TestPersistent:
    def test_pfsockopen_reuses(self, echo_server: EchoServer) -> None:
        """pfsockopen returns the same live resource for the same host and port."""
        a = pfsockopen("127.0.0.1", echo_server.port, None, None, WAIT)
        b = pfsockopen("127.0.0.1", echo_server.port, None, None, WAIT)
        assert isinstance(a, SocketStream)
        assert a is b
        assert get_resource_type(a) == "persistent stream"

    def test_key_includes_hostname_as_given(self, echo_server: EchoServer) -> None:
        """ "127.0.0.1" and "tcp://127.0.0.1" are different persistent keys."""
        a = pfsockopen("127.0.0.1", echo_server.port, None, None, WAIT)
        b = pfsockopen("tcp://127.0.0.1", echo_server.port, None, None, WAIT)
        assert isinstance(a, SocketStream) and isinstance(b, SocketStream)
        assert a is not b

    def test_fclose_really_closes(self, echo_server: EchoServer) -> None:
        """fclose on a persistent stream closes it; the next pfsockopen connects anew."""
        a = pfsockopen("127.0.0.1", echo_server.port, None, None, WAIT)
        assert fclose(a) is True
        assert get_resource_type(a) == "Unknown"
        assert is_resource(a) is False
        b = pfsockopen("127.0.0.1", echo_server.port, None, None, WAIT)
        assert isinstance(b, SocketStream)
        assert b is not a
        assert is_resource(b) is True

    def test_dead_stream_is_replaced(self) -> None:
        """A persistent stream whose peer closed fails the liveness check and is
        replaced by a fresh connection."""
        with socket.create_server(("127.0.0.1", 0)) as listener:
            listener.settimeout(WAIT)
            port = listener.getsockname()[1]
            a = pfsockopen("127.0.0.1", port, None, None, WAIT)
            assert isinstance(a, SocketStream)
            first, _ = listener.accept()
            first.close()
            wait_readable(a)
            b = pfsockopen("127.0.0.1", port, None, None, WAIT)
            assert isinstance(b, SocketStream)
            second, _ = listener.accept()
            second.close()
            assert b is not a
            assert a.closed

    def test_stream_socket_client_persistent(self, echo_server: EchoServer) -> None:
        """STREAM_CLIENT_PERSISTENT keys on the full address and reuses the stream."""
        flags = STREAM_CLIENT_CONNECT | STREAM_CLIENT_PERSISTENT
        a = stream_socket_client(echo_server.uri, None, None, WAIT, flags)
        b = stream_socket_client(echo_server.uri, None, None, WAIT, flags)
        assert isinstance(a, SocketStream)
        assert a is b
        assert get_resource_type(a) == "persistent stream"
        c = stream_socket_client(echo_server.uri, None, None, WAIT)
        assert isinstance(c, SocketStream)
        assert c is not a and get_resource_type(c) == "stream"
        c.close()


# ---------------------------------------------------------------------------
# stream_socket_client


class TestStreamSocketClient:
    def test_success_presets_outputs(self, echo_server: EchoServer) -> None:
        """$errno / $errstr are preset to 0 / "" and stay so on success."""
        errno, errstr = Ref("x"), Ref("x")
        stream = stream_socket_client(echo_server.uri, errno, errstr, WAIT)
        assert isinstance(stream, SocketStream)
        stream.close()
        assert (errno.value, errstr.value) == (0, "")

    def test_without_scheme(self, echo_server: EchoServer) -> None:
        """An address without a scheme is tcp."""
        stream = connect(echo_server.address)
        assert stream_get_meta_data(stream)["stream_type"] == "tcp_socket/ssl"
        stream.close()

    @pytest.mark.parametrize(
        ("address", "errstr"),
        [
            ("tcp://127.0.0.1", 'Failed to parse address "127.0.0.1"'),
            ("tcp://[::1", 'Failed to parse IPv6 address "[::1"'),
            ("tcp://127.0.0.1:", 'Failed to parse address "127.0.0.1:"'),
            (
                "foo://x:1",
                'Unable to find the socket transport "foo" - did you forget to enable it '
                "when you configured PHP?",
            ),
            (
                "sslv3://127.0.0.1:1",
                'Unable to find the socket transport "sslv3" - did you forget to enable it '
                "when you configured PHP?",
            ),
        ],
        ids=["no-port", "bad-bracket", "trailing-colon", "unknown-scheme", "sslv3"],
    )
    def test_address_errors(self, address: str, errstr: str) -> None:
        """Parse and transport errors: errno 0, errstr in $errstr and the warning."""
        errno_ref, errstr_ref = Ref(), Ref()
        with pytest.warns(PHPWarning) as record:
            assert stream_socket_client(address, errno_ref, errstr_ref, WAIT) is False
        assert [str(w.message) for w in record] == [
            f"stream_socket_client(): Unable to connect to {address} ({errstr})"
        ]
        assert (errno_ref.value, errstr_ref.value) == (0, errstr)

    def test_refused(self, refused_port: int) -> None:
        """Refused: errno 111 and the full URI in the warning."""
        errno, errstr = Ref(), Ref()
        uri = f"tcp://127.0.0.1:{refused_port}"
        with pytest.warns(PHPWarning) as record:
            assert stream_socket_client(uri, errno, errstr, WAIT) is False
        assert [str(w.message) for w in record] == [
            f"stream_socket_client(): Unable to connect to {uri} (Connection refused)"
        ]
        assert (errno.value, errstr.value) == (111, "Connection refused")

    def test_connect_timeout(self, saturated_port: int) -> None:
        """An unanswered connect fails with 110 "Connection timed out" after the
        timeout argument."""
        errno, errstr = Ref(), Ref()
        uri = f"tcp://127.0.0.1:{saturated_port}"
        start = time.monotonic()
        with pytest.warns(PHPWarning, match=re.escape(f"{uri} (Connection timed out)")):
            assert stream_socket_client(uri, errno, errstr, 0.3) is False
        assert time.monotonic() - start < 0.3 + 2.0
        assert (errno.value, errstr.value) == (110, "Connection timed out")

    def test_dns_failure(self) -> None:
        """DNS failure: the getaddrinfo warning, then the final one; errno 0."""
        errno, errstr = Ref(), Ref()
        with diagnostics() as seen:
            assert stream_socket_client("tcp://nonexistent.invalid:80", errno, errstr) is False
        assert seen == [
            (PHPWarning, f"stream_socket_client(): {DNS_FAILURE}"),
            (
                PHPWarning,
                "stream_socket_client(): Unable to connect to tcp://nonexistent.invalid:80 "
                f"({DNS_FAILURE})",
            ),
        ]
        assert (errno.value, errstr.value) == (0, DNS_FAILURE)

    def test_one_letter_scheme_is_a_host(self) -> None:
        """ "c://127.0.0.1:1" is tcp with host "c" (drive-letter rule)."""
        with diagnostics() as seen:
            assert stream_socket_client("c://127.0.0.1:1") is False
        assert seen[0] == (
            PHPWarning,
            "stream_socket_client(): php_network_getaddresses: getaddrinfo for c failed: "
            "Name or service not known",
        )

    def test_nul_is_addslashed(self) -> None:
        """The URI in the warning goes through addslashes: NUL prints as \\0."""
        errno, errstr = Ref(), Ref()
        with pytest.warns(PHPWarning) as record:
            stream_socket_client("tcp://localhost\0.example.com:80", errno, errstr)
        assert [str(w.message) for w in record] == [
            "stream_socket_client(): Unable to connect to tcp://localhost\\0.example.com:80 "
            "(The hostname must not contain null bytes)"
        ]
        assert (errno.value, errstr.value) == (0, "The hostname must not contain null bytes")

    def test_quote_is_addslashed(self) -> None:
        """A quote in the URI is escaped in the final warning (not in the DNS one)."""
        with diagnostics() as seen:
            stream_socket_client("tcp://it's:80")
        assert [m for _, m in seen] == [
            "stream_socket_client(): php_network_getaddresses: getaddrinfo for it's failed: "
            "Name or service not known",
            "stream_socket_client(): Unable to connect to tcp://it\\'s:80 "
            "(php_network_getaddresses: getaddrinfo for it's failed: Name or service not known)",
        ]

    def test_unix_missing(self) -> None:
        """A missing unix path: errno 2."""
        errno, errstr = Ref(), Ref()
        with pytest.warns(
            PHPWarning,
            match=re.escape(
                "Unable to connect to unix:///nonexistent/x.sock (No such file or directory)"
            ),
        ):
            assert stream_socket_client("unix:///nonexistent/x.sock", errno, errstr) is False
        assert (errno.value, errstr.value) == (2, "No such file or directory")

    def test_bindto_not_a_string(self, echo_server: EchoServer) -> None:
        """A non-string bindto aborts the connect with errno 0."""
        ctx = stream_context_create({"socket": {"bindto": 5}})
        errno, errstr = Ref(), Ref()
        with pytest.warns(PHPWarning) as record:
            result = stream_socket_client(
                echo_server.uri, errno, errstr, WAIT, STREAM_CLIENT_CONNECT, ctx
            )
        assert result is False
        assert [str(w.message) for w in record] == [
            f"stream_socket_client(): Unable to connect to {echo_server.uri} "
            "(local_addr context option is not a string.)"
        ]
        assert (errno.value, errstr.value) == (0, "local_addr context option is not a string.")

    def test_bindto_invalid_ip_warns_and_connects(self, echo_server: EchoServer) -> None:
        """A bindto host that is no IP address warns, and the connect still succeeds."""
        ctx = stream_context_create({"socket": {"bindto": "notanip:0"}})
        errno, errstr = Ref(), Ref()
        with pytest.warns(PHPWarning) as record:
            stream = stream_socket_client(
                echo_server.uri, errno, errstr, WAIT, STREAM_CLIENT_CONNECT, ctx
            )
        assert isinstance(stream, SocketStream)
        stream.close()
        assert [str(w.message) for w in record] == [
            "stream_socket_client(): Invalid IP Address: notanip"
        ]
        assert (errno.value, errstr.value) == (0, "")

    def test_uses_default_context(self, echo_server: EchoServer) -> None:
        """Without a context argument the default context applies, unless
        FILE_NO_DEFAULT_CONTEXT is in the flags."""
        stream_context_set_default({"socket": {"bindto": 5}})
        with pytest.warns(PHPWarning, match="local_addr context option is not a string"):
            assert stream_socket_client(echo_server.uri, None, None, WAIT) is False
        flags = STREAM_CLIENT_CONNECT | FILE_NO_DEFAULT_CONTEXT
        stream = stream_socket_client(echo_server.uri, None, None, WAIT, flags)
        assert isinstance(stream, SocketStream)
        stream.close()

    @pytest.mark.parametrize("timeout", [float("nan"), float("inf"), float("-inf")])
    def test_timeout_must_be_finite(self, timeout: float) -> None:
        """A non-finite timeout is a ValueError."""
        with pytest.raises(ValueError) as info:
            stream_socket_client("tcp://127.0.0.1:1", None, None, timeout)
        assert str(info.value) == (
            "stream_socket_client(): Argument #4 ($timeout) must be a finite value"
        )

    def test_async_connect_error_surfaces_on_write(self, refused_port: int) -> None:
        """ASYNC_CONNECT to a refused port returns a (blocking-looking) resource with no
        warning; the error shows on the first write as an E_NOTICE, fwrite is false."""
        flags = STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT
        errno, errstr = Ref(), Ref()
        stream = stream_socket_client(f"tcp://127.0.0.1:{refused_port}", errno, errstr, WAIT, flags)
        assert isinstance(stream, SocketStream)
        with contextlib.closing(stream):
            assert (errno.value, errstr.value) == (0, "")
            assert stream_get_meta_data(stream)["blocked"] is True
            with pytest.warns(PHPNotice) as record:
                assert fwrite(stream, "x") is False
            assert [str(w.message) for w in record] == [
                "fwrite(): Send of 1 bytes failed with errno=111 Connection refused"
            ]

    def test_no_connect_flag(self, echo_server: EchoServer) -> None:
        """Without STREAM_CLIENT_CONNECT the stream exists but is not connected."""
        stream = stream_socket_client(echo_server.uri, None, None, WAIT, 0)
        assert isinstance(stream, SocketStream)
        assert stream_socket_get_name(stream, True) is False
        assert stream_socket_get_name(stream, False) is False
        stream.close()

    def test_ref_required(self) -> None:
        """$errno must be a Ref (PHP passes it by reference)."""
        with pytest.raises(TypeError, match=re.escape("Argument #2 ($error_code) must be passed")):
            stream_socket_client("tcp://127.0.0.1:1", 0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# servers


class TestDirectConnect:
    """Plain inet connects to numeric hosts take ``_xport.connect_direct``; everything
    observable must equal what the full ``xport_create`` path builds."""

    CORE = (
        *("eof", "no_buffer", "greedy", "closed", "is_blocked", "timed_out", "_timeout_ms"),
        *("chunk_size", "unread_bytes", "bookkeeping"),
    )

    @classmethod
    def state(cls, stream: SocketStream) -> dict[str, Any]:
        """Every slot of every class, and the C core's fields (descriptors and the
        resource number excepted: they name the stream, not its state)."""
        out: dict[str, Any] = {}
        for klass in type(stream).__mro__:
            for name in getattr(klass, "__slots__", ()):
                if name not in ("_fd", "_sock", "__weakref__", "resource_id"):
                    out[name] = getattr(stream, name, "<unset>")
        for name in cls.CORE:
            out[name] = getattr(stream, name)
        out["notes"] = list(stream.notes)
        out["direct_fd_set"] = stream._direct_fd == stream.fileno() >= 0
        return out

    @pytest.mark.parametrize("scheme", ["tcp://", "", "udp://"])
    def test_same_stream_as_the_full_path(self, echo_server: EchoServer, scheme: str) -> None:
        """The planned path and the full xport path build the same stream (with the
        fast paths off there is no plan and both calls take the full path)."""
        from phpstreams import _xport

        uri = scheme + echo_server.address
        assert (_xport.direct_plan(uri, runtimes["8.2"].profile) is not None) == FAST_PATHS
        ctx = stream_context_create()
        errno, errstr = Ref("x"), Ref("x")
        planned = stream_socket_client(uri, errno, errstr, 7.25, STREAM_CLIENT_CONNECT, ctx)
        assert (errno.value, errstr.value) == (0, "")
        # A context with a "socket" section (even empty) takes the full path.
        full_ctx = stream_context_create({"socket": {}})
        full = stream_socket_client(uri, None, None, 7.25, STREAM_CLIENT_CONNECT, full_ctx)
        assert isinstance(planned, SocketStream) and isinstance(full, SocketStream)
        states = [self.state(s) for s in (planned, full)]
        assert [s.pop("context") for s in states] == [ctx, full_ctx]
        # Each took the next number after its context.
        assert [planned.resource_id, full.resource_id] == [
            ctx.resource_id + 1,
            full_ctx.resource_id + 1,
        ]
        assert states[0] == states[1]
        assert states[0]["connect_timeout"] == (7, 250000)
        with socket.socket(fileno=os.dup(planned.fileno())) as dup:  # .sock would make one
            names = {dup.getpeername()} | {full.sock.getpeername()}  # type: ignore[union-attr]
        assert len(names) == 1
        for s in (planned, full):
            fclose(s)
        states = [self.state(s) for s in (planned, full)]
        assert [s.pop("context") for s in states] == [ctx, full_ctx]
        assert states[0] == states[1]  # closed alike

    @pytest.mark.parametrize(
        "timeout",
        [None, 0, 0.0, -0.0, 0.0005, 1, 2.5, -1, -0.5, 1e9, 1e12, 1.8e13, 10**20],
    )
    def test_timeouts_convert_alike(self, echo_server: EchoServer, timeout: Any) -> None:
        """PHP's timeval conversion, default for negative/huge values: planned == full."""
        uri = echo_server.uri
        planned = stream_socket_client(uri, None, None, timeout, STREAM_CLIENT_CONNECT, None)
        full = stream_socket_client(
            uri, None, None, timeout, STREAM_CLIENT_CONNECT, stream_context_create({"socket": {}})
        )
        streams = [planned, full]
        assert all(isinstance(s, SocketStream) for s in streams)
        timeouts = {s.connect_timeout for s in streams if isinstance(s, SocketStream)}
        assert len(timeouts) == 1, timeouts
        for s in streams:
            fclose(s)

    def test_ipv6_literal(self) -> None:
        with socket.create_server(("::1", 0), family=socket.AF_INET6) as server:
            uri = f"tcp://[::1]:{server.getsockname()[1]}"
            fast = stream_socket_client(uri, None, None, WAIT)
            assert isinstance(fast, SocketStream)
            conn, peer = server.accept()
            with conn:
                assert stream_socket_get_name(fast, False) == f"[::1]:{peer[1]}"
                assert stream_socket_get_name(fast, True) == f"[::1]:{conn.getsockname()[1]}"
                conn.sendall(b"six\n")
                assert fgets(fast) == b"six\n"
            fclose(fast)

    def test_fsockopen_builds_the_same_stream(self, echo_server: EchoServer) -> None:
        direct = fsockopen("127.0.0.1", echo_server.port, None, None, 7.25)
        full_ctx = stream_context_create({"socket": {}})
        full = stream_socket_client(echo_server.uri, None, None, 7.25, 4, full_ctx)
        assert isinstance(direct, SocketStream) and isinstance(full, SocketStream)
        a, b = self.state(direct), self.state(full)
        assert (a.pop("context"), b.pop("context")) == (None, full_ctx)
        assert a == b
        fclose(direct)
        fclose(full)

    def test_planned_failure_is_reported_like_the_full_path(self, refused_port: int) -> None:
        uri = f"tcp://127.0.0.1:{refused_port}"
        results = []
        for ctx in (None, stream_context_create({"socket": {}})):  # planned, then full
            errno, errstr = Ref(), Ref()
            with pytest.warns(PHPWarning) as record:
                result = stream_socket_client(uri, errno, errstr, WAIT, STREAM_CLIENT_CONNECT, ctx)
            results.append((result, errno.value, errstr.value, [str(w.message) for w in record]))
        assert (
            results[0]
            == results[1]
            == (
                False,
                111,
                "Connection refused",
                [f"stream_socket_client(): Unable to connect to {uri} (Connection refused)"],
            )
        )

    @pytest.mark.parametrize(
        "uri",
        ["tls://127.0.0.1:1", "unix:///tmp/x.sock", "tcp://localhost:1", "tcp://127.0.0.1"],
    )
    def test_what_needs_the_full_path(self, uri: str) -> None:
        """TLS transports, unix sockets, names (DNS) and malformed specs are not planned."""
        from phpstreams import _xport

        assert _xport.direct_plan(uri, runtimes["8.2"].profile) is None


class TestServer:
    def test_names(self) -> None:
        """A server's local name is "ip:port"; it has no remote name."""
        srv = server()
        with contextlib.closing(srv):
            local = name_of(srv)
            assert re.fullmatch(r"127\.0\.0\.1:\d+", local)
            assert stream_socket_get_name(srv, True) is False
            meta = stream_get_meta_data(srv)
            assert meta["stream_type"] == "tcp_socket/ssl"
            assert meta["eof"] is False

    def test_accept_and_names(self) -> None:
        """accept gives a stream whose names mirror the client's; $peer_name is set."""
        srv = server()
        with contextlib.closing(srv):
            client = connect(f"tcp://{name_of(srv)}")
            peer = Ref("untouched")
            conn = stream_socket_accept(srv, WAIT, peer)
            assert isinstance(conn, SocketStream)
            with contextlib.closing(client), contextlib.closing(conn):
                assert peer.value == name_of(client)
                assert name_of(conn, True) == name_of(client)
                assert name_of(client, True) == name_of(srv)
                assert stream_get_meta_data(conn)["blocked"] is True
                assert fwrite(client, "to server") == 9
                stream_set_timeout(conn, WAIT)
                assert fread(conn, 100) == b"to server"

    def test_accepted_stream_shares_context(self) -> None:
        """An accepted stream has the listening socket's context (same object)."""
        ctx = stream_context_create({"socket": {"backlog": 4}})
        srv = stream_socket_server("tcp://127.0.0.1:0", None, None, 12, ctx)
        assert isinstance(srv, SocketStream)
        with contextlib.closing(srv):
            client = connect(f"tcp://{name_of(srv)}")
            conn = stream_socket_accept(srv, WAIT)
            assert isinstance(conn, SocketStream)
            with contextlib.closing(client), contextlib.closing(conn):
                assert conn.context is ctx

    def test_accept_timeout(self) -> None:
        """accept(0) with nobody waiting warns "Accept failed: Connection timed out" and
        leaves $peer_name alone."""
        srv = server()
        with contextlib.closing(srv):
            peer = Ref("untouched")
            with pytest.warns(PHPWarning) as record:
                assert stream_socket_accept(srv, 0, peer) is False
            assert [str(w.message) for w in record] == [
                "stream_socket_accept(): Accept failed: Connection timed out"
            ]
            assert peer.value == "untouched"

    def test_accept_huge_timeout(self) -> None:
        """A huge accept timeout still polls (php_tvtoto yields an int): a pending
        connection is accepted at once."""
        srv = server()
        with contextlib.closing(srv):
            client = connect(f"tcp://{name_of(srv)}")
            with contextlib.closing(client):
                conn = stream_socket_accept(srv, 1e7)
                assert isinstance(conn, SocketStream)
                conn.close()

    def test_port_in_use(self) -> None:
        """A bind failure: errstr from strerror, but errno stays 0."""
        srv = server()
        with contextlib.closing(srv):
            uri = f"tcp://{name_of(srv)}"
            errno, errstr = Ref("x"), Ref("x")
            with pytest.warns(PHPWarning) as record:
                assert stream_socket_server(uri, errno, errstr) is False
            assert [str(w.message) for w in record] == [
                f"stream_socket_server(): Unable to connect to {uri} (Address already in use)"
            ]
            assert (errno.value, errstr.value) == (0, "Address already in use")

    def test_udp_listen_is_unknown_error(self) -> None:
        """udp with the default BIND|LISTEN flags fails in listen() with no text."""
        errno, errstr = Ref("x"), Ref("x")
        with pytest.warns(PHPWarning) as record:
            assert stream_socket_server("udp://127.0.0.1:0", errno, errstr) is False
        assert [str(w.message) for w in record] == [
            "stream_socket_server(): Unable to connect to udp://127.0.0.1:0 (Unknown error)"
        ]
        assert (errno.value, errstr.value) == (0, "")

    def test_udp_bind_only(self) -> None:
        """udp with STREAM_SERVER_BIND alone works."""
        srv = stream_socket_server("udp://127.0.0.1:0", None, None, STREAM_SERVER_BIND)
        assert isinstance(srv, SocketStream)
        assert stream_get_meta_data(srv)["stream_type"] == "udp_socket"
        srv.close()

    def test_unix_round_trip(self) -> None:
        """A unix server: its name is the path; a second bind fails with no text."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "s.sock")
            srv = server(f"unix://{path}")
            with contextlib.closing(srv):
                assert name_of(srv) == path
                client = connect(f"unix://{path}")
                conn = stream_socket_accept(srv, WAIT)
                assert isinstance(conn, SocketStream)
                with contextlib.closing(client), contextlib.closing(conn):
                    assert stream_get_meta_data(client)["stream_type"] == "unix_socket"
                    assert fwrite(client, "over unix\n") == 10
                    stream_set_timeout(conn, WAIT)
                    assert fgets(conn) == b"over unix\n"
                errno, errstr = Ref(), Ref()
                with pytest.warns(PHPWarning, match=re.escape(f"unix://{path} (Unknown error)")):
                    assert stream_socket_server(f"unix://{path}", errno, errstr) is False
                assert (errno.value, errstr.value) == (0, "")

    def test_abstract_unix_name_is_false(self) -> None:
        """stream_socket_get_name of an abstract-namespace socket is false."""
        srv = server(f"unix://\0phpstreams-test-{os.getpid()}-{time.monotonic_ns()}")
        with contextlib.closing(srv):
            assert stream_socket_get_name(srv, False) is False

    def test_shutdown(self, peer_pair: PeerPair) -> None:
        """stream_socket_shutdown(WR) sends EOF to the peer; a bad mode is a ValueError."""
        assert stream_socket_shutdown(peer_pair.client, STREAM_SHUT_WR) is True
        assert peer_pair.peer.recv(10) == b""
        with pytest.raises(ValueError) as info:
            stream_socket_shutdown(peer_pair.client, 5)
        assert str(info.value) == (
            "stream_socket_shutdown(): Argument #2 ($mode) must be one of STREAM_SHUT_RD, "
            "STREAM_SHUT_WR, or STREAM_SHUT_RDWR"
        )

    def test_socket_pair(self) -> None:
        """stream_socket_pair gives two connected "generic_socket" streams."""
        pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
        assert isinstance(pair, list)
        a, b = pair
        with contextlib.closing(a), contextlib.closing(b):
            assert stream_get_meta_data(a)["stream_type"] == "generic_socket"
            assert fwrite(a, "hi") == 2
            assert fread(b, 10) == b"hi"

    def test_transports(self) -> None:
        """stream_get_transports lists the core transports first, in PHP's order."""
        assert stream_get_transports()[:4] == ["tcp", "udp", "unix", "udg"]


# ---------------------------------------------------------------------------
# reading and writing


class TestReadWrite:
    def test_echo_round_trip(self, echo_server: EchoServer) -> None:
        """fwrite returns the byte count; fread/fgets read the echo back."""
        stream = connect(echo_server.uri)
        with contextlib.closing(stream):
            assert fwrite(stream, "hello") == 5
            assert read_n(stream, 5) == b"hello"
            assert fputs(stream, b"line1\nline2\n") == 12
            assert fgets(stream) == b"line1\n"
            assert fgets(stream) == b"line2\n"
            assert fwrite(stream, "abcdef", 3) == 3
            assert read_n(stream, 3) == b"abc"
            assert fwrite(stream, "h\u00e9") == 3  # str is written as UTF-8
            assert read_n(stream, 3) == "h\u00e9".encode()

    def test_large_echo(self, echo_server: EchoServer) -> None:
        """A large payload round-trips; each fread is a short read of at most what is
        buffered plus one 8192-byte fill."""
        payload = bytes(range(256)) * 400
        stream = connect(echo_server.uri)
        with contextlib.closing(stream):
            assert fwrite(stream, payload) == len(payload)
            got = b""
            for _ in range(1000):
                if len(got) >= len(payload):
                    break
                chunk = fread(stream, 100000)
                assert isinstance(chunk, bytes) and chunk
                assert len(chunk) <= 2 * 8192
                got += chunk
            assert got == payload

    def test_fread_is_one_fill(self, peer_pair: PeerPair) -> None:
        """fread(100000) returns one 8192-byte recv; fread(100) then keeps 8092 bytes
        buffered (unread_bytes)."""
        peer_pair.peer.sendall(b"z" * 20000)
        wait_queued(peer_pair.client, 20000)
        assert fread(peer_pair.client, 100000) == b"z" * 8192
        assert stream_get_meta_data(peer_pair.client)["unread_bytes"] == 0
        assert fread(peer_pair.client, 100) == b"z" * 100
        assert stream_get_meta_data(peer_pair.client)["unread_bytes"] == 8092

    def test_fgets_partial_lines(self, peer_pair: PeerPair) -> None:
        """fgets waits across partial sends for the newline; with a length it returns
        at most length - 1 bytes."""
        peer_pair.peer.sendall(b"par")
        wait_queued(peer_pair.client, 3)
        peer_pair.peer.sendall(b"tial\nnext")
        assert fgets(peer_pair.client) == b"partial\n"
        assert fgets(peer_pair.client, 3) == b"ne"
        peer_pair.peer.close()
        assert fgets(peer_pair.client) == b"xt"
        assert fgets(peer_pair.client) is False

    def test_eof(self, peer_pair: PeerPair) -> None:
        """After the peer closes: pending data is read first, then fread gives "" and
        feof is true."""
        peer_pair.peer.sendall(b"last")
        peer_pair.peer.close()
        wait_queued(peer_pair.client, 4)
        assert feof(peer_pair.client) is False  # unread data pending
        assert fread(peer_pair.client, 10) == b"last"
        assert fread(peer_pair.client, 10) == b""
        assert feof(peer_pair.client) is True
        assert stream_get_meta_data(peer_pair.client)["eof"] is True

    def test_feof_probes_liveness(self, peer_pair: PeerPair) -> None:
        """feof with an empty buffer probes the socket: a closed peer is EOF at once,
        without any read."""
        assert feof(peer_pair.client) is False
        peer_pair.peer.close()
        wait_readable(peer_pair.client)
        assert feof(peer_pair.client) is True

    def test_timeout(self, peer_pair: PeerPair) -> None:
        """A read timeout: fread is false and timed_out true; the next read resets it."""
        assert stream_set_timeout(peer_pair.client, 0, 100000) is True
        assert fread(peer_pair.client, 10) is False
        assert stream_get_meta_data(peer_pair.client)["timed_out"] is True
        peer_pair.peer.sendall(b"late")
        wait_queued(peer_pair.client, 4)
        assert fread(peer_pair.client, 10) == b"late"
        assert stream_get_meta_data(peer_pair.client)["timed_out"] is False

    def test_set_timeout_clears_timed_out(self, peer_pair: PeerPair) -> None:
        """stream_set_timeout resets timed_out."""
        stream_set_timeout(peer_pair.client, 0, 1000)
        assert fread(peer_pair.client, 1) is False
        assert stream_get_meta_data(peer_pair.client)["timed_out"] is True
        stream_set_timeout(peer_pair.client, WAIT)
        assert stream_get_meta_data(peer_pair.client)["timed_out"] is False

    def test_fgets_timeout_returns_partial(self, peer_pair: PeerPair) -> None:
        """fgets on timeout returns the partial line, or false if nothing arrived."""
        peer_pair.peer.sendall(b"partial")
        wait_queued(peer_pair.client, 7)
        stream_set_timeout(peer_pair.client, 0, 100000)
        assert fgets(peer_pair.client) == b"partial"
        assert stream_get_meta_data(peer_pair.client)["timed_out"] is True
        assert fgets(peer_pair.client) is False

    def test_non_blocking(self, peer_pair: PeerPair) -> None:
        """A non-blocking read with nothing ready returns "" (not false, not EOF)."""
        assert stream_set_blocking(peer_pair.client, False) is True
        assert stream_get_meta_data(peer_pair.client)["blocked"] is False
        assert fread(peer_pair.client, 10) == b""
        assert feof(peer_pair.client) is False
        assert stream_get_meta_data(peer_pair.client)["timed_out"] is False

    def test_socket_meta_data(self, peer_pair: PeerPair) -> None:
        """Socket meta data keys and values, in PHP 8.2's order (no "uri")."""
        meta = stream_get_meta_data(peer_pair.client)
        assert meta == {
            "timed_out": False,
            "blocked": True,
            "eof": False,
            "stream_type": "tcp_socket/ssl",
            "mode": "r+",
            "unread_bytes": 0,
            "seekable": False,
        }
        assert list(meta) == [
            "timed_out",
            "blocked",
            "eof",
            "stream_type",
            "mode",
            "unread_bytes",
            "seekable",
        ]

    def test_stream_get_line(self, peer_pair: PeerPair) -> None:
        """stream_get_line strips the delimiter; the record is found across sends."""
        peer_pair.peer.sendall(b"a\r")
        wait_queued(peer_pair.client, 2)
        peer_pair.peer.sendall(b"\nb\r\n")
        assert stream_get_line(peer_pair.client, 100, "\r\n") == b"a"
        assert stream_get_line(peer_pair.client, 100, "\r\n") == b"b"

    def test_get_contents_and_getc(self, peer_pair: PeerPair) -> None:
        """fgetc reads one byte; stream_get_contents reads the rest until EOF."""
        peer_pair.peer.sendall(b"xyz" * 5000)
        peer_pair.peer.close()
        assert fgetc(peer_pair.client) == b"x"
        assert stream_get_contents(peer_pair.client) == (b"xyz" * 5000)[1:]
        assert fgetc(peer_pair.client) is False

    def test_chunk_size(self, peer_pair: PeerPair) -> None:
        """stream_set_chunk_size returns the previous size and sets the fill size."""
        assert stream_set_chunk_size(peer_pair.client, 100) == 8192
        peer_pair.peer.sendall(b"q" * 1000)
        wait_queued(peer_pair.client, 1000)
        assert fread(peer_pair.client, 1000) == b"q" * 100
        assert stream_set_chunk_size(peer_pair.client, 8192) == 100
        with pytest.raises(ValueError) as info:
            stream_set_chunk_size(peer_pair.client, 0)
        assert (
            str(info.value) == "stream_set_chunk_size(): Argument #2 ($size) must be greater than 0"
        )

    @pytest.mark.parametrize(
        ("call", "message"),
        [
            (lambda s: fread(s, 0), "fread(): Argument #2 ($length) must be greater than 0"),
            (lambda s: fgets(s, 0), "fgets(): Argument #2 ($length) must be greater than 0"),
            (
                lambda s: stream_get_line(s, -1),
                "stream_get_line(): Argument #2 ($length) must be greater than or equal to 0",
            ),
        ],
        ids=["fread", "fgets", "stream_get_line"],
    )
    def test_length_value_errors(
        self, peer_pair: PeerPair, call: Callable[[Any], object], message: str
    ) -> None:
        """Non-positive lengths are ValueErrors (PHP 8)."""
        with pytest.raises(ValueError) as info:
            call(peer_pair.client)
        assert str(info.value) == message

    def test_write_to_closed_peer_notice(self, peer_pair: PeerPair) -> None:
        """Writing after the peer reset the connection: E_NOTICE "Send of N bytes
        failed with errno=..." and fwrite returns false."""
        peer_pair.peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        peer_pair.peer.close()  # RST
        wait_readable(peer_pair.client)
        with pytest.warns(PHPNotice) as record:
            assert fwrite(peer_pair.client, "x") is False
        assert len(record) == 1
        assert re.fullmatch(
            r"fwrite\(\): Send of 1 bytes failed with errno=(104|32) "
            r"(Connection reset by peer|Broken pipe)",
            str(record[0].message),
        )


# ---------------------------------------------------------------------------
# stream_select


class TestStreamSelect:
    def test_list(self, peer_pair: PeerPair) -> None:
        """Ready streams stay in the (list) arrays; the count is returned."""
        peer_pair.peer.sendall(b"ready")
        wait_queued(peer_pair.client, 5)
        read, write = Ref([peer_pair.client]), Ref([peer_pair.client])
        assert stream_select(read, write, None, WAIT) == 2
        assert read.value == [peer_pair.client]
        assert write.value == [peer_pair.client]

    def test_timeout_empties_arrays(self, peer_pair: PeerPair) -> None:
        """Nothing ready within the timeout: 0, and the arrays are emptied."""
        read, except_ = Ref([peer_pair.client]), Ref({"k": peer_pair.client})
        assert stream_select(read, None, except_, 0) == 0
        assert read.value == []
        assert except_.value == {}

    def test_dict_keys_preserved(self, echo_server: EchoServer) -> None:
        """Array keys survive select, as they do for PHP arrays."""
        a, b = connect(echo_server.uri), connect(echo_server.uri)
        with contextlib.closing(a), contextlib.closing(b):
            fwrite(b, "echo")
            read = Ref({"first": a, "second": b})
            assert stream_select(read, None, None, WAIT) == 1
            assert read.value == {"second": b}

    def test_buffered_data_shortcut(self, peer_pair: PeerPair) -> None:
        """A stream with data in its read buffer makes select return at once, with only
        the buffered streams readable and the other arrays emptied."""
        peer_pair.peer.sendall(b"one\ntwo\n")
        wait_queued(peer_pair.client, 8)
        assert fgets(peer_pair.client) == b"one\n"
        assert stream_get_meta_data(peer_pair.client)["unread_bytes"] == 4
        read, write = Ref([peer_pair.client]), Ref([peer_pair.client])
        assert stream_select(read, write, None, 0) == 1
        assert read.value == [peer_pair.client]
        assert write.value == []

    def test_null_seconds_waits(self, peer_pair: PeerPair) -> None:
        """seconds null waits without limit (here: until the peer's data arrives)."""
        peer_pair.peer.sendall(b"x")
        read = Ref([peer_pair.client])
        assert stream_select(read, None, None, None) == 1

    def test_no_arrays(self) -> None:
        """No non-empty array is a ValueError (no function prefix)."""
        with pytest.raises(ValueError) as info:
            stream_select(Ref([]), None, None, 0)
        assert str(info.value) == "No stream arrays were passed"

    def test_negative_seconds(self, peer_pair: PeerPair) -> None:
        """A negative timeout is a ValueError."""
        with pytest.raises(ValueError) as info:
            stream_select(Ref([peer_pair.client]), None, None, -1)
        assert str(info.value) == (
            "stream_select(): Argument #4 ($seconds) must be greater than or equal to 0"
        )

    def test_microseconds_without_seconds(self, peer_pair: PeerPair) -> None:
        """Microseconds with seconds null is a ValueError."""
        with pytest.raises(ValueError) as info:
            stream_select(Ref([peer_pair.client]), None, None, None, 5)
        assert str(info.value) == (
            "stream_select(): Argument #5 ($microseconds) must be null when argument #4 "
            "($seconds) is null"
        )

    def test_arrays_must_be_refs(self, peer_pair: PeerPair) -> None:
        """The arrays are by reference: a bare list is refused; a Ref must hold an array."""
        with pytest.raises(TypeError, match=re.escape("Argument #1 ($read) must be passed")):
            stream_select([peer_pair.client], None, None, 0)  # type: ignore[arg-type]
        with pytest.raises(TypeError) as info:
            stream_select(Ref(5), None, None, 0)
        assert str(info.value) == (
            "stream_select(): Argument #1 ($read) must be of type ?array, int given"
        )

    def test_memory_stream_not_selectable(self) -> None:
        """A memory stream cannot be selected: a warning, and with nothing else to
        select, the "No stream arrays" ValueError."""
        memory = fopen("php://memory", "w+")
        with pytest.warns(PHPWarning) as record, pytest.raises(ValueError):
            stream_select(Ref([memory]), None, None, 0)
        assert [str(w.message) for w in record] == [
            "stream_select(): Cannot represent a stream of type MEMORY as a select()able descriptor"
        ]
        fclose(memory)


# ---------------------------------------------------------------------------
# closed resources


CLOSED_CALLS: list[tuple[str, Callable[[Any], object]]] = [
    ("fread", lambda s: fread(s, 1)),
    ("fgets", lambda s: fgets(s)),
    ("fgetc", lambda s: fgetc(s)),
    ("fwrite", lambda s: fwrite(s, "x")),
    ("feof", lambda s: feof(s)),
    ("fclose", lambda s: fclose(s)),
    ("stream_get_meta_data", lambda s: stream_get_meta_data(s)),
    ("stream_set_timeout", lambda s: stream_set_timeout(s, 1)),
    ("stream_set_blocking", lambda s: stream_set_blocking(s, False)),
    ("stream_socket_get_name", lambda s: stream_socket_get_name(s, False)),
    ("stream_get_contents", lambda s: stream_get_contents(s)),
]


class TestClosedResources:
    @pytest.mark.parametrize(("func", "call"), CLOSED_CALLS, ids=[f for f, _ in CLOSED_CALLS])
    def test_type_error(
        self, echo_server: EchoServer, func: str, call: Callable[[Any], object]
    ) -> None:
        """Every stream function on a closed resource is a TypeError (PHP 8)."""
        stream = connect(echo_server.uri)
        assert fclose(stream) is True
        with pytest.raises(TypeError) as info:
            call(stream)
        assert str(info.value) == f"{func}(): supplied resource is not a valid stream resource"

    def test_introspection(self, echo_server: EchoServer) -> None:
        """A closed resource is no longer a resource, of type "Unknown"."""
        stream = connect(echo_server.uri)
        assert is_resource(stream) is True
        fclose(stream)
        assert is_resource(stream) is False
        assert get_resource_type(stream) == "Unknown"

    def test_fwrite_nothing_checks_nothing(self, echo_server: EchoServer) -> None:
        """fwrite of zero bytes returns 0 before PHP even looks at the stream."""
        stream = connect(echo_server.uri)
        fclose(stream)
        assert fwrite(stream, "") == 0
        assert fwrite(stream, "abc", 0) == 0


# ---------------------------------------------------------------------------
# php://memory


class TestMemory:
    def test_round_trip(self) -> None:
        """php://memory: write, rewind, line and block reads, tell, EOF."""
        m = fopen("php://memory", "w+")
        assert fwrite(m, "abc\ndef") == 7
        assert ftell(m) == 7
        assert rewind(m) is True
        assert fgets(m) == b"abc\n"
        assert ftell(m) == 4
        assert fread(m, 100) == b"def"
        assert feof(m) is True
        assert fseek(m, 1) == 0
        assert stream_get_contents(m) == b"bc\ndef"
        assert stream_get_contents(m, -1, 4) == b"def"
        fclose(m)

    def test_meta_data(self) -> None:
        """Memory meta data: wrapper "PHP", type MEMORY, seekable, and the uri."""
        m = fopen("php://memory", "w+")
        assert stream_get_meta_data(m) == {
            "timed_out": False,
            "blocked": True,
            "eof": False,
            "wrapper_type": "PHP",
            "stream_type": "MEMORY",
            "mode": "w+b",
            "unread_bytes": 0,
            "seekable": True,
            "uri": "php://memory",
        }
        fclose(m)

    def test_temp_meta_data(self) -> None:
        """php://temp reports no timed_out/blocked/eof keys."""
        t = fopen("php://temp", "w+")
        assert list(stream_get_meta_data(t)) == [
            "wrapper_type",
            "stream_type",
            "mode",
            "unread_bytes",
            "seekable",
            "uri",
        ]
        assert isinstance(t, MemoryStream)
        fclose(t)

    def test_read_only(self) -> None:
        """A memory stream opened "r" refuses writes: fwrite is false."""
        m = fopen("php://memory", "r")
        assert fwrite(m, "abc") is False
        fclose(m)

    def test_read_only_mode(self) -> None:
        """A read-only memory stream's mode is "rb"."""
        m = fopen("php://memory", "r")
        assert stream_get_meta_data(m)["mode"] == "rb"
        fclose(m)

    def test_append_mode(self) -> None:
        """With mode "a+" every write appends, whatever the position."""
        m = fopen("php://memory", "a+")
        fwrite(m, "abc")
        rewind(m)
        fwrite(m, "X")
        rewind(m)
        assert stream_get_contents(m) == b"abcX"
        fclose(m)

    def test_feof_after_exact_read(self) -> None:
        """Reading exactly the remaining bytes does not set EOF; one more read does."""
        m = fopen("php://memory", "w+")
        fwrite(m, "abc")
        rewind(m)
        assert fread(m, 3) == b"abc"
        assert feof(m) is False
        assert fread(m, 3) == b""
        assert feof(m) is True

    def test_seek_past_end(self) -> None:
        """fseek beyond the end of php://memory fails with -1, and the stream position is
        then unknown: ftell is false until the next successful seek."""
        m = fopen("php://memory", "w+")
        fwrite(m, "abc")
        assert fseek(m, 10) == -1
        assert ftell(m) is False
        assert fseek(m, 1) == 0
        assert ftell(m) == 1
        assert fread(m, 10) == b"bc"
        fclose(m)

    def test_no_timeouts(self) -> None:
        """stream_set_timeout on a memory stream is false (no timeout support)."""
        m = fopen("php://memory", "w+")
        assert stream_set_timeout(m, 1) is False
        fclose(m)

    def test_other_wrappers_not_provided(self) -> None:
        """Only php://memory and php://temp are emulated."""
        with pytest.raises(NotImplementedError):
            fopen("/etc/hostname", "r")


# ---------------------------------------------------------------------------
# ini settings


class TestIni:
    def test_default_socket_timeout(self) -> None:
        """ini_set returns the old value as a string; ini_get the new one."""
        assert ini_get("default_socket_timeout") == "60"
        assert ini_set("default_socket_timeout", 5) == "60"
        assert ini_get("default_socket_timeout") == "5"
        assert ini_set("default_socket_timeout", "7") == "5"
        assert ini_get("default_socket_timeout") == "7"

    @pytest.mark.parametrize(
        ("value", "stored"), [(True, "1"), (False, ""), (None, ""), (1.5, "1.5"), (b"9", "9")]
    )
    def test_value_conversion(self, value: object, stored: str) -> None:
        """ini values are stored as PHP strings (1.5 is also an invalid quantity)."""
        if value == 1.5:
            with pytest.warns(PHPWarning, match='unknown multiplier "5"'):
                ini_set("default_socket_timeout", value)
        else:
            ini_set("default_socket_timeout", value)  # type: ignore[arg-type]
        assert ini_get("default_socket_timeout") == stored

    def test_perdir_cannot_be_set(self) -> None:
        """openssl.cafile is PHP_INI_PERDIR: ini_set fails with false, value unchanged."""
        assert ini_set("openssl.cafile", "/tmp/ca.pem") is False
        assert ini_get("openssl.cafile") == ""

    def test_unknown(self) -> None:
        """Unknown entries: ini_get and ini_set are false."""
        assert ini_get("no.such.entry") is False
        assert ini_set("no.such.entry", "1") is False

    def test_array_value(self) -> None:
        """An array value is a TypeError; PHP 8.2's text names no given type."""
        with pytest.raises(TypeError) as info:
            ini_set("default_socket_timeout", [])  # type: ignore[arg-type]
        assert str(info.value) == (
            "ini_set(): Argument #2 ($value) must be of type string|int|float|bool|null"
        )

    def test_read_timeout_comes_from_ini(self) -> None:
        """A new socket stream's read timeout is default_socket_timeout: with "0" a read
        on an idle connection times out at once."""
        with socket.create_server(("127.0.0.1", 0)) as listener:
            ini_set("default_socket_timeout", "0")
            stream = stream_socket_client(
                f"tcp://127.0.0.1:{listener.getsockname()[1]}", None, None, WAIT
            )
            assert isinstance(stream, SocketStream)
            with contextlib.closing(stream):
                start = time.monotonic()
                assert fread(stream, 1) is False
                assert time.monotonic() - start < 1.0
                assert stream_get_meta_data(stream)["timed_out"] is True


def test_error_get_last_after_failure(refused_port: int) -> None:
    """The final warning of a failed connect is error_get_last()."""
    with pytest.warns(PHPWarning):
        fsockopen("127.0.0.1", refused_port, None, None, WAIT)
    last = error_get_last()
    assert last is not None
    assert last["type"] == 2
    assert last["message"] == (
        f"fsockopen(): Unable to connect to 127.0.0.1:{refused_port} (Connection refused)"
    )


def test_errno_constants_match_linux() -> None:
    """The errno values PHP reports are Linux's."""
    assert (errno_mod.ECONNREFUSED, errno_mod.ETIMEDOUT, errno_mod.ENOENT) == (111, 110, 2)


def test_c_functions_show_phps_signatures() -> None:
    """The public functions whose bodies are C keep introspectable signatures and
    docstrings."""
    import inspect

    import phpstreams

    assert str(inspect.signature(phpstreams.stream_socket_client)) == (
        "(address: 'str', error_code: 'Ref | None' = None, error_message: 'Ref | None' = None, "
        "timeout: 'float | None' = None, flags: 'int' = 4, context: 'Any' = None) "
        "-> 'SocketStream | bool'"
    )
    assert str(inspect.signature(phpstreams.fclose)) == "(stream: 'Any') -> 'bool'"
    assert str(inspect.signature(phpstreams.fgets)) == "(stream, length=None)"
    assert str(inspect.signature(phpstreams.fread)) == "(stream, length)"
    assert str(inspect.signature(phpstreams.fwrite)) == "(stream, data, length=None)"
    assert str(inspect.signature(phpstreams.fputs)) == "(stream, data, length=None)"
    for func in (phpstreams.fread, phpstreams.fgets, phpstreams.fwrite, phpstreams.fputs):
        assert func.__doc__ and func.__doc__.startswith(f"PHP: ``{func.__name__}(")
