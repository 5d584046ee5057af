"""PHP-facing socket functions: ``fsockopen``, ``pfsockopen``, ``stream_socket_*``.

Layering rule: this layer (the ``_php_*`` modules) is the only code that knows PHP's
calling conventions -- argument coercion, ``Ref`` outputs, ``False`` returns and
warnings. Each function parses its arguments in PHP's order, calls the layers below,
and translates their typed exceptions into PHP's contract.
"""

from __future__ import annotations

import errno
import math
import os
import socket
from typing import Any

from ._context import StreamContext
from ._errors import E_WARNING, Note, ResolveError, StreamError
from ._php_args import (
    OMITTED,
    Ref,
    arg_bytes,
    arg_context_deferred,
    arg_error,
    arg_float,
    arg_int,
    arg_ref,
    arg_resource,
    arg_stream,
    arg_string,
    php_function,
)
from ._php_errors import emit, emit_notes, exception_pending, raise_queued
from ._php_runtime import default_socket_timeout
from ._php_state import runtime
from ._phpvalues import LONG_MAX, LONG_MIN, addslashes, fsock_timeval, ull_timeval
from ._stream import SocketStream, Stream
from ._target import port_number
from ._transport import Timeout, local_name, peer_name
from ._xport import (
    DirectConnect,
    XportRequest,
    connect_direct,
    direct_plan,
    socket_pair,
    timeval,
    xport_accept,
    xport_create,
)

__all__ = [
    "fsockopen",
    "pfsockopen",
    "stream_get_transports",
    "stream_socket_accept",
    "stream_socket_client",
    "stream_socket_get_name",
    "stream_socket_pair",
    "stream_socket_recvfrom",
    "stream_socket_sendto",
    "stream_socket_server",
    "stream_socket_shutdown",
]

# Constants that decide control flow here (their values are PHP's in every version).
_CLIENT_PERSISTENT = 1
_CLIENT_ASYNC_CONNECT = 2
_CLIENT_CONNECT = 4
_SERVER_BIND = 4
_SERVER_LISTEN = 8
_FILE_NO_DEFAULT_CONTEXT = 16
_STREAM_OOB = 1
_STREAM_PEEK = 2

_NUMBER = (float, int)

#: ``PHP_TIMEOUT_ULL_MAX / 1e6``: the largest timeout PHP can represent.
_TIMEOUT_MAX = 18446744073709551615 / 1_000_000.0


def _c_string(text: str) -> str:
    """What ``%s`` prints of a binary string: up to the first NUL."""
    return text.split("\0", 1)[0]


def _read_timeout() -> Timeout:
    """The initial read timeout of every socket stream: ``default_socket_timeout``."""
    return (default_socket_timeout(), 0)


def _default_connect_timeout() -> Timeout:
    sec = default_socket_timeout()
    return None if sec < 0 else (sec, 0)


def _context_in_use(ctx: StreamContext | None, given: Any, flags: int) -> StreamContext | None:
    """``php_stream_context_from_zval`` after the fetch: the default context when none
    was given (made on first use; not with FILE_NO_DEFAULT_CONTEXT). A resource given
    that is not a context (PHP 7's warning, PHP 8's queued TypeError) leaves the call
    without any context, not even the default one."""
    if ctx is None and (given is None or given is OMITTED):
        return runtime().default_context_unless(flags & _FILE_NO_DEFAULT_CONTEXT)
    return ctx


def _create(req: XportRequest, notes: list[Note]) -> SocketStream:
    rt = runtime()
    return xport_create(
        req,
        profile=rt.profile,
        registry=rt.persistent,
        resources=rt.resources,
        read_timeout=_read_timeout(),
        notes=notes,
    )


def _connect_planned(plan: DirectConnect, timeout: Timeout, ctx: Any, spec: str) -> SocketStream:
    """A planned connect of ``spec`` with the runtime's read timeout and chunk size."""
    rt = runtime()
    profile = rt.profile
    return connect_direct(
        plan,
        timeout=timeout,
        context=ctx,
        read_timeout=_read_timeout(),
        chunk_size=profile.chunk_size,
        uri=spec if profile.socket_streams_keep_uri else None,
        profile=profile,
        resources=rt.resources,
    )


def _failure_notes(exc: StreamError) -> list[Note]:
    """Warnings the failed layer raised directly, in PHP's order."""
    if isinstance(exc, ResolveError) and exc.errstr is not None:
        return [Note(E_WARNING, exc.errstr)]
    return list(getattr(exc, "notes", ()))


def _report_failure(
    func: str,
    exc: StreamError,
    notes: list[Note],
    message: str,
    errno_ref: Ref | None,
    errstr_ref: Ref | None,
    **fields: object,
) -> bool:
    """PHP's failure path of the connect-style functions: the lower layers' warnings,
    then the final "Unable to connect ..." (``message``) with errstr or "Unknown
    error"; ``$errno`` always written, ``$errstr`` only when there is a text."""
    profile = runtime().profile
    raised = notes + _failure_notes(exc)
    emit_notes(raised, func)
    reason = exc.errstr if exc.errstr is not None else profile.msg("unknown_error")
    emit(E_WARNING, profile.msg(message, reason=reason, **fields), func)
    if errno_ref is not None:
        errno_ref.value = exc.errno
    if errstr_ref is not None and exc.errstr is not None:
        errstr_ref.value = exc.errstr
    raise_queued(raised)
    return False


# ---------------------------------------------------------------------------
# fsockopen / pfsockopen


def _fsockopen(
    func: str,
    persistent: bool,
    hostname: Any,
    port: Any,
    error_code: Any,
    error_message: Any,
    timeout: Any,
) -> SocketStream | bool:
    profile = runtime().profile
    host = arg_string(func, 1, "hostname", hostname)
    assert host is not None
    port_n = arg_int(func, 2, "port", port)
    assert port_n is not None
    errno_ref = arg_ref(func, 3, "error_code", error_code)
    errstr_ref = arg_ref(func, 4, "error_message", error_message)
    seconds = None if timeout is OMITTED else arg_float(func, 5, "timeout", timeout, nullable=True)
    if seconds is None:
        seconds = float(default_socket_timeout())

    persistent_id = f"pfsockopen__{host}:{port_n}" if persistent else None
    spec = f"{host}:{port_n}" if port_n > 0 else host

    connect_timeout: Timeout
    if profile.timeout_c_cast:
        connect_timeout = fsock_timeval(seconds)  # PHP 7: a signed cast, no range check
    else:
        if seconds != -1.0 and not (0.0 <= seconds <= _TIMEOUT_MAX):
            # PHP 8.2 prints the argument as #6 and the maximum with a mismatched format
            # specifier (garbage); we print the intended maximum.
            raise ValueError(
                f"{func}(): " + profile.msg("timeout_range", argnum=6, max=int(_TIMEOUT_MAX))
            )
        # fsockopen's -1 becomes a wrapped-around huge timeval: no limit in practice.
        connect_timeout = None if seconds < 0 else timeval(seconds)

    notes: list[Note] = []
    try:
        plan = None if persistent else direct_plan(spec, profile)
        if plan is not None:
            stream = _connect_planned(plan, connect_timeout, None, spec)
        else:
            req = XportRequest(
                spec, connect=True, persistent_id=persistent_id, timeout=connect_timeout
            )
            stream = _create(req, notes)
    except StreamError as exc:
        return _report_failure(
            func,
            exc,
            notes,
            "fsockopen_failed",
            errno_ref,
            errstr_ref,
            host=_c_string(host),
            port=port_n,
        )
    emit_notes(notes, func)
    if errno_ref is not None:
        errno_ref.value = 0
    if errstr_ref is not None:
        errstr_ref.value = ""
    return stream


@php_function
def fsockopen(
    hostname: str,
    port: int = -1,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    timeout: float | None = OMITTED,
) -> SocketStream | bool:
    """PHP: ``fsockopen(string $hostname, int $port = -1, int &$error_code = null,
    string &$error_message = null, ?float $timeout = null): resource|false``

    Opens a client socket stream (``tcp://`` by default, ``udp://``, ``unix://``,
    ``udg://``, ``ssl://``/``tls://``...) to ``hostname:port`` and returns it, or False
    with PHP's warning; ``error_code``/``error_message`` are :class:`Ref` objects
    written as PHP writes ``$errno``/``$errstr``. ``timeout`` (seconds) defaults to
    ``default_socket_timeout``. Never uses a stream context, not even the default one.
    """
    return _fsockopen("fsockopen", False, hostname, port, error_code, error_message, timeout)


@php_function
def pfsockopen(
    hostname: str,
    port: int = -1,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    timeout: float | None = OMITTED,
) -> SocketStream | bool:
    """PHP: ``pfsockopen(string $hostname, int $port = -1, int &$error_code = null,
    string &$error_message = null, ?float $timeout = null): resource|false``

    :func:`fsockopen`, persistent: a live stream opened before under the same key
    (``"pfsockopen__{hostname}:{port}"``) is returned again. Differs from PHP only in
    scope: "persistent" means this Python process (until ``fclose``), not a SAPI worker.
    """
    return _fsockopen("pfsockopen", True, hostname, port, error_code, error_message, timeout)


# ---------------------------------------------------------------------------
# stream_socket_client / server / accept


@php_function
def stream_socket_client(
    address: str,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    timeout: float | None = OMITTED,
    flags: int = _CLIENT_CONNECT,
    context: Any = OMITTED,
) -> SocketStream | bool:
    """PHP: ``stream_socket_client(string $address, int &$error_code = null,
    string &$error_message = null, ?float $timeout = null,
    int $flags = STREAM_CLIENT_CONNECT, ?resource $context = null): resource|false``

    Connects to ``address`` (``"tcp://host:port"``, ``"unix:///path"``,
    ``"ssl://host:port"``, ...) and returns the stream, or False with PHP's warning
    ("Unable to connect to ... (reason)"); ``error_code``/``error_message`` are
    :class:`Ref` objects written as PHP writes ``$errno``/``$errstr``. ``timeout`` is
    the connect timeout in seconds (``default_socket_timeout`` when None); ``flags``
    combine ``STREAM_CLIENT_CONNECT``, ``STREAM_CLIENT_ASYNC_CONNECT`` and
    ``STREAM_CLIENT_PERSISTENT``; ``context`` (or the default context) supplies
    ``socket``/``ssl`` options. The result is usable as a context manager
    (``with stream_socket_client(...) as fp:`` closes like ``fclose``).
    """
    func = "stream_socket_client"
    profile = runtime().profile
    # The common argument types are recognised inline (this runs once per connect);
    # everything else goes through PHP's coercions.
    spec = address if type(address) is str else arg_string(func, 1, "address", address)
    assert spec is not None
    errno_ref = error_code if error_code is None else arg_ref(func, 2, "error_code", error_code)
    errstr_ref = (
        error_message if error_message is None else arg_ref(func, 3, "error_message", error_message)
    )
    seconds = (
        float(timeout)
        if isinstance(timeout, _NUMBER)
        else None
        if timeout is OMITTED
        else arg_float(func, 4, "timeout", timeout, nullable=True)
    )
    flag_bits = (
        flags
        if type(flags) is int and LONG_MIN <= flags <= LONG_MAX
        else arg_int(func, 5, "flags", flags)
    )
    assert flag_bits is not None
    ctx, invalid_ctx = (
        (context, None)
        if type(context) is StreamContext
        else arg_context_deferred(func, 6, "context", context)
    )

    if seconds is not None and not math.isfinite(seconds) and not profile.timeout_c_cast:
        raise ValueError(f"{func}(): " + profile.msg("timeout_finite", argnum=4))
    connect_timeout: Timeout
    if seconds is not None and profile.timeout_c_cast:
        connect_timeout = ull_timeval(seconds)  # PHP 7: -1 wraps to a huge wait
    # Omitted, negative (GH-11177) or unrepresentably large: default_socket_timeout.
    elif seconds is None or seconds < 0.0 or seconds >= _TIMEOUT_MAX:
        connect_timeout = _default_connect_timeout()
    else:
        connect_timeout = timeval(seconds)

    ctx = _context_in_use(ctx, context, flag_bits)
    if errno_ref is not None:
        errno_ref.value = 0
    if errstr_ref is not None:
        errstr_ref.value = ""
    if invalid_ctx is None:
        return _client_open(spec, flag_bits, connect_timeout, ctx, errno_ref, errstr_ref)
    # PHP connects without a context; the queued TypeError then discards the stream.
    with exception_pending():
        result = _client_open(spec, flag_bits, connect_timeout, ctx, errno_ref, errstr_ref)
    if isinstance(result, SocketStream):
        _discard(result)
    raise invalid_ctx


def _discard(stream: SocketStream) -> None:
    """Free a stream PHP created but never handed out (a pending exception dropped the
    return value). Like PHP's resource destructor, it leaves persistent streams open
    in the persistent list."""
    if stream.persistent_key is None:
        stream.close()


def _client_open(
    spec: str,
    flag_bits: int,
    connect_timeout: Timeout,
    ctx: StreamContext | None,
    errno_ref: Ref | None,
    errstr_ref: Ref | None,
) -> SocketStream | bool:
    """``stream_socket_client``'s work once its arguments are parsed."""
    func = "stream_socket_client"
    profile = runtime().profile
    persistent_id = f"stream_socket_client__{spec}" if flag_bits & _CLIENT_PERSISTENT else None
    notes: list[Note] = []
    try:
        plan = direct_plan(spec, profile) if flag_bits == _CLIENT_CONNECT else None
        if plan is not None and (ctx is None or "socket" not in ctx.options):
            return _connect_planned(plan, connect_timeout, ctx, spec)
        req = XportRequest(
            spec,
            connect=bool(flag_bits & _CLIENT_CONNECT),
            async_=bool(flag_bits & _CLIENT_ASYNC_CONNECT),
            persistent_id=persistent_id,
            timeout=connect_timeout,
            context=ctx,
        )
        stream = _create(req, notes)
    except StreamError as exc:
        return _report_failure(
            func, exc, notes, "client_failed", errno_ref, errstr_ref, address=addslashes(spec)
        )
    emit_notes(notes, func)
    return stream


@php_function
def stream_socket_server(
    address: str,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    flags: int = _SERVER_BIND | _SERVER_LISTEN,
    context: Any = OMITTED,
) -> SocketStream | bool:
    """PHP: ``stream_socket_server(string $address, int &$error_code = null,
    string &$error_message = null,
    int $flags = STREAM_SERVER_BIND | STREAM_SERVER_LISTEN,
    ?resource $context = null): resource|false``

    Creates a listening (or, for ``udp://``/``udg://``, bound) server socket stream, or
    returns False with PHP's warning. Bind/listen errors leave ``$errno`` at 0, as PHP.
    """
    func = "stream_socket_server"
    spec = arg_string(func, 1, "address", address)
    assert spec is not None
    errno_ref = arg_ref(func, 2, "error_code", error_code)
    errstr_ref = arg_ref(func, 3, "error_message", error_message)
    flag_bits = arg_int(func, 4, "flags", flags)
    assert flag_bits is not None
    ctx, invalid_ctx = arg_context_deferred(func, 5, "context", context)
    ctx = _context_in_use(ctx, context, flag_bits)
    if errno_ref is not None:
        errno_ref.value = 0
    if errstr_ref is not None:
        errstr_ref.value = ""

    notes: list[Note] = []
    req = XportRequest(
        spec,
        server=True,
        bind=bool(flag_bits & _SERVER_BIND),
        listen=bool(flag_bits & _SERVER_LISTEN),
        context=ctx,
    )
    try:
        stream = _create(req, notes)
    except StreamError as exc:
        if invalid_ctx is None:
            return _report_failure(
                func, exc, notes, "server_failed", errno_ref, errstr_ref, address=_c_string(spec)
            )
        with exception_pending():
            _report_failure(
                func, exc, notes, "server_failed", errno_ref, errstr_ref, address=_c_string(spec)
            )
        raise invalid_ctx from None
    emit_notes(notes, func)
    if invalid_ctx is not None:
        _discard(stream)
        raise invalid_ctx
    return stream


@php_function
def stream_socket_accept(
    socket: Any, timeout: float | None = OMITTED, peer_name: Ref | None = None
) -> SocketStream | bool:
    """PHP: ``stream_socket_accept(resource $socket, ?float $timeout = null,
    string &$peer_name = null): resource|false``

    Waits up to ``timeout`` seconds (``default_socket_timeout`` when None; negative
    waits forever) for a connection on a server stream and returns its stream, or False
    with PHP's warning ("Accept failed: ..."). ``peer_name`` (a :class:`Ref`) is
    written only on success. A TLS server context makes the accepted stream handshake.
    """
    func = "stream_socket_accept"
    profile = runtime().profile
    res = arg_resource(func, 1, "socket", socket)
    seconds = None if timeout is OMITTED else arg_float(func, 2, "timeout", timeout, nullable=True)
    peer_ref = arg_ref(func, 3, "peer_name", peer_name)
    if seconds is None:
        seconds = float(default_socket_timeout())
    elif (
        seconds != seconds or seconds in (float("inf"), float("-inf"))
    ) and not profile.timeout_c_cast:
        raise ValueError(f"{func}(): " + profile.msg("timeout_finite", argnum=2))
    server = arg_stream(func, 1, "socket", res)
    wait: Timeout
    if profile.timeout_c_cast:
        wait = ull_timeval(seconds)
    else:
        # Negative or unrepresentable: wait forever (8.1.20/8.2.7+).
        wait = None if seconds < 0.0 or seconds >= _TIMEOUT_MAX else timeval(seconds)

    notes: list[Note] = []
    try:
        if not isinstance(server, SocketStream):
            raise StreamError(None)
        client, peer = xport_accept(server, wait, profile, notes)
    except StreamError as exc:
        raised = notes + _failure_notes(exc)
        emit_notes(raised, func)
        reason = exc.errstr if exc.errstr is not None else profile.msg("unknown_error")
        emit(E_WARNING, profile.msg("accept_failed", reason=reason), func)
        raise_queued(raised)
        return False
    emit_notes(notes, func)
    raise_queued(notes)
    if peer_ref is not None:
        peer_ref.value = peer
    return client


# ---------------------------------------------------------------------------
# names, shutdown, pairs, datagrams


@php_function
def stream_socket_get_name(socket: Any, remote: bool) -> str | bool:
    """PHP: ``stream_socket_get_name(resource $socket, bool $remote): string|false``

    The local (or, with ``remote``, the peer's) address as PHP formats it
    (``"127.0.0.1:80"``, ``"[::1]:80"``, a unix path); False when unnamed (or an
    abstract unix name).
    """
    from ._php_args import arg_bool

    func = "stream_socket_get_name"
    res = arg_resource(func, 1, "socket", socket)
    want_peer = arg_bool(func, 2, "remote", remote)
    stream = arg_stream(func, 1, "socket", res)
    if not isinstance(stream, SocketStream) or stream.sock is None:
        return False
    name = peer_name(stream.sock) if want_peer else local_name(stream.sock)
    if not name or name[0] == "\0":
        return False
    return name


@php_function
def stream_socket_shutdown(stream: Any, mode: int) -> bool:
    """PHP: ``stream_socket_shutdown(resource $stream, int $mode): bool``

    ``shutdown()`` of the socket with ``STREAM_SHUT_RD``, ``STREAM_SHUT_WR`` or
    ``STREAM_SHUT_RDWR``; another mode is PHP's ValueError. False (with PHP's warning
    where PHP has one) when the socket refuses.
    """
    func = "stream_socket_shutdown"
    res = arg_resource(func, 1, "stream", stream)
    how = arg_int(func, 2, "mode", mode)
    if how not in (0, 1, 2):
        raise arg_error(
            ValueError(f"{func}(): " + runtime().profile.msg("shutdown_invalid_how")),
            func,
            "shutdown_invalid_how",
        )
    s = arg_stream(func, 1, "stream", res)
    if not isinstance(s, SocketStream):
        return False
    return s.shutdown(how)


@php_function
def stream_socket_pair(domain: int, type: int, protocol: int) -> list[SocketStream] | bool:
    """PHP: ``stream_socket_pair(int $domain, int $type, int $protocol): array|false``

    A list of two connected socket streams (``socketpair()``), or False with PHP's
    warning "Failed to create sockets: [errno]: reason".
    """
    func = "stream_socket_pair"
    fam = arg_int(func, 1, "domain", domain)
    typ = arg_int(func, 2, "type", type)
    proto = arg_int(func, 3, "protocol", protocol)
    assert fam is not None and typ is not None and proto is not None
    try:
        rt = runtime()
        return socket_pair(fam, typ, proto, rt.profile, rt.resources, _read_timeout())
    except OSError as exc:
        import os

        code = exc.errno or 0
        emit(
            E_WARNING,
            runtime().profile.msg("pair_failed", errno=code, reason=os.strerror(code)),
            func,
        )
        return False


@php_function
def stream_socket_recvfrom(
    socket: Any, length: int, flags: int = 0, address: Ref | None = None
) -> bytes | bool:
    """PHP: ``stream_socket_recvfrom(resource $socket, int $length, int $flags = 0,
    string &$address = null): string|false``

    One ``recvfrom()`` of at most ``length`` bytes (``STREAM_OOB``, ``STREAM_PEEK``),
    bypassing the read buffer; ``address`` (a :class:`Ref`) receives the sender's
    address. Returns the bytes, or False.
    """
    func = "stream_socket_recvfrom"
    res = arg_resource(func, 1, "socket", socket)
    n = arg_int(func, 2, "length", length)
    flag_bits = arg_int(func, 3, "flags", flags)
    addr_ref = arg_ref(func, 4, "address", address)
    assert n is not None and flag_bits is not None
    s = arg_stream(func, 1, "socket", res)
    if addr_ref is not None:
        addr_ref.value = None  # PHP nulls the variable before anything else
    if n <= 0:
        raise arg_error(
            ValueError(
                f"{func}(): "
                + runtime().profile.msg("arg_greater_than_zero", argnum=2, name="length")
            ),
            func,
            "length_positive",
        )
    if not isinstance(s, SocketStream):
        return False
    os_flags = 0
    if flag_bits & _STREAM_OOB:
        os_flags |= socket_mod.MSG_OOB
    if flag_bits & _STREAM_PEEK:
        os_flags |= socket_mod.MSG_PEEK
    got = s.recvfrom(n, os_flags, addr_ref is not None)
    if got is None:
        return False
    data, addr = got
    if addr_ref is not None and addr is not None:
        addr_ref.value = addr
    return data


@php_function
def stream_socket_sendto(
    socket: Any, data: bytes | str, flags: int = 0, address: str = ""
) -> int | bool:
    """PHP: ``stream_socket_sendto(resource $socket, string $data, int $flags = 0,
    string $address = ""): int|false``

    One ``sendto()`` (to ``address`` if given) bypassing the write path; returns the
    bytes sent, or -1 (an int, as PHP 8.2 does, not False) with PHP's warning.
    """

    func = "stream_socket_sendto"
    profile = runtime().profile
    res = arg_resource(func, 1, "socket", socket)
    payload = arg_bytes(func, 2, "data", data)
    flag_bits = arg_int(func, 3, "flags", flags)
    target = arg_string(func, 4, "address", address)
    assert flag_bits is not None and target is not None
    s = arg_stream(func, 1, "socket", res)
    sockaddr: object = None
    if target:
        sockaddr = _parse_network_address(target, func)
        if sockaddr is False:
            emit(
                E_WARNING,
                runtime().profile.msg("sendto_parse_failed", target=_c_string(target)),
                func,
            )
            return False
    if not isinstance(s, SocketStream):
        return -1
    os_flags = socket_mod.MSG_OOB if flag_bits & _STREAM_OOB else 0
    target_addr, err = _sendto_target(s.sock, sockaddr)
    sent = -1
    if not err:
        sent, err = s.sendto(payload, os_flags, target_addr)
    if sent < 0:
        emit(E_WARNING, profile.msg("sendto_failed", reason=os.strerror(err)), func)
    return sent


def _sendto_target(sock: socket.socket | None, sockaddr: object) -> tuple[object, int]:
    """What the kernel makes of PHP's ``sendto(2)`` destination, for a Python socket
    (which insists that the address match its family): ``(address, 0)`` or
    ``(None, errno)``. Connected TCP ignores the destination; unix sockets refuse an
    inet one; an IPv6 socket sends to an IPv4 address as v4-mapped."""
    if sockaddr is None or sock is None or not isinstance(sockaddr, tuple):
        return sockaddr, 0
    ipv6_target = len(sockaddr) == 4
    if sock.family == socket.AF_UNIX:
        return None, errno.EISCONN if sock.type == socket.SOCK_STREAM else errno.EINVAL
    if sock.type == socket.SOCK_STREAM:
        return None, 0
    if sock.family == socket.AF_INET and ipv6_target:
        return None, errno.EAFNOSUPPORT
    if sock.family == socket.AF_INET6 and not ipv6_target:
        return (f"::ffff:{sockaddr[0]}", sockaddr[1], 0, 0), 0
    return sockaddr, 0


def _parse_network_address(text: str, func: str) -> object:
    """``php_network_parse_network_address_with_port``: numeric first, then DNS."""
    if text.startswith("["):
        close = text.find("]", 1)
        if close < 0 or text[close + 1 : close + 2] != ":":
            return False
        host, port_text = text[1:close], text[close + 2 :]
    else:
        colon = text.find(":")
        if colon < 0:
            return False
        host, port_text = text[:colon], text[colon + 1 :]
    port = port_number(port_text, runtime().profile)
    if port is None:
        return False
    for family in (socket_mod.AF_INET6, socket_mod.AF_INET):
        try:
            socket_mod.inet_pton(family, host)
        except (OSError, ValueError):
            continue
        return (host, port, 0, 0) if family == socket_mod.AF_INET6 else (host, port)
    from ._transport import resolve

    try:
        infos = resolve(host, socket_mod.SOCK_DGRAM, runtime().profile)
    except ResolveError as exc:
        emit(E_WARNING, exc.errstr or "", func)
        text = runtime().profile.msg("sendto_resolve_failed", host=host, reason=exc.errstr)
        emit(E_WARNING, text, func)
        return False
    sockaddr: Any = infos[0][1]
    return (sockaddr[0], port, *sockaddr[2:])


@php_function
def stream_get_transports() -> list[str]:
    """PHP: ``stream_get_transports(): array``

    The registered socket transports in PHP's registration order (``tcp``, ``udp``,
    ``unix``, ``udg``, ``ssl``, ``tls``, ``tlsv1.0`` ...).
    """
    profile = runtime().profile
    return [*profile.core_transports, *profile.tls_transports]


socket_mod = socket


def _is_stream(value: object) -> bool:
    return isinstance(value, Stream)
