"""Stream factory: ``php_stream_xport_create`` and ``php_stream_xport_accept``.

Layering rule: below the PHP-facing layer. Combines the pure parsers, the socket
transport and the stream object; raises :class:`StreamError` subclasses carrying the
``(errno, errstr)`` PHP hands to its caller, and appends directly-raised warnings to
``notes``. The TLS engine hooks in through :data:`CRYPTO_HOOKS` (registered by the TLS
layer, as ext/openssl registers its transports), so this module never imports it.

Order of work, as in PHP:

1. a persistent id with a live stream behind it returns that stream (a zero-timeout
   liveness probe; a dead one is closed and replaced);
2. the scheme picks the transport factory (unknown scheme: errstr, errno 0);
3. the stream is allocated (read timeout = ``default_socket_timeout``);
4. client: connect (sync or async), then, for ssl://, tls:// ..., the TLS handshake;
   server: bind, then listen with the context's backlog (default 32).
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from ._context import StreamContext, socket_options
from ._errors import AddressError, ConnectError, Note, StreamError, TransportError
from ._fastpaths import FAST_PATHS
from ._profiles import Profile
from ._resources import ResourceIds
from ._speedups import connect_fd
from ._stream import SocketStream, Stream
from ._target import parse_inet_address, split_transport, unix_path, unknown_transport_error
from ._transport import (
    TRANSPORTS,
    Timeout,
    TransportSpec,
    accept,
    bind_inet,
    bind_unix,
    connect_inet,
    connect_unix,
    listen,
    numeric_address,
    poll_ms,
)

__all__ = [
    "CRYPTO_HOOKS",
    "CryptoHooks",
    "DirectConnect",
    "connect_direct",
    "direct_plan",
    "XportRequest",
    "socket_pair",
    "timeval",
    "xport_accept",
    "xport_create",
]


def timeval(seconds: float) -> Timeout:
    """PHP's ``conv = (php_timeout_ull)(timeout * 1e6)`` split into sec/usec."""
    conv = int(seconds * 1_000_000)
    return (conv // 1_000_000, conv % 1_000_000)


@dataclass(slots=True)
class CryptoHooks:
    """What the TLS layer provides: run the implicit handshake of an ssl:// client or
    an accepted ssl:// connection (raising CryptoError), and build the crypto state a
    crypto-capable stream starts with."""

    client_handshake: Callable[[SocketStream, str, Profile, list[Note]], None]
    server_handshake: Callable[[SocketStream, Profile, list[Note]], None]


CRYPTO_HOOKS: list[CryptoHooks] = []


@dataclass(slots=True)
class XportRequest:
    spec: str
    server: bool = False
    connect: bool = False
    async_: bool = False
    bind: bool = False
    listen: bool = False
    persistent_id: str | None = None
    timeout: Timeout = None
    context: StreamContext | None = None


def xport_create(
    req: XportRequest,
    *,
    profile: Profile,
    registry: MutableMapping[str, Stream],
    resources: ResourceIds,
    read_timeout: Timeout,
    notes: list[Note],
) -> SocketStream:
    if req.persistent_id is not None:
        existing = registry.get(req.persistent_id)
        if isinstance(existing, SocketStream) and not existing.closed:
            if existing.alive():
                return existing
            existing.close()
            del registry[req.persistent_id]

    name, address, _ = split_transport(req.spec)
    spec = TRANSPORTS.get(name)
    if spec is None:
        raise unknown_transport_error(name, profile)

    stream = SocketStream(
        None,
        spec,
        timeout=read_timeout,
        chunk_size=profile.chunk_size,
        profile=profile,
        resources=resources,
    )
    stream.context = req.context
    stream.connect_timeout = req.timeout
    stream.address = address
    if profile.socket_streams_keep_uri:
        stream.uri = req.spec
    try:
        if not req.server:
            if req.connect or req.async_:
                pending = _connect(stream, address, req, profile, notes)
                if spec.implicit_tls:
                    try:
                        for hooks in CRYPTO_HOOKS:
                            hooks.client_handshake(stream, address, profile, notes)
                    except StreamError as exc:
                        # PHP's async connect left EINPROGRESS in $errno; the failed
                        # handshake reports no errno of its own.
                        if pending:
                            exc.errno = errno.EINPROGRESS
                        raise
        else:
            stream.is_server = True
            if req.bind:
                _bind(stream, address, req, profile, notes)
                if req.listen:
                    opts = socket_options(req.context)
                    backlog = profile.default_backlog if opts.backlog is None else opts.backlog
                    assert stream.sock is not None
                    listen(stream.sock, backlog)
    except StreamError:
        stream.close()
        raise
    if req.persistent_id is not None:
        stream.resource_type = "persistent stream"
        stream.persistent_key = req.persistent_id
        registry[req.persistent_id] = stream
    return stream


# ---------------------------------------------------------------------------
# direct connects
#
# Most clients connect to the same few "tcp://1.2.3.4:80" specs over and over. For a
# plain inet transport with a numeric host, everything xport_create decides before
# the connect -- the transport, the parsed address, the one resolved address -- is a
# pure function of the spec, so it is worked out once (a DirectConnect) and the
# connect itself is: allocate the stream, socket/connect/poll in C. The caller uses it
# only where xport_create would take the same steps: a synchronous, non-persistent
# connect whose context has no socket options.


@dataclass(frozen=True, slots=True)
class DirectConnect:
    transport: TransportSpec
    address: str  # the spec minus "scheme://"
    family: int
    host: str
    port: int
    flowinfo: int
    scope_id: int


_direct_plans: dict[tuple[str, str], DirectConnect | None] = {}


def direct_plan(spec: str, profile: Profile) -> DirectConnect | None:
    """The DirectConnect for ``spec``, or None when its connect needs the full path
    (always, with the fast paths off)."""
    if not FAST_PATHS:
        return None
    key = (profile.version, spec)
    try:
        return _direct_plans[key]
    except KeyError:
        pass
    plan = _make_direct_plan(spec, profile)
    if len(_direct_plans) < 1024 and "\0" not in spec:
        _direct_plans[key] = plan
    return plan


def _make_direct_plan(spec: str, profile: Profile) -> DirectConnect | None:
    name, address, _ = split_transport(spec)
    transport = TRANSPORTS.get(name)
    if transport is None or transport.family != "inet" or transport.implicit_tls:
        return None
    try:
        target = parse_inet_address(address, profile)
    except AddressError:
        return None
    found = numeric_address(target.host, transport.socktype, profile)
    if found is None:
        return None
    family, sockaddr = found
    flowinfo, scope_id = sockaddr[2:] if family == socket.AF_INET6 else (0, 0)
    return DirectConnect(transport, address, family, sockaddr[0], target.port, flowinfo, scope_id)


def connect_direct(
    plan: DirectConnect,
    *,
    timeout: Timeout,
    context: StreamContext | None,
    read_timeout: Timeout,
    chunk_size: int,
    profile: Profile,
    resources: ResourceIds,
    uri: str | None = None,
) -> SocketStream:
    """xport_create for a DirectConnect: the same stream, the same errors. ``uri`` is
    the spec when the profile keeps it (``Profile.socket_streams_keep_uri``)."""
    stream = SocketStream(
        None,
        plan.transport,
        timeout=read_timeout,
        chunk_size=chunk_size,
        profile=profile,
        resources=resources,
    )
    stream.context = context
    stream.connect_timeout = timeout
    stream.address = plan.address
    stream.uri = uri
    fd, err = connect_fd(
        plan.family,
        plan.transport.socktype,
        plan.host,
        plan.port,
        plan.flowinfo,
        plan.scope_id,
        poll_ms(timeout),
        False,
    )
    if fd < 0:
        stream.close()
        raise _direct_connect_error(fd, err)
    stream.adopt_fd(fd, plan.family)
    return stream


def _direct_connect_error(code: int, err: int) -> StreamError:
    """What a failed ``connect_fd`` (``code`` -1 or -2) means for a DirectConnect: the
    connect's errno, or -- socket() failed -- no text at all, as in PHP."""
    if code == -2:
        return TransportError(None)
    return ConnectError(os.strerror(err), err)


def _connect(
    stream: SocketStream, address: str, req: XportRequest, profile: Profile, notes: list[Note]
) -> bool:
    """Connect the stream; True when an async connect is still in progress."""
    spec = stream.spec
    timeout = req.timeout
    if spec.family == "unix":
        path = unix_path(address, profile, notes)
        sock, pending = connect_unix(
            path, spec.socktype, timeout=timeout, async_=req.async_, profile=profile
        )
        stream.sock = sock
    else:
        target = parse_inet_address(address, profile)
        fd, family, pending = connect_inet(
            target.host,
            target.port,
            spec.socktype,
            timeout=timeout,
            async_=req.async_,
            sockopts=socket_options(req.context),
            profile=profile,
            notes=notes,
        )
        stream.adopt_fd(fd, family)
    if req.async_:
        # PHP leaves an async-connected descriptor in O_NONBLOCK but still reports
        # the stream as blocking.
        stream.fd_nonblocking = True
    return pending


def _bind(
    stream: SocketStream, address: str, req: XportRequest, profile: Profile, notes: list[Note]
) -> None:
    spec = stream.spec
    if spec.family == "unix":
        stream.sock = bind_unix(unix_path(address, profile, notes), spec.socktype, profile)
        return
    target = parse_inet_address(address, profile)
    stream.sock = bind_inet(
        target.host,
        target.port,
        spec.socktype,
        sockopts=socket_options(req.context),
        profile=profile,
    )


def xport_accept(
    server: SocketStream, timeout: Timeout, profile: Profile, notes: list[Note]
) -> tuple[SocketStream, str]:
    """``php_stream_xport_accept``: the client stream and its peer name.

    The client inherits the listening stream's ops, read timeout and context (the
    same object). On Linux O_NONBLOCK is not inherited, so it reports blocking.
    """
    if server.sock is None:
        raise TransportError(None)
    opts = socket_options(server.context)
    conn, peer = accept(server.sock, timeout, tcp_nodelay=opts.tcp_nodelay)
    client = SocketStream(
        conn,
        server.spec,
        timeout=server.timeout,
        chunk_size=profile.chunk_size,
        profile=profile,
        resources=server.resources,
    )
    client.context = server.context
    if profile.accepted_copies_blocking_flag:
        # PHP 7 copies the listening stream's is_blocked; the descriptor itself is
        # blocking (accept() does not pass O_NONBLOCK on). Fixed by GH-8472.
        client.is_blocked = server.is_blocked
    if server.spec.implicit_tls:
        try:
            for hooks in CRYPTO_HOOKS:
                hooks.server_handshake(client, profile, notes)
        except StreamError:
            client.close()
            raise
    return client, peer


_GENERIC = TransportSpec("generic", "unix", socket.SOCK_STREAM, "generic_socket")


def socket_pair(
    family: int,
    socktype: int,
    protocol: int,
    profile: Profile,
    resources: ResourceIds,
    read_timeout: Timeout,
) -> list[SocketStream]:
    """``stream_socket_pair``: two connected "generic_socket" streams (no crypto).
    Raises OSError as socketpair(2) does."""
    out = []
    for sock in socket.socketpair(family, socktype, protocol):
        sock.setblocking(False)
        out.append(
            SocketStream(
                sock,
                _GENERIC,
                timeout=read_timeout,
                chunk_size=profile.chunk_size,
                profile=profile,
                resources=resources,
            )
        )
    return out
