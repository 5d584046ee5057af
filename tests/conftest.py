"""Shared fixtures for the hermetic unit tests (no PHP needed).

Everything here stays on the loopback interface with ports bound to 0, never sleeps
to synchronise (threads hand over through events, sockets and ``select``), and bounds
every loop in count and time.

* :func:`echo_server` -- a threaded TCP echo server on ``127.0.0.1:0``;
* :func:`peer_pair` -- a phpstreams client stream and the raw server-side socket of
  the same connection, so a test can script exactly what the "server" sends and when;
* :func:`fake_dns` -- a resolver that answers numeric addresses and ``localhost`` from
  the real ``getaddrinfo`` and fails every other name with glibc's EAI_NONAME text,
  so no test depends on (or sends) a DNS query;
* :func:`php_runtime` -- restores ini settings, the default context, the persistent
  registry and ``error_get_last`` around a test, as a fresh PHP process would have them.
"""

from __future__ import annotations

import _socket
import contextlib
import ipaddress
import select
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import phpstreams
from phpstreams import Ref, error_clear_last, stream_socket_client
from phpstreams._php_errors import STATE
from phpstreams._php_runtime import RUNTIME
from phpstreams._stream import SocketStream

#: Upper bound for anything a test waits on; far above what loopback needs.
WAIT = 5


def pytest_report_header(config: pytest.Config) -> list[str]:
    profile = RUNTIME.profile
    return [
        f"phpstreams {phpstreams.__version__}, active profile PHP {profile.version} "
        f"(emulating {profile.version_id})"
    ]


# ---------------------------------------------------------------------------
# runtime state


@pytest.fixture
def php_runtime() -> Iterator[None]:
    """Run the test against a pristine emulated PHP process and restore it after."""
    saved_ini = dict(RUNTIME.ini)
    saved_errors = (STATE.handler, list(STATE.stack), STATE.reporting)
    saved_default = RUNTIME.default_context
    RUNTIME.default_context = None
    error_clear_last()
    try:
        yield
    finally:
        for stream in list(RUNTIME.persistent.values()):
            stream.close()
        RUNTIME.persistent.clear()
        RUNTIME.ini.clear()
        RUNTIME.ini.update(saved_ini)
        RUNTIME.default_context = saved_default
        STATE.handler, STATE.stack[:], STATE.reporting = saved_errors
        error_clear_last()


# ---------------------------------------------------------------------------
# name resolution

#: glibc's gai_strerror(EAI_NONAME), the text PHP prints after "getaddrinfo for X failed: ".
EAI_NONAME_TEXT = "Name or service not known"


def _is_numeric_host(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("utf-8", "surrogateescape")
    if not isinstance(host, str):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer only numeric hosts and ``localhost``; every other name is EAI_NONAME.

    Both entry points are patched: ``socket.getaddrinfo`` and the ``_socket`` one the
    transport calls directly."""

    def fake(real: Any) -> Any:
        def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
            name = host.decode("utf-8", "surrogateescape") if isinstance(host, bytes) else host
            if _is_numeric_host(host) or name == "localhost":
                return real(host, *args, **kwargs)
            raise socket.gaierror(socket.EAI_NONAME, EAI_NONAME_TEXT)

        return getaddrinfo

    monkeypatch.setattr(socket, "getaddrinfo", fake(socket.getaddrinfo))
    monkeypatch.setattr(_socket, "getaddrinfo", fake(_socket.getaddrinfo))


# ---------------------------------------------------------------------------
# servers


@dataclass
class EchoServer:
    """A running echo server: ``address`` is ``"127.0.0.1:PORT"``."""

    port: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def uri(self) -> str:
        return f"tcp://{self.address}"


def _echo_loop(listener: socket.socket, wake: socket.socket) -> None:
    conns: list[socket.socket] = []
    try:
        while True:
            readable, _, _ = select.select([listener, wake, *conns], [], [], WAIT)
            if wake in readable:
                return
            for sock in readable:
                if sock is listener:
                    conn, _ = listener.accept()
                    conns.append(conn)
                    continue
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    conns.remove(sock)
                    sock.close()
                    continue
                with contextlib.suppress(OSError):
                    sock.sendall(data)
    finally:
        for conn in conns:
            conn.close()


@pytest.fixture
def echo_server() -> Iterator[EchoServer]:
    """A threaded TCP echo server on ``127.0.0.1:0`` (closes a connection on EOF)."""
    listener = socket.create_server(("127.0.0.1", 0))
    wake_r, wake_w = socket.socketpair()
    server = EchoServer(port=listener.getsockname()[1])
    thread = threading.Thread(
        target=_echo_loop, args=(listener, wake_r), name="echo-server", daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        wake_w.send(b"x")
        thread.join(WAIT)
        listener.close()
        wake_r.close()
        wake_w.close()
    assert not thread.is_alive(), "echo server thread did not stop"


@dataclass
class PeerPair:
    """One loopback TCP connection: ``client`` is the phpstreams stream under test,
    ``peer`` the raw socket of the server side, driven by the test itself."""

    client: SocketStream
    peer: socket.socket
    listener: socket.socket

    def close(self) -> None:
        self.client.close()
        self.peer.close()
        self.listener.close()


@pytest.fixture
def peer_pair() -> Iterator[PeerPair]:
    """A connected ``(client stream, server socket)`` pair on ``127.0.0.1:0``."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    errno, errstr = Ref(), Ref()
    client = stream_socket_client(f"tcp://127.0.0.1:{port}", errno, errstr, WAIT)
    assert isinstance(client, SocketStream), (errno.value, errstr.value)
    listener.settimeout(WAIT)
    peer, _ = listener.accept()
    peer.settimeout(WAIT)
    client.set_timeout((WAIT, 0))  # a test that waits wrongly fails in seconds, not 60
    pair = PeerPair(client, peer, listener)
    try:
        yield pair
    finally:
        pair.close()


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: every connect is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@contextlib.contextmanager
def full_listener() -> Iterator[int]:
    """A listener whose accept queue is full (``listen(0)`` plus fillers), so a new
    connect gets no answer and times out. Yields its port."""
    fillers: list[socket.socket] = []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        try:
            for _ in range(64):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setblocking(False)
                fillers.append(sock)
                sock.connect_ex(address)
                _, writable, _ = select.select([], [sock], [], 0.3)
                if not writable:
                    break  # this one was not answered: the queue is full
            else:
                pytest.fail("could not fill the accept queue of a listen(0) socket")
            yield address[1]
        finally:
            for sock in fillers:
                sock.close()


@pytest.fixture
def saturated_port() -> Iterator[int]:
    """Port of a listener with a full accept queue (connects time out)."""
    with full_listener() as port:
        yield port
