"""PHP-facing crypto function: ``stream_socket_enable_crypto`` (STARTTLS and friends).

Layering rule: PHP-facing layer (see ``_php_sockets``); the TLS work is ``_tls``'s.

Return values, as PHP 8.2: ``True`` when the handshake completed, ``0`` when a
non-blocking handshake needs more I/O (call again), ``False`` on failure -- and also
``False`` when *disabling* crypto succeeds. A stream that cannot do TLS (php://memory,
udp, unix) gets "This stream does not support SSL/crypto" and ``False``, or ``True``
when disabling.
"""

from __future__ import annotations

from typing import Any

from . import _tls
from ._errors import E_WARNING, Note
from ._php_args import arg_bool, arg_error, arg_int, arg_resource, arg_stream, php_function
from ._php_errors import emit, emit_notes, raise_queued
from ._php_state import runtime
from ._phpvalues import to_long
from ._stream import SocketStream

__all__ = ["stream_socket_enable_crypto"]


@php_function
def stream_socket_enable_crypto(
    stream: Any, enable: bool, crypto_method: int | None = None, session_stream: Any = None
) -> bool | int:
    """PHP: ``stream_socket_enable_crypto(resource $stream, bool $enable,
    ?int $crypto_method = null, ?resource $session_stream = null): int|bool``

    Starts (or, with ``enable`` False, shuts down) TLS on a connected socket stream,
    with the stream's context's ``ssl`` options. True on success, False on failure
    (with PHP's warnings, OpenSSL error lines included), 0 when a non-blocking
    handshake needs more I/O (call again). ``crypto_method`` is required when enabling
    unless the context sets ``crypto_method``.
    """
    func = "stream_socket_enable_crypto"
    profile = runtime().profile
    res = arg_resource(func, 1, "stream", stream)
    on = arg_bool(func, 2, "enable", enable)
    method = arg_int(func, 3, "crypto_method", crypto_method, nullable=True)
    session_res = (
        None
        if session_stream is None
        else arg_resource(func, 4, "session_stream", session_stream, nullable=True)
    )
    s = arg_stream(func, 1, "stream", res)
    capable = isinstance(s, SocketStream) and s.spec.crypto_capable

    notes: list[Note] = []
    if on:
        if method is None:
            ctx = s.context
            if ctx is None or not ctx.has("ssl", "crypto_method"):
                raise arg_error(
                    ValueError(f"{func}(): " + profile.msg("crypto_method_required")),
                    func,
                    "crypto_method_required",
                )
            method = to_long(ctx.get("ssl", "crypto_method"))
        session = (
            None if session_res is None else arg_stream(func, 4, "session_stream", session_res)
        )
        if not capable:
            emit(E_WARNING, profile.msg("no_crypto_support"), func)
            return False
        assert isinstance(s, SocketStream)
        ok = _tls.setup_crypto(s, method, session, profile, notes)
        if not ok:
            emit_notes(notes, func)
            raise_queued(notes)
            return False
        ret = _tls.enable_crypto(s, notes)
    else:
        if not capable:
            emit(E_WARNING, profile.msg("no_crypto_support"), func)
            return True
        assert isinstance(s, SocketStream)
        ret = _tls.disable_crypto(s)
    emit_notes(notes, func)
    raise_queued(notes)
    if ret == -1:
        return False
    if ret == 0:
        return 0
    return True
