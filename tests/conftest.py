"""Shared fixtures for the hermetic unit tests (no PHP needed).

Everything here stays on the loopback interface with ports bound to 0, never sleeps
to synchronise (threads hand over through events, sockets and ``select``), and bounds
every loop in count and time.

* the loopback peers of the ``phpstreams.testing`` plugin (``echo_server``,
  ``tls_server``, ``misbehaving_server``, ...), shared with compat_tests/ and users;
* :func:`peer_pair` -- a phpstreams client stream and the raw server-side socket of
  the same connection, so a test can script exactly what the "server" sends and when;
* :func:`fake_dns` -- a resolver that answers numeric addresses and ``localhost`` from
  the real ``getaddrinfo`` and fails every other name with glibc's EAI_NONAME text,
  so no test depends on (or sends) a DNS query; it is applied to every test;
* :func:`php_runtime` -- restores ini settings, the default context, the persistent
  registry and ``error_get_last`` around a test, as a fresh PHP process would have them.
"""

from __future__ import annotations

import _socket
import ipaddress
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import phpstreams
from phpstreams import Ref, error_clear_last, stream_socket_client
from phpstreams._fastpaths import FAST_PATHS
from phpstreams._php_state import runtimes
from phpstreams._stream import SocketStream
from phpstreams.testing.plugin import Endpoint

#: The 8.2 runtime: the one the plain phpstreams names act on.
RUNTIME = runtimes["8.2"]

#: Upper bound for anything a test waits on; far above what loopback needs.
WAIT = 5

#: For the tests of a fast path itself (a cache, the C route): with
#: PHPSTREAMS_NO_FAST_PATHS set there is nothing of it to test (``tox -e nofast``
#: runs everything else over the reference route).
requires_fast_paths = pytest.mark.skipif(
    not FAST_PATHS, reason="tests a fast path itself; PHPSTREAMS_NO_FAST_PATHS is set"
)


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
    saved_errors = (RUNTIME.errors.handler, list(RUNTIME.errors.stack), RUNTIME.errors.reporting)
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
        RUNTIME.errors.handler, RUNTIME.errors.stack[:], RUNTIME.errors.reporting = saved_errors
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


@pytest.fixture(autouse=True)
def _hermetic_dns(fake_dns: None) -> None:
    """Every unit test resolves with :func:`fake_dns`: no test can send a DNS query,
    not even one that forgot to ask for it."""


# ---------------------------------------------------------------------------
# servers


#: The loopback peers come from the phpstreams.testing plugin (loaded above):
#: ``echo_server`` (an :class:`~phpstreams.testing.plugin.Endpoint` with ``port``,
#: ``address``, ``uri``), ``tls_server``, ``smtp_starttls_server``, ``misbehaving_server``,
#: ``loopback_peers``, ``certificate_factory``. Below: a scripted raw peer and the two
#: port kinds many tests want by name.

#: The type of the ``echo_server`` fixture (the name the tests import).
EchoServer = Endpoint


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
def refused_port(misbehaving_server: Callable[..., Endpoint]) -> int:
    """A loopback port that is bound but not listening: every connect is refused."""
    return misbehaving_server("refused").port


@pytest.fixture
def saturated_port(misbehaving_server: Callable[..., Endpoint]) -> int:
    """Port of a listener with a full accept queue (connects time out)."""
    return misbehaving_server("blackhole").port
