"""Socket transport: the registry of transport names, and resolve/connect/bind/listen/
accept with PHP's rules (``main/network.c``, ``main/streams/xp_socket.c``).

Layering rule: sockets only, never OpenSSL. Failures raise the typed exceptions of
``_errors``; warnings PHP emits while carrying on are appended to ``notes``. Knows
nothing of PHP's calling conventions.

Timeouts follow PHP's ``struct timeval`` handling: a :data:`Timeout` is ``None`` for
"no limit" or ``(sec, usec)``; ``poll()`` gets ``sec*1000 + usec/1000`` milliseconds
(C division, so 500 microseconds is a zero-timeout poll), and a negative total waits
forever, exactly as ``php_pollfd_for`` behaves.

Every socket this module hands out is in O_NONBLOCK mode. PHP's "blocking" streams
are emulated above this layer with poll + MSG_DONTWAIT, which is also what PHP does
whenever a timeout is set; keeping the descriptor non-blocking lets one code path
serve blocking, non-blocking and async-connected streams.
"""

from __future__ import annotations

import _socket
import errno as errno_mod
import functools
import os
import select
import socket
import time
from dataclasses import dataclass
from typing import Any

from ._context import SocketOptions
from ._errors import (
    E_WARNING,
    AcceptTimeout,
    BindError,
    ConnectError,
    Note,
    ResolveError,
    TransportError,
)
from ._fastpaths import FAST_PATHS
from ._profiles import Profile
from ._speedups import connect_fd
from ._target import parse_inet_address

__all__ = [
    "TRANSPORTS",
    "Timeout",
    "TransportSpec",
    "accept",
    "bind_inet",
    "bind_unix",
    "connect_inet",
    "connect_unix",
    "local_name",
    "numeric_address",
    "peer_name",
    "poll_ms",
    "sockaddr_text",
    "wait_for",
]

Timeout = tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class TransportSpec:
    """One entry of PHP's transport registry."""

    name: str
    family: str  # "inet" or "unix"
    socktype: int
    stream_type: str  # stream_get_meta_data()['stream_type']
    #: The stream can run TLS (``stream_socket_enable_crypto``).
    crypto_capable: bool = False
    #: ssl://, tls://, tlsv1.x://: the TLS handshake runs right after connect/accept.
    implicit_tls: bool = False


# With ext/openssl loaded (as in every PHP we emulate) the tcp factory is OpenSSL's,
# so plain tcp streams already report "tcp_socket/ssl" and can start TLS later.
_TCP_SSL = "tcp_socket/ssl"

TRANSPORTS: dict[str, TransportSpec] = {
    "tcp": TransportSpec("tcp", "inet", socket.SOCK_STREAM, _TCP_SSL, crypto_capable=True),
    "udp": TransportSpec("udp", "inet", socket.SOCK_DGRAM, "udp_socket"),
    "unix": TransportSpec("unix", "unix", socket.SOCK_STREAM, "unix_socket"),
    "udg": TransportSpec("udg", "unix", socket.SOCK_DGRAM, "udg_socket"),
}


def register_tls_transports(names: tuple[str, ...]) -> None:
    """Called by the TLS engine when it loads (as ext/openssl does at MINIT)."""
    for name in names:
        TRANSPORTS[name] = TransportSpec(
            name, "inet", socket.SOCK_STREAM, _TCP_SSL, crypto_capable=True, implicit_tls=True
        )


# ---------------------------------------------------------------------------
# time


@functools.lru_cache(maxsize=256)
def poll_ms(timeout: Timeout) -> int:
    """Milliseconds for poll(): ``php_tvtoto``, whose result is a C ``int`` (so huge
    timeouts wrap around); negative means wait forever."""
    if timeout is None:
        return -1
    sec, usec = timeout
    ms = sec * 1000 + int(usec / 1000)
    return (ms + 2**31) % 2**32 - 2**31


def _remaining(deadline: float | None) -> Timeout:
    if deadline is None:
        return None
    left = max(0.0, deadline - time.monotonic())
    us = int(left * 1_000_000)
    return (us // 1_000_000, us % 1_000_000)


def _deadline(timeout: Timeout) -> float | None:
    ms = poll_ms(timeout)
    if ms < 0:
        return None
    assert timeout is not None
    return time.monotonic() + timeout[0] + timeout[1] / 1_000_000


def wait_for(sock: socket.socket, events: int, timeout: Timeout) -> int:
    """poll() one descriptor; returns the revents (0 on timeout)."""
    p = select.poll()
    p.register(sock, events)
    ready = p.poll(poll_ms(timeout))
    return ready[0][1] if ready else 0


# ---------------------------------------------------------------------------
# names


def sockaddr_text(family: int, addr: object) -> str:
    """``php_network_populate_name_from_sockaddr``: ``ip:port``, ``[v6]:port``, or a
    unix path (abstract names keep their leading NUL; unnamed is ``""``)."""
    if family == socket.AF_INET:
        assert isinstance(addr, tuple)
        return f"{addr[0]}:{addr[1]}"
    if family == socket.AF_INET6:
        assert isinstance(addr, tuple)
        host = addr[0].split("%", 1)[0]
        return f"[{host}]:{addr[1]}"
    if family == socket.AF_UNIX:
        if isinstance(addr, bytes):
            return addr.decode("utf-8", "surrogateescape")
        return str(addr)
    return ""


def local_name(sock: socket.socket) -> str | None:
    try:
        return sockaddr_text(sock.family, sock.getsockname())
    except OSError:
        return None


def peer_name(sock: socket.socket) -> str | None:
    try:
        return sockaddr_text(sock.family, sock.getpeername())
    except OSError:
        return None


# ---------------------------------------------------------------------------
# resolution


_ipv6_probe: bool | None = None


def _address_family() -> int:
    """PHP probes once for a usable IPv6 stack; without one it asks only for IPv4."""
    global _ipv6_probe
    if _ipv6_probe is None:
        try:
            socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()
            _ipv6_probe = True
        except OSError:
            _ipv6_probe = False
    return socket.AF_UNSPEC if _ipv6_probe else socket.AF_INET


Resolved = tuple[tuple[int, tuple[Any, ...]], ...]

#: getaddrinfo results for numeric hosts, which cannot change while we run.
_numeric_hosts: dict[tuple[str, int], Resolved] = {}


def _is_numeric(host: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except (OSError, ValueError):
            continue
        return True
    return False


def numeric_address(
    host: str, socktype: int, profile: Profile
) -> tuple[int, tuple[Any, ...]] | None:
    """The one address a numeric host resolves to, or None (a name, or no answer)."""
    if not _is_numeric(host):
        return None
    try:
        found = resolve(host, socktype, profile)
    except ResolveError:
        return None
    return found[0] if len(found) == 1 else None


def resolve(host: str, socktype: int, profile: Profile) -> Resolved:
    """getaddrinfo in PHP's order. A failure is a :class:`ResolveError` whose text
    PHP *also* prints as a warning of its own."""
    key = (host, socktype)
    known = _numeric_hosts.get(key)
    if known is not None:
        return known
    raw = host.encode("utf-8", "surrogateescape")
    try:
        # _socket's getaddrinfo: socket's wrapper only adds enum conversions (slow).
        infos = _socket.getaddrinfo(raw, None, _address_family(), socktype)
    except socket.gaierror as exc:
        reason = exc.strerror or str(exc)
        raise ResolveError(profile.msg("getaddrinfo_failed", host=host, reason=reason)) from exc
    found = tuple((family, sockaddr) for family, _, _, _, sockaddr in infos)
    if len(_numeric_hosts) < 256 and _is_numeric(host):
        _numeric_hosts[key] = found
    return found


# ---------------------------------------------------------------------------
# connect


def _connect_socket(sock: socket.socket, sockaddr: object, async_: bool, timeout: Timeout) -> bool:
    """``php_network_connect_socket``. Returns True when the connect is still pending
    (async only). Raises :class:`ConnectError` with the OS errno."""
    err = sock.connect_ex(sockaddr)  # type: ignore[arg-type]
    if err == 0:
        return False
    if err != errno_mod.EINPROGRESS:
        raise ConnectError(os.strerror(err), err)
    if async_:
        return True
    if wait_for(sock, select.POLLIN | select.POLLOUT | select.POLLPRI, timeout) == 0:
        raise ConnectError(os.strerror(errno_mod.ETIMEDOUT), errno_mod.ETIMEDOUT)
    err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        raise ConnectError(os.strerror(err), err)
    return False


def _bind_client(
    sock: socket.socket,
    family: int,
    bindto: str,
    bindport: int,
    profile: Profile,
    notes: list[Note],
) -> None:
    """Bind a client socket to ``bindto``; problems are warnings, never fatal."""
    ip_family = socket.AF_INET if family == socket.AF_INET else socket.AF_INET6
    address = bindto
    try:
        if ip_family == socket.AF_INET and profile.bindto_ipv4_inet_aton:
            address = socket.inet_ntoa(socket.inet_aton(bindto))  # "127.1" -> "127.0.0.1"
        else:
            socket.inet_pton(ip_family, bindto)
    except (OSError, ValueError):
        notes.append(Note(E_WARNING, profile.msg("invalid_ip", address=bindto)))
        return
    if hasattr(socket, "IP_BIND_ADDRESS_NO_PORT"):
        sock.setsockopt(socket.SOL_IP, socket.IP_BIND_ADDRESS_NO_PORT, 1)
    try:
        sock.bind((address, bindport))
    except OSError as exc:
        reason = exc.strerror or os.strerror(exc.errno or 0)
        notes.append(
            Note(
                E_WARNING, profile.msg("bind_failed", address=bindto, port=bindport, reason=reason)
            )
        )


def connect_inet(
    host: str,
    port: int,
    socktype: int,
    *,
    timeout: Timeout,
    async_: bool,
    sockopts: SocketOptions,
    profile: Profile,
    notes: list[Note],
) -> tuple[int, int, bool]:
    """``php_network_connect_socket_to_host``: try each resolved address in order under
    one shared deadline; errno/errstr are those of the last attempt.

    Returns ``(descriptor, family, pending)``; ``pending`` is True for an async connect
    still in progress. Without socket options the socket/connect/poll sequence runs
    in C (``_speedups.connect_fd``) on a bare descriptor; options that need
    ``setsockopt``/``bind`` first take a Python socket through the same steps.
    """
    if sockopts.bindto_invalid:
        raise TransportError(profile.msg("bindto_not_string"))
    bindto: str | None = None
    bindport = 0
    if sockopts.bindto is not None:
        # A bindto that does not parse is silently ignored (its error text is
        # discarded before the connect), as PHP does.
        try:
            local = parse_inet_address(sockopts.bindto, profile)
        except Exception:
            local = None
        if local is not None:
            bindto, bindport = local.host, local.port
    plain = FAST_PATHS and bindto is None and not sockopts.so_broadcast and not sockopts.tcp_nodelay

    addresses = resolve(host, socktype, profile)
    deadline = _deadline(timeout)
    working = timeout
    last: ConnectError | None = None
    for family, sockaddr in addresses:
        use_bind = bindto
        if family == socket.AF_INET6:
            if bindto is not None and ":" not in bindto:
                continue  # IPv4 bindto: skip IPv6 addresses
        elif family == socket.AF_INET:
            if bindto is not None and ":" in bindto:
                use_bind = None  # an IPv4 socket cannot bind an IPv6 address
            elif bindto == "0" and not profile.bindto_ipv4_inet_aton:
                use_bind = None  # "0" lets the system choose: PHP binds nothing (nor the port)
        else:
            continue
        if plain:
            flowinfo, scope_id = sockaddr[2:] if family == socket.AF_INET6 else (0, 0)
            fd, err = connect_fd(
                family, socktype, sockaddr[0], port, flowinfo, scope_id, poll_ms(working), async_
            )
            if fd >= 0:
                return fd, family, err != 0
            if fd == -2:
                continue  # socket() failed
            exc = ConnectError(os.strerror(err), err)
        else:
            try:
                sock = socket.socket(family, socktype)
            except OSError:
                continue
            sock.setblocking(False)
            if sockopts.so_broadcast:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            if use_bind is not None:
                _bind_client(sock, family, use_bind, bindport, profile, notes)
            if sockopts.tcp_nodelay and socktype == socket.SOCK_STREAM:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            addr = (sockaddr[0], port, *sockaddr[2:])
            try:
                pending = _connect_socket(sock, addr, async_, working)
            except ConnectError as failed:
                sock.close()
                exc = failed
            else:
                return sock.detach(), family, pending
        last = exc
        if deadline is not None:
            if time.monotonic() >= deadline:
                break
            working = _remaining(deadline)
    if last is None:
        # Every address was skipped (or socket() failed): PHP has no text then.
        raise TransportError(None)
    raise last


def connect_unix(
    path: bytes, socktype: int, *, timeout: Timeout, async_: bool, profile: Profile
) -> tuple[socket.socket, bool]:
    try:
        sock = socket.socket(socket.AF_UNIX, socktype)
    except OSError:
        raise TransportError(profile.msg("unix_socket_create_failed")) from None
    sock.setblocking(False)
    try:
        return sock, _connect_socket(sock, path, async_, timeout)
    except ConnectError:
        sock.close()
        raise
    except OSError as exc:
        sock.close()
        code = exc.errno or errno_mod.EINVAL
        raise ConnectError(os.strerror(code), code) from exc


# ---------------------------------------------------------------------------
# servers


def bind_inet(
    host: str, port: int, socktype: int, *, sockopts: SocketOptions, profile: Profile
) -> socket.socket:
    """``php_network_bind_socket_to_local_addr``: SO_REUSEADDR always; errno stays 0."""
    err = 0
    for family, sockaddr in resolve(host, socktype, profile):
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            sock = socket.socket(family, socktype)
        except OSError:
            continue
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if sockopts.ipv6_v6only is not None and family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(sockopts.ipv6_v6only))
        if sockopts.so_reuseport:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if sockopts.so_broadcast:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        addr = (sockaddr[0], port, *sockaddr[2:])
        try:
            sock.bind(addr)
        except OSError as exc:
            err = exc.errno or 0
            sock.close()
            continue
        sock.setblocking(False)
        return sock
    raise BindError(os.strerror(err))


def bind_unix(path: bytes, socktype: int, profile: Profile) -> socket.socket:
    """Unix server bind. PHP returns bind()'s result with no text at all."""
    try:
        sock = socket.socket(socket.AF_UNIX, socktype)
    except OSError as exc:
        kind = "" if socktype == socket.SOCK_STREAM else "datagram"
        reason = exc.strerror or ""
        raise TransportError(profile.msg("unix_server_create_failed", kind=kind, reason=reason))
    try:
        sock.bind(path)
    except OSError:
        sock.close()
        raise TransportError(None) from None
    sock.setblocking(False)
    return sock


def listen(sock: socket.socket, backlog: int) -> None:
    try:
        sock.listen(max(min(backlog, 2**31 - 1), -(2**31)))
    except OSError:
        raise TransportError(None) from None


def accept(
    sock: socket.socket, timeout: Timeout, *, tcp_nodelay: bool
) -> tuple[socket.socket, str]:
    """``php_network_accept_incoming``. The error text is always ``strerror(error)``."""
    if wait_for(sock, select.POLLIN | select.POLLPRI, timeout) == 0:
        raise AcceptTimeout(os.strerror(errno_mod.ETIMEDOUT), errno_mod.ETIMEDOUT)
    try:
        conn, addr = sock.accept()
    except OSError as exc:
        code = exc.errno or 0
        raise TransportError(os.strerror(code), code) from exc
    conn.setblocking(False)
    if tcp_nodelay and conn.family in (socket.AF_INET, socket.AF_INET6):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn, sockaddr_text(conn.family, addr)
