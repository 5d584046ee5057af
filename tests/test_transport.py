"""Unit tests for :mod:`phpstreams._transport`: PHP's timeval-to-poll conversion,
resolution, connect/bind/listen/accept with ``main/network.c``'s errno and errstr, and
socket-name formatting. Loopback only, every port bound to 0."""

from __future__ import annotations

import errno
import os
import re
import select
import socket
import tempfile
import time
from collections.abc import Iterator

import pytest
from conftest import WAIT

from phpstreams._context import SocketOptions
from phpstreams._errors import (
    E_WARNING,
    AcceptTimeout,
    BindError,
    ConnectError,
    Note,
    ResolveError,
    TransportError,
)
from phpstreams._profiles import PHP_8_2
from phpstreams._speedups import connect_fd
from phpstreams._transport import (
    TRANSPORTS,
    Timeout,
    _numeric_hosts,
    accept,
    bind_inet,
    bind_unix,
    connect_inet,
    connect_unix,
    listen,
    local_name,
    peer_name,
    poll_ms,
    resolve,
    sockaddr_text,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("fake_dns")

NO_OPTS = SocketOptions()


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock


def _connect(
    port: int,
    *,
    timeout: Timeout = (WAIT, 0),
    sockopts: SocketOptions = NO_OPTS,
    notes: list[Note] | None = None,
    host: str = "127.0.0.1",
) -> socket.socket:
    fd, family, pending = connect_inet(
        host,
        port,
        socket.SOCK_STREAM,
        timeout=timeout,
        async_=False,
        sockopts=sockopts,
        profile=PHP_8_2,
        notes=[] if notes is None else notes,
    )
    assert pending is False
    return socket.socket(family, socket.SOCK_STREAM, 0, fd)


class TestPollMs:
    @pytest.mark.parametrize(
        ("timeout", "ms"),
        [
            (None, -1),
            ((0, 0), 0),
            ((0, 500), 0),
            ((0, 999), 0),
            ((0, 1000), 1),
            ((0, 999999), 999),
            ((1, 500000), 1500),
            ((60, 0), 60000),
            ((2147482, 0), 2147482000),
        ],
        ids=repr,
    )
    def test_conversion(self, timeout: Timeout, ms: int) -> None:
        """php_tvtoto: sec * 1000 + usec / 1000 with C division, so 500 microseconds is
        a zero-timeout poll; no timeout at all is -1 (wait forever)."""
        assert poll_ms(timeout) == ms

    @pytest.mark.parametrize("timeout", [(-1, 0), (-5, 0), (-1, 500000)], ids=repr)
    def test_negative_is_infinite(self, timeout: Timeout) -> None:
        """A negative tv_sec (stream_set_timeout($s, -1)) gives a negative poll timeout,
        which poll(2) treats as "wait forever"."""
        assert poll_ms(timeout) < 0

    def test_negative_wait_does_not_time_out(self) -> None:
        """wait_for with a negative timeout waits until the descriptor is ready."""
        a, b = socket.socketpair()
        with a, b:
            b.send(b"x")
            assert wait_for(a, select.POLLIN, (-1, 0)) & select.POLLIN

    @pytest.mark.parametrize("timeout", [(2147484, 0), (3_000_000, 0), (10**12, 0)], ids=repr)
    def test_result_fits_a_c_int(self, timeout: Timeout) -> None:
        """php_tvtoto's result is an int, so any timeout gives a value poll() accepts."""
        assert -(2**31) <= poll_ms(timeout) <= 2**31 - 1

    def test_wait_for_huge_timeout(self) -> None:
        """php_pollfd_for with a huge timeout on a ready socket returns its events."""
        a, b = socket.socketpair()
        with a, b:
            b.send(b"x")
            assert wait_for(a, select.POLLIN, (3_000_000, 0)) & select.POLLIN

    def test_wait_for(self) -> None:
        """wait_for returns the revents, or 0 when the (zero) timeout expires."""
        a, b = socket.socketpair()
        with a, b:
            assert wait_for(a, select.POLLIN, (0, 0)) == 0
            b.send(b"x")
            assert wait_for(a, select.POLLIN, (WAIT, 0)) & select.POLLIN


class TestResolve:
    def test_numeric(self) -> None:
        """A numeric IPv4 host resolves to itself, port left at 0."""
        assert resolve("127.0.0.1", socket.SOCK_STREAM, PHP_8_2) == (
            (socket.AF_INET, ("127.0.0.1", 0)),
        )

    def test_numeric_hosts_are_remembered_names_are_not(self) -> None:
        """Numeric hosts skip getaddrinfo after the first time; names never do."""
        _numeric_hosts.clear()
        first = resolve("127.0.0.1", socket.SOCK_STREAM, PHP_8_2)
        assert resolve("127.0.0.1", socket.SOCK_STREAM, PHP_8_2) is first
        resolve("localhost", socket.SOCK_STREAM, PHP_8_2)
        assert list(_numeric_hosts) == [("127.0.0.1", socket.SOCK_STREAM)]

    def test_failure_text(self) -> None:
        """A failed lookup names the host and gai_strerror (8.1+ text), errno 0."""
        with pytest.raises(ResolveError) as info:
            resolve("nonexistent.invalid", socket.SOCK_STREAM, PHP_8_2)
        assert info.value.errstr == (
            "php_network_getaddresses: getaddrinfo for nonexistent.invalid failed: "
            "Name or service not known"
        )
        assert info.value.errno == 0

    def test_empty_host(self) -> None:
        """An empty host (from "::1:80") fails with a double space in the text."""
        with pytest.raises(ResolveError) as info:
            resolve("", socket.SOCK_STREAM, PHP_8_2)
        assert info.value.errstr == (
            "php_network_getaddresses: getaddrinfo for  failed: Name or service not known"
        )


class TestConnect:
    def test_success(self, listener: socket.socket) -> None:
        """A connect returns a non-blocking descriptor connected to the listener."""
        port = listener.getsockname()[1]
        with _connect(port) as sock:
            assert sock.getpeername() == ("127.0.0.1", port)
            assert os.get_blocking(sock.fileno()) is False

    def test_refused(self, refused_port: int) -> None:
        """A refused connect is ConnectError with the OS errno 111."""
        with pytest.raises(ConnectError) as info:
            _connect(refused_port)
        assert info.value.errno == errno.ECONNREFUSED == 111
        assert info.value.errstr == "Connection refused"

    def test_timeout(self, saturated_port: int) -> None:
        """A connect nobody answers fails with ETIMEDOUT (110) when the timeout runs
        out, and not much later."""
        start = time.monotonic()
        with pytest.raises(ConnectError) as info:
            _connect(saturated_port, timeout=(0, 300000))
        elapsed = time.monotonic() - start
        assert info.value.errno == errno.ETIMEDOUT == 110
        assert info.value.errstr == "Connection timed out"
        assert 0.25 <= elapsed < 0.3 + 2.0

    def test_zero_timeout_loopback(self, listener: socket.socket) -> None:
        """A zero timeout is a zero-timeout poll: a loopback connect can still succeed
        or time out, but never blocks."""
        start = time.monotonic()
        try:
            _connect(listener.getsockname()[1], timeout=(0, 0)).close()
        except ConnectError as exc:
            assert exc.errno == errno.ETIMEDOUT
        assert time.monotonic() - start < 1.0

    def test_resolve_failure(self) -> None:
        """A host that does not resolve fails before any socket is made."""
        with pytest.raises(
            ResolveError, match=re.escape("getaddrinfo for nonexistent.invalid failed")
        ):
            _connect(80, host="nonexistent.invalid")

    def test_bindto_not_string(self, listener: socket.socket) -> None:
        """A non-string bindto aborts the connect: errstr "local_addr context option is
        not a string.", errno 0."""
        with pytest.raises(TransportError) as info:
            _connect(listener.getsockname()[1], sockopts=SocketOptions(bindto_invalid=True))
        assert info.value.errstr == "local_addr context option is not a string."
        assert info.value.errno == 0

    def test_bindto_invalid_ip(self, listener: socket.socket) -> None:
        """A bindto host that is not a numeric IP is a warning, and the connect goes on
        unbound."""
        notes: list[Note] = []
        opts = SocketOptions(bindto="notanip:0")
        with _connect(listener.getsockname()[1], sockopts=opts, notes=notes) as sock:
            assert sock.getpeername()[1] == listener.getsockname()[1]
        assert [(n.level, n.message) for n in notes] == [(E_WARNING, "Invalid IP Address: notanip")]

    @pytest.mark.parametrize("bindto", ["127.0.0.1", "0", "[::1", ""], ids=repr)
    def test_bindto_unparsable_is_ignored(self, listener: socket.socket, bindto: str) -> None:
        """A bindto that does not parse as host:port is silently ignored."""
        notes: list[Note] = []
        with _connect(
            listener.getsockname()[1], sockopts=SocketOptions(bindto=bindto), notes=notes
        ):
            pass
        assert notes == []

    def test_bindto_address(self, listener: socket.socket) -> None:
        """A valid bindto binds the client socket to that local address and port."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free_port = probe.getsockname()[1]
        notes: list[Note] = []
        opts = SocketOptions(bindto=f"127.0.0.1:{free_port}")
        with _connect(listener.getsockname()[1], sockopts=opts, notes=notes) as sock:
            assert sock.getsockname() == ("127.0.0.1", free_port)
        assert notes == []

    def test_bindto_ipv6_dropped_for_ipv4(self, listener: socket.socket) -> None:
        """An IPv6 bindto is dropped for an IPv4 destination, with no warning."""
        notes: list[Note] = []
        opts = SocketOptions(bindto="[::1]:0")
        with _connect(listener.getsockname()[1], sockopts=opts, notes=notes) as sock:
            assert sock.family == socket.AF_INET
        assert notes == []

    def test_tcp_nodelay(self, listener: socket.socket) -> None:
        """tcp_nodelay sets TCP_NODELAY on the client socket."""
        opts = SocketOptions(tcp_nodelay=True)
        with _connect(listener.getsockname()[1], sockopts=opts) as sock:
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)

    def test_async_pending(self, saturated_port: int) -> None:
        """An async connect returns at once with the connect still pending."""
        fd, family, pending = connect_inet(
            "127.0.0.1",
            saturated_port,
            socket.SOCK_STREAM,
            timeout=(WAIT, 0),
            async_=True,
            sockopts=NO_OPTS,
            profile=PHP_8_2,
            notes=[],
        )
        with socket.socket(family, socket.SOCK_STREAM, 0, fd):
            assert pending is True


class TestUnix:
    def test_missing_path(self) -> None:
        """Connecting to a missing unix path is ENOENT (errno 2)."""
        with pytest.raises(ConnectError) as info:
            connect_unix(
                b"/nonexistent/dir/x.sock",
                socket.SOCK_STREAM,
                timeout=(WAIT, 0),
                async_=False,
                profile=PHP_8_2,
            )
        assert info.value.errno == errno.ENOENT == 2
        assert info.value.errstr == "No such file or directory"

    def test_bind_connect_names(self) -> None:
        """A unix server binds and accepts; names are the path, "" for the client."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "s.sock").encode()
            server = bind_unix(path, socket.SOCK_STREAM, PHP_8_2)
            with server:
                listen(server, 4)
                client, _ = connect_unix(
                    path, socket.SOCK_STREAM, timeout=(WAIT, 0), async_=False, profile=PHP_8_2
                )
                with client:
                    conn, peer = accept(server, (WAIT, 0), tcp_nodelay=False)
                    with conn:
                        assert peer == ""
                        assert local_name(server) == path.decode()
                        assert peer_name(client) == path.decode()

    def test_bind_existing_path_has_no_text(self) -> None:
        """A unix bind failure carries no text at all (errstr None, errno 0)."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "taken").encode()
            with open(path, "wb"):
                pass
            with pytest.raises(TransportError) as info:
                bind_unix(path, socket.SOCK_STREAM, PHP_8_2)
            assert info.value.errstr is None
            assert info.value.errno == 0


class TestServer:
    def test_bind_and_listen(self) -> None:
        """bind_inet returns a non-blocking socket with SO_REUSEADDR set."""
        sock = bind_inet("127.0.0.1", 0, socket.SOCK_STREAM, sockopts=NO_OPTS, profile=PHP_8_2)
        with sock:
            listen(sock, 32)
            assert sock.getblocking() is False
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
            assert sock.getsockname()[0] == "127.0.0.1"

    def test_port_in_use(self, listener: socket.socket) -> None:
        """Binding a port in use: errstr "Address already in use" but errno stays 0."""
        with pytest.raises(BindError) as info:
            bind_inet(
                "127.0.0.1",
                listener.getsockname()[1],
                socket.SOCK_STREAM,
                sockopts=NO_OPTS,
                profile=PHP_8_2,
            )
        assert info.value.errstr == "Address already in use"
        assert info.value.errno == 0

    def test_listen_on_udp_fails_without_text(self) -> None:
        """listen() on a datagram socket fails with no text (PHP's "Unknown error")."""
        sock = bind_inet("127.0.0.1", 0, socket.SOCK_DGRAM, sockopts=NO_OPTS, profile=PHP_8_2)
        with sock, pytest.raises(TransportError) as info:
            listen(sock, 32)
        assert info.value.errstr is None

    def test_accept_timeout(self, listener: socket.socket) -> None:
        """accept with a zero timeout and nobody waiting: "Connection timed out"."""
        with pytest.raises(AcceptTimeout) as info:
            accept(listener, (0, 0), tcp_nodelay=False)
        assert info.value.errstr == "Connection timed out"

    def test_accept(self, listener: socket.socket) -> None:
        """accept returns a non-blocking connection and the peer's "ip:port"."""
        with socket.create_connection(listener.getsockname(), timeout=WAIT) as client:
            conn, peer = accept(listener, (WAIT, 0), tcp_nodelay=True)
            with conn:
                assert peer == f"127.0.0.1:{client.getsockname()[1]}"
                assert conn.getblocking() is False
                assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


class TestNames:
    @pytest.mark.parametrize(
        ("family", "addr", "text"),
        [
            (socket.AF_INET, ("127.0.0.1", 80), "127.0.0.1:80"),
            (socket.AF_INET, ("0.0.0.0", 0), "0.0.0.0:0"),
            (socket.AF_INET6, ("::1", 443, 0, 0), "[::1]:443"),
            (socket.AF_INET6, ("fe80::1%lo", 8080, 0, 1), "[fe80::1]:8080"),
            (socket.AF_UNIX, "/tmp/x.sock", "/tmp/x.sock"),
            (socket.AF_UNIX, b"/tmp/y.sock", "/tmp/y.sock"),
            (socket.AF_UNIX, b"\0abstract", "\0abstract"),
            (socket.AF_UNIX, "", ""),
        ],
        ids=repr,
    )
    def test_sockaddr_text(self, family: int, addr: object, text: str) -> None:
        """ "ip:port", "[v6]:port" (no scope id), or the unix path, abstract NUL kept."""
        assert sockaddr_text(family, addr) == text

    def test_local_and_peer(self, listener: socket.socket) -> None:
        """local_name / peer_name format a connected socket's ends."""
        with _connect(listener.getsockname()[1]) as sock:
            assert local_name(sock) == f"127.0.0.1:{sock.getsockname()[1]}"
            assert peer_name(sock) == f"127.0.0.1:{listener.getsockname()[1]}"

    def test_unconnected_peer(self) -> None:
        """An unconnected socket has no peer name (None)."""
        with socket.socket() as sock:
            assert peer_name(sock) is None


class TestRegistry:
    @pytest.mark.parametrize(
        ("name", "stream_type", "socktype", "crypto"),
        [
            ("tcp", "tcp_socket/ssl", socket.SOCK_STREAM, True),
            ("udp", "udp_socket", socket.SOCK_DGRAM, False),
            ("unix", "unix_socket", socket.SOCK_STREAM, False),
            ("udg", "udg_socket", socket.SOCK_DGRAM, False),
        ],
    )
    def test_core_transports(
        self, name: str, stream_type: str, socktype: int, crypto: bool
    ) -> None:
        """With ext/openssl loaded tcp streams are "tcp_socket/ssl" and crypto-capable."""
        spec = TRANSPORTS[name]
        assert (spec.stream_type, spec.socktype, spec.crypto_capable) == (
            stream_type,
            socktype,
            crypto,
        )
        assert spec.implicit_tls is False

    def test_order(self) -> None:
        """The registry lists the core transports first, in PHP's order."""
        assert list(TRANSPORTS)[:4] == ["tcp", "udp", "unix", "udg"]


class TestConnectFd:
    """``_speedups.connect_fd``: the C socket/connect/poll under ``connect_inet``."""

    def test_connects_non_blocking(self, listener: socket.socket) -> None:
        port = listener.getsockname()[1]
        fd, err = connect_fd(
            socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", port, 0, 0, 5000, False
        )
        assert fd >= 0 and err == 0
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fd) as sock:
            assert sock.getpeername() == ("127.0.0.1", port)
            assert os.get_blocking(fd) is False
            assert os.get_inheritable(fd) is False

    def test_ipv6(self) -> None:
        with socket.create_server(("::1", 0), family=socket.AF_INET6) as server:
            port = server.getsockname()[1]
            fd, err = connect_fd(
                socket.AF_INET6, socket.SOCK_STREAM, "::1", port, 0, 0, 5000, False
            )
            assert err == 0
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM, 0, fd) as sock:
                assert sock.getpeername()[:2] == ("::1", port)

    def test_refused(self, refused_port: int) -> None:
        """A failure closes the descriptor and hands back connect()'s errno."""
        before = len(os.listdir("/proc/self/fd"))
        assert connect_fd(
            socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", refused_port, 0, 0, 5000, False
        ) == (-1, errno.ECONNREFUSED)
        assert len(os.listdir("/proc/self/fd")) == before

    def test_timeout(self, saturated_port: int) -> None:
        assert connect_fd(
            socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", saturated_port, 0, 0, 50, False
        ) == (-1, errno.ETIMEDOUT)

    def test_async_pending(self, saturated_port: int) -> None:
        fd, err = connect_fd(
            socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", saturated_port, 0, 0, 50, True
        )
        os.close(fd)
        assert err == errno.EINPROGRESS

    def test_udp(self) -> None:
        """Datagram "connects" complete at once."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
            peer.bind(("127.0.0.1", 0))
            port = peer.getsockname()[1]
            fd, err = connect_fd(
                socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1", port, 0, 0, 50, False
            )
            os.close(fd)
        assert err == 0

    @pytest.mark.parametrize(
        ("family", "host"), [(socket.AF_INET, "::1"), (socket.AF_INET6, "x"), (socket.AF_UNIX, "a")]
    )
    def test_not_numeric(self, family: int, host: str) -> None:
        with pytest.raises(ValueError, match="not a numeric address"):
            connect_fd(family, socket.SOCK_STREAM, host, 1, 0, 0, 50, False)
