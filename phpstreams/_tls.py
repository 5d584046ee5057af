"""The TLS engine: PHP's ext/openssl/xp_ssl.c on our own cffi binding to libssl.

Layering rule: this module (with ``_x509``) is the only code that touches the cffi
``lib``. It sits between the socket transport and the stream object: a
:class:`TLSConnection` is attached to a :class:`SocketStream` as its ``crypto`` and the
stream routes reads and writes through it while TLS is active. Failures become PHP's
warnings as :class:`Note` records on ``stream.notes`` or in a :class:`CryptoError`; the
PHP-facing layer prints them.

Theory of operation
-------------------
*I/O model.* Like PHP, OpenSSL drives the socket descriptor itself (``SSL_set_fd``);
the descriptor is always O_NONBLOCK and "blocking" is emulated by polling, exactly
where PHP polls. (Memory BIOs were measured as the alternative; see the README's
Performance section.) So ``SSL_ERROR_WANT_READ`` means "the *socket* has nothing yet":
poll for readability and call again with the same arguments; ``WANT_WRITE`` likewise.

*One dispatcher.* :meth:`TLSConnection._handle_error` is ``php_openssl_handle_ssl_error``:
it maps ``SSL_get_error`` to retry-or-stop, drains the OpenSSL error queue (once, in
:func:`drain_error_strings`) and produces PHP's warning text -- "SSL operation failed
with code N. OpenSSL Error messages:\\n<queue>", the NO_SHARED_CIPHER special case,
"SSL: <strerror>" for a syscall error with an empty queue.

*errno.* PHP decides a few outcomes from the C ``errno`` left behind (a non-blocking
handshake returns 0 when ``errno == EAGAIN``; a read marks EOF unless it does). We keep
that per connection: ``ffi.errno`` is set from ``self._errno`` before each OpenSSL call
and read back after, and the dispatcher writes EAGAIN/0 where PHP does.

*Timeouts.* A blocking handshake is bounded by the stream's connect timeout (client) or
its read timeout (server side); blocking reads and writes by the read timeout. A zero
or negative timeout means *no* limit for TLS (unlike plain sockets). ``timed_out`` is
set on expiry and, unlike plain sockets, never cleared by the next read.
"""

from __future__ import annotations

import errno as errno_mod
import os
import select
import time
import weakref
from collections.abc import Callable
from socket import SHUT_RDWR as _SHUT_RDWR
from typing import Any

from ._context import StreamContext
from ._errors import E_DEPRECATED, E_NOTICE, E_WARNING, CryptoError, Note
from ._fastpaths import FAST_PATHS
from ._native import EX_DATA_INDEX, HAS, ffi, lib
from ._openssl_texts import QueuedError, render_queue, system_error
from ._phpvalues import as_text, is_array, to_long
from ._profiles import Profile
from ._resources import ResourceIds
from ._ssl_options import (
    IS_CLIENT,
    PROTO_TLS1_0,
    PROTO_TLS1_1,
    PROTO_TLS1_2,
    PROTO_TLS1_3,
    PROTO_SSLv3,
    SSLSettings,
    method_for_transport,
    protocol_bounds,
    resolve_ssl,
    url_name,
)
from ._stream import SocketStream
from ._transport import Timeout, poll_ms, register_tls_transports
from ._x509 import (
    OpenSSLCertificate,
    certificate_class,
    fingerprint_hex,
    matches_common_name,
    matches_san_list,
    matches_wildcard_name,
    registered,
)
from ._xport import CRYPTO_HOOKS, CryptoHooks

__all__ = [
    "TLSConnection",
    "disable_crypto",
    "drain_error_strings",
    "enable_crypto",
    "setup_crypto",
]

_EAGAIN = errno_mod.EAGAIN
_POLLIN = select.POLLIN | select.POLLPRI
_POLLOUT = select.POLLOUT | select.POLLPRI

_WANT_READ = lib.SSL_ERROR_WANT_READ
_WANT_WRITE = lib.SSL_ERROR_WANT_WRITE
_ERROR_SSL = lib.SSL_ERROR_SSL
_ERROR_SYSCALL = lib.SSL_ERROR_SYSCALL
_ZERO_RETURN = lib.SSL_ERROR_ZERO_RETURN
_ERROR_NONE = lib.SSL_ERROR_NONE

_SSL_read = lib.SSL_read
_SSL_write = lib.SSL_write
_SSL_get_error = lib.SSL_get_error
_SSL_pending = lib.SSL_pending
_ERR_clear_error = lib.ERR_clear_error

_VERSION_FOR_BIT = {
    PROTO_SSLv3: lib.SSL3_VERSION,
    PROTO_TLS1_0: lib.TLS1_VERSION,
    PROTO_TLS1_1: lib.TLS1_1_VERSION,
    PROTO_TLS1_2: lib.TLS1_2_VERSION,
    PROTO_TLS1_3: getattr(lib, "TLS1_3_VERSION", lib.TLS1_2_VERSION),
}

_PROTOCOL_NAMES = {
    getattr(lib, "TLS1_3_VERSION", -1): "TLSv1.3",
    lib.TLS1_2_VERSION: "TLSv1.2",
    lib.TLS1_1_VERSION: "TLSv1.1",
    lib.TLS1_VERSION: "TLSv1",
    lib.SSL3_VERSION: "SSLv3",
}


# ---------------------------------------------------------------------------
# the OpenSSL error queue: the one place it is drained


def drain_error_queue() -> list[QueuedError]:
    """Every queued OpenSSL error (with the function OpenSSL recorded), oldest first."""
    out: list[QueuedError] = []
    func = ffi.new("const char **")
    buf = ffi.new("char[]", 512)
    while True:
        code = lib.phpstreams_ERR_get_error_all(func)
        if code == 0:
            return out
        # The lib and reason texts as the linked OpenSSL prints them (it loads its
        # string tables on this path): "error:<code>:<lib>:<func>:<reason>".
        lib.ERR_error_string_n(code, buf, 512)
        parts = ffi.string(buf).decode("utf-8", "replace").split(":", 4)
        lib_text, reason_text = (parts[2], parts[4]) if len(parts) == 5 else (None, None)
        out.append(
            QueuedError(
                lib=int(lib.phpstreams_ERR_GET_LIB(code)),
                reason=int(lib.phpstreams_ERR_GET_REASON(code)),
                system=bool(lib.phpstreams_ERR_SYSTEM_ERROR(code)),
                func=ffi.string(func[0]).decode("utf-8", "replace"),
                lib_text=lib_text,
                reason_text=reason_text,
            )
        )


def drain_error_strings(flavour: str) -> list[str]:
    """Every queued OpenSSL error as ``ERR_error_string_n`` of the ``flavour``'s OpenSSL
    (``Profile.openssl_texts``) prints it, oldest first."""
    return render_queue(flavour, drain_error_queue())


def _reason(code: int) -> int:
    return int(lib.phpstreams_ERR_GET_REASON(code))


# ---------------------------------------------------------------------------
# callbacks (extern "Python")


def _conn_from_ssl(ssl: Any) -> TLSConnection | None:
    handle = lib.SSL_get_ex_data(ssl, EX_DATA_INDEX)
    if handle == ffi.NULL:
        return None
    conn: TLSConnection = ffi.from_handle(handle)
    return conn


# Exceptions raised inside a callback cannot cross OpenSSL's C frames: each callback
# stores it on its connection and returns the fail-closed value; the engine re-raises
# it as soon as the OpenSSL call returns (pyOpenSSL's _CallbackExceptionHelper idea).


def _guarded(conn: TLSConnection, fail: int, body: Callable[..., int], *args: Any) -> int:
    """Run a callback body; an exception is stored on ``conn`` and ``fail`` returned."""
    try:
        return body(conn, *args)
    except BaseException as exc:
        conn.callback_error = exc
        return fail


@ffi.def_extern(error=0)  # type: ignore[untyped-decorator]
def phpstreams_verify_cb(preverify_ok: int, store_ctx: Any) -> int:
    ssl = ffi.cast(
        "SSL *", lib.X509_STORE_CTX_get_ex_data(store_ctx, lib.SSL_get_ex_data_X509_STORE_CTX_idx())
    )
    conn = _conn_from_ssl(ssl)
    if conn is None:
        return preverify_ok
    return _guarded(conn, 0, _verify, preverify_ok, store_ctx)


def _verify(conn: TLSConnection, preverify_ok: int, store_ctx: Any) -> int:
    """``php_openssl_verify_callback``: allow_self_signed and verify_depth."""
    ret = preverify_ok
    err = lib.X509_STORE_CTX_get_error(store_ctx)
    depth = lib.X509_STORE_CTX_get_error_depth(store_ctx)
    settings = conn.settings
    if err == lib.X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT and settings.allow_self_signed:
        ret = 1
    allowed = settings.verify_depth
    if allowed is None:
        allowed = conn.profile.default_verify_depth
    # PHP compares as unsigned: a negative verify_depth allows any depth.
    if allowed >= 0 and depth > allowed:
        ret = 0
        lib.X509_STORE_CTX_set_error(store_ctx, lib.X509_V_ERR_CERT_CHAIN_TOO_LONG)
    return ret


@ffi.def_extern(error=0)  # type: ignore[untyped-decorator]
def phpstreams_passwd_cb(buf: Any, size: int, rwflag: int, userdata: Any) -> int:
    conn: TLSConnection = ffi.from_handle(userdata)
    return _guarded(conn, 0, _passphrase, buf, size)


def _passphrase(conn: TLSConnection, buf: Any, size: int) -> int:
    """``php_openssl_passwd_callback``: copy the passphrase if it fits."""
    phrase = conn.settings.passphrase
    if phrase is None:
        return 0
    raw = phrase.encode("utf-8", "surrogateescape")
    if len(raw) < size - 1:
        ffi.memmove(buf, raw + b"\0", len(raw) + 1)
        return len(raw)
    return 0


@ffi.def_extern(error=lib.SSL_TLSEXT_ERR_ALERT_FATAL)  # type: ignore[untyped-decorator]
def phpstreams_alpn_select_cb(
    ssl: Any, out: Any, outlen: Any, client: Any, client_len: int, arg: Any
) -> int:
    conn: TLSConnection = ffi.from_handle(arg)
    return _guarded(
        conn, int(lib.SSL_TLSEXT_ERR_ALERT_FATAL), _alpn_select, out, outlen, client, client_len
    )


def _alpn_select(conn: TLSConnection, out: Any, outlen: Any, client: Any, client_len: int) -> int:
    """``php_openssl_server_alpn_callback``: server preference over the client list."""
    server = conn._alpn_wire
    if server is None:
        return int(lib.SSL_TLSEXT_ERR_NOACK)
    res = lib.SSL_select_next_proto(
        ffi.cast("unsigned char **", out), outlen, server, len(conn._alpn_bytes), client, client_len
    )
    if res != lib.OPENSSL_NPN_NEGOTIATED:
        return int(lib.SSL_TLSEXT_ERR_NOACK)
    return int(lib.SSL_TLSEXT_ERR_OK)


@ffi.def_extern(error=lib.SSL_TLSEXT_ERR_NOACK)  # type: ignore[untyped-decorator]
def phpstreams_servername_cb(ssl: Any, alert: Any, arg: Any) -> int:
    conn = _conn_from_ssl(ssl)
    if conn is None:
        return int(lib.SSL_TLSEXT_ERR_NOACK)
    return _guarded(conn, int(lib.SSL_TLSEXT_ERR_ALERT_FATAL), _servername, ssl)


def _servername(conn: TLSConnection, ssl: Any) -> int:
    """``php_openssl_server_sni_callback``: switch to the first matching SNI cert."""
    name_ptr = lib.SSL_get_servername(ssl, lib.TLSEXT_NAMETYPE_host_name)
    if name_ptr == ffi.NULL or not conn._sni_ctxs:
        return int(lib.SSL_TLSEXT_ERR_NOACK)
    server_name = ffi.string(name_ptr).decode("utf-8", "surrogateescape")
    for pattern, ctx in conn._sni_ctxs:
        if matches_wildcard_name(server_name, pattern):
            lib.SSL_set_SSL_CTX(ssl, ctx)
            return int(lib.SSL_TLSEXT_ERR_OK)
    return int(lib.SSL_TLSEXT_ERR_NOACK)


@ffi.def_extern()  # type: ignore[untyped-decorator]
def phpstreams_handshake_start(ssl: Any) -> None:
    conn = _conn_from_ssl(ssl)
    if conn is not None and conn._reneg is not None:
        _guarded(conn, 0, _limit_reneg)


class _RenegBucket:
    """``php_openssl_handshake_bucket_t``: the server's renegotiation token bucket."""

    __slots__ = ("limit", "prev_handshake", "tokens", "window")

    def __init__(self, limit: int, window: int) -> None:
        self.limit = limit
        self.window = window
        self.prev_handshake = 0
        self.tokens = 0


def _c_div(a: int, b: int) -> int:
    """C's integer division (truncating). PHP divides by ``reneg_window`` unchecked, so
    a window of 0 crashes PHP (SIGFPE); here it raises ZeroDivisionError."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _limit_reneg(conn: TLSConnection) -> int:
    """``php_openssl_limit_handshake_reneg``, run at every SSL_CB_HANDSHAKE_START.

    The first start (the initial handshake) only records the time. Later ones refill the
    bucket by ``elapsed * (limit / window)`` tokens (C integer division: with the
    defaults, 2 / 300, nothing ever drains) and add one; above ``limit`` the stream is to
    be shut down on this read, unless ``reneg_limit_callback`` returns ``true``. Under
    OpenSSL 3 servers refuse client renegotiation anyway, but the start is counted
    before the refusal, so the limit still decides what PHP reports.
    """
    bucket = conn._reneg
    assert bucket is not None
    now = int(time.time())
    if bucket.prev_handshake == 0:
        bucket.prev_handshake = now
        return 0
    elapsed = now - bucket.prev_handshake
    bucket.prev_handshake = now
    bucket.tokens = max(0, bucket.tokens - elapsed * _c_div(bucket.limit, bucket.window)) + 1
    if bucket.tokens <= bucket.limit:
        return 0
    conn._io.should_close = 1
    stream = conn._stream()
    if stream is None:
        return 0
    ctx = stream.context
    if ctx is None or not ctx.has("ssl", "reneg_limit_callback"):
        stream.notes.append(Note(E_WARNING, conn.profile.msg("tls_reneg_limit_exceeded")))
        return 0
    callback = ctx.get("ssl", "reneg_limit_callback")
    if not callable(callback):
        raise TypeError(_invalid_callback(conn.profile, callback))
    if callback(stream) is True:
        conn._io.should_close = 0
    return 0


def _invalid_callback(profile: Profile, value: Any) -> str:
    """The message of the Error PHP throws for a callback that cannot be called."""
    if isinstance(value, str | bytes):
        name = as_text(value) if isinstance(value, bytes) else value
        return profile.msg("tls_invalid_callback_name", name=name)
    return profile.msg("tls_invalid_callback")


# ---------------------------------------------------------------------------
# the connection


def _alpn_wire(protocols: str) -> bytes | None:
    """``php_openssl_alpn_protos_parse``: comma list to the ALPN wire format."""
    raw = protocols.encode("utf-8", "surrogateescape").split(b"\0", 1)[0]
    if len(raw) >= 65535:
        return None
    out = bytearray()
    for item in raw.split(b","):
        if len(item) > 255:
            return None
        out.append(len(item))
        out += item
    return bytes(out)


def _has_empty_name(wire: bytes) -> bool:
    """Whether an ALPN wire list holds a zero-length name."""
    i = 0
    while i < len(wire):
        if wire[i] == 0:
            return True
        i += wire[i] + 1
    return False


# The three caches below (shared cafile stores, default-paths snapshots, shared client
# contexts) key on the bytes of the files they depend on, re-read on every use, and
# keep at most _CACHE_LIMIT entries (the oldest goes first).

_CACHE_LIMIT = 64


def _file_bytes(path: bytes) -> bytes | None:
    """The file's content (None if it cannot be read): what a cache entry must match."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except (OSError, ValueError):
        return None
    try:
        size = os.fstat(fd).st_size
        chunks: list[bytes] = []
        while True:  # read to EOF: the size is only a hint for the first read
            chunk = os.read(fd, max(size + 1, 65536))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if not FAST_PATHS:
        return  # the reference route: everything built per connection, as PHP does
    if key not in cache and len(cache) >= _CACHE_LIMIT:
        cache.pop(next(iter(cache)))
    cache[key] = value


class _CafileStores:
    """Trust stores loaded from a ``cafile``, shared while the file's content is the same.

    PHP loads ``cafile`` into every new SSL_CTX (``SSL_CTX_load_verify_locations``:
    about 200 us for one certificate, milliseconds for a bundle), and that load is most
    of what a TLS connect costs besides the handshake itself. A store that loaded
    cleanly (nothing left in the error queue) holds exactly that file's certificates
    and is never written afterwards -- a file lookup has no lazy by-subject search --
    so the next SSL_CTX whose ``cafile`` has the very same bytes can share it
    (reference-counted, as ``SSL_CTX_set_cert_store`` expects). Reading and comparing
    the bytes costs a few microseconds (a stat would miss an in-place rewrite within
    one timestamp tick). Verification sees the certificates PHP's fresh load would; a
    failed or noisy load, or a file that changed while it was loaded, is never
    remembered, so failures keep PHP's exact texts. ``capath`` and the default paths
    are not shared: their hash-directory lookups fill the store lazily, per context.
    """

    __slots__ = ("_stores",)

    def __init__(self) -> None:
        self._stores: dict[bytes, tuple[bytes, Any]] = {}

    def load(self, ctx: Any, path: bytes) -> bool:
        """``SSL_CTX_load_verify_locations(ctx, path, NULL)``, or the shared store."""
        content = _file_bytes(path)
        known = self._stores.get(path)
        if content is not None and known is not None and known[0] == content:
            lib.X509_STORE_up_ref(known[1])
            lib.SSL_CTX_set_cert_store(ctx, known[1])
            return True
        if not lib.SSL_CTX_load_verify_locations(ctx, path, ffi.NULL):
            return False
        if content is not None and lib.ERR_peek_error() == 0 and _file_bytes(path) == content:
            store = lib.SSL_CTX_get_cert_store(ctx)
            lib.X509_STORE_up_ref(store)
            _remember(self._stores, path, (content, ffi.gc(store, lib.X509_STORE_free)))
        return True

    def clear(self) -> None:
        self._stores.clear()


CAFILE_STORES = _CafileStores()


class _DefaultPaths:
    """``SSL_CTX_set_default_verify_paths`` with the system bundle parsed once per content.

    PHP verifies against the default paths whenever no cafile/capath is given, and OpenSSL
    then re-parses the whole bundle for every connection (about 20 ms for 144 system CAs
    here -- ten times a loopback handshake). ``phpstreams_set_default_paths``
    (``_native/_cdefs/truststore.py``) is OpenSSL's routine with the bundle's objects
    copied from a snapshot taken right after an earlier clean load of the same bytes; the
    hash directory and store URI lookups are added fresh, so they search lazily per
    store, as in PHP. The bundle is read and compared on every call (a rewrite is loaded
    afresh) and a snapshot is only taken when the file did not change during the load.
    """

    __slots__ = ("_snapshots",)

    def __init__(self) -> None:
        self._snapshots: dict[bytes, tuple[bytes, Any]] = {}

    def load(self, ctx: Any) -> bool:
        if not FAST_PATHS:
            return bool(lib.SSL_CTX_set_default_verify_paths(ctx))
        path = ffi.string(lib.phpstreams_default_cert_file())
        content = _file_bytes(path)
        known = self._snapshots.get(path)
        snapshot = known[1] if content is not None and known and known[0] == content else ffi.NULL
        store = lib.SSL_CTX_get_cert_store(ctx)
        loaded = ffi.new("int *")
        if not lib.phpstreams_set_default_paths(store, snapshot, loaded):
            return False
        if loaded[0] and content is not None and _file_bytes(path) == content:
            copy = lib.phpstreams_X509_STORE_snapshot(store)
            if copy != ffi.NULL:
                _remember(self._snapshots, path, (content, ffi.gc(copy, lib.X509_STORE_free)))
        return True

    def clear(self) -> None:
        self._snapshots.clear()


DEFAULT_PATHS = _DefaultPaths()


class _ClientContexts:
    """Configured client SSL_CTXs, shared by connections whose settings are equal.

    PHP builds a new SSL_CTX for every connection; under OpenSSL 3 ``SSL_CTX_new`` and
    ``SSL_CTX_set_cipher_list`` alone cost about 0.3 ms, a sixth of a loopback TLS 1.3
    handshake. A *client* SSL_CTX holds only what the settings put into it -- protocol
    bounds, options, ciphers, security level, ALPN list, verify mode, trust store --
    and nothing a connection writes back: verification results, SNI, the session and
    the ALPN outcome live in the SSL, and a client never adds sessions to its context's
    cache (OpenSSL's default cache mode is server-only). So connections whose settings
    give the same SSL_CTX can share one, which is what this does.

    Built fresh, as PHP does, whenever the context would hold something that can change
    behind our back or belongs to one connection: a passphrase callback (its userdata
    is the connection), a local certificate (files), a capath or the default verify
    paths (directory lookups fill the store lazily). The cafile is keyed by its bytes,
    as in _CafileStores. A setup that raised any note or left an OpenSSL error is not
    remembered, so its warnings repeat exactly. Server contexts are never shared (a
    server context caches sessions).
    """

    __slots__ = ("_ctxs",)

    def __init__(self) -> None:
        self._ctxs: dict[tuple[Any, ...], Any] = {}

    @staticmethod
    def key(conn: TLSConnection, lo: int, hi: int, options: int) -> tuple[Any, ...] | None:
        """What the SSL_CTX of ``conn`` is made of, or None when it must not be shared."""
        s = conn.settings
        if s.passphrase is not None or s.local_cert is not None or s.local_pk is not None:
            return None
        trust: tuple[str, bytes] | None = None
        if s.verify_peer is not False:
            cafile, capath = conn._verify_locations()
            if capath is not None or not cafile:  # capath "" is a path too (it fails)
                return None
            content = _file_bytes(cafile.encode("utf-8", "surrogateescape"))
            if content is None:
                return None
            trust = (cafile, content)
        return (
            conn.profile.version, lo, hi, options, trust,
            conn._ciphers(), s.security_level, s.alpn_protocols,
        )  # fmt: skip

    def get(self, key: tuple[Any, ...] | None) -> Any:
        return None if key is None else self._ctxs.get(key)

    def put(self, key: tuple[Any, ...], ctx: Any) -> None:
        _remember(self._ctxs, key, ctx)

    def clear(self) -> None:
        self._ctxs.clear()


CLIENT_CONTEXTS = _ClientContexts()


def _has_timeout(timeout: Timeout) -> bool:
    return timeout is not None and (timeout[0] > 0 or (timeout[0] == 0 and timeout[1] != 0))


# An SNI_server_certs array entry: its two keys, the message key of the warning for a
# path with a NUL byte and (tls_local_files_by_realpath) for a path that does not resolve.
_SNI_ENTRY_FILES = (
    ("local_cert", "tls_sni_cert_unopenable", "tls_sni_cert_not_found"),
    ("local_pk", "tls_sni_pk_unopenable", "tls_sni_pk_not_found"),
)


def _seconds(timeout: Timeout) -> float:
    assert timeout is not None
    return timeout[0] + timeout[1] / 1_000_000


class TLSConnection:
    """The TLS half of one socket stream (xp_ssl.c's ``php_openssl_netstream_data_t``)."""

    __slots__ = (
        "_alpn_bytes",
        "_alpn_wire",
        "_callback_error",
        "_converted",
        "_handle",
        "_io",
        "_opened_php_stream",
        "_rbuf",
        "_rbuf_size",
        "_reneg",
        "_resources",
        "_sni_ctxs",
        "_stream",
        "_stream_context",
        "active",
        "ctx",
        "is_client",
        "profile",
        "settings",
        "ssl",
        "state_set",
        "url_name",
    )

    def __init__(self, profile: Profile, url: str | None) -> None:
        self.profile = profile
        self.url_name = url
        #: The stream this connection belongs to (weak: the stream owns the connection).
        self._stream: Callable[[], SocketStream | None] = lambda: None
        self._reneg: _RenegBucket | None = None
        self._stream_context: StreamContext | None = None
        self._converted: set[str] = set()
        self.ctx: Any = None
        self.ssl: Any = None
        self.is_client = True
        self.active = False
        self.state_set = False
        # ssl, PHP's carried errno and the fast-read stash, shared with C (fastio).
        self._io: Any = ffi.gc(lib.phpstreams_tls_io_new(), lib.phpstreams_tls_io_free)
        if self._io == ffi.NULL:
            raise MemoryError("phpstreams_tls_io_new")
        self._callback_error: BaseException | None = None
        self.settings = SSLSettings()
        self._handle: Any = None
        self._alpn_wire: Any = None
        self._alpn_bytes = b""
        self._sni_ctxs: list[tuple[str, Any]] = []
        self._rbuf_size = 0
        self._rbuf: Any = None

    @property
    def _errno(self) -> int:
        """PHP's ``errno`` as the last OpenSSL call on this connection left it."""
        return self._io.carried_errno  # type: ignore[no-any-return]

    @_errno.setter
    def _errno(self, value: int) -> None:
        self._io.carried_errno = value

    @property
    def callback_error(self) -> BaseException | None:
        """An exception a Python callback stored during the last OpenSSL call."""
        return self._callback_error

    @callback_error.setter
    def callback_error(self, exc: BaseException | None) -> None:
        self._callback_error = exc
        self._io.callback_failed = exc is not None

    @property
    def read_handle(self) -> int:
        """The handle under which the stream's C first pass of :meth:`read` finds this
        connection (``_native/_cdefs/fastio.py``; validated in C, never a pointer)."""
        return int(lib.phpstreams_tls_io_handle(self._io))

    # -- setup (php_openssl_setup_crypto) ------------------------------------------

    def setup(self, stream: SocketStream, method: int, session: Any, notes: list[Note]) -> bool:
        """Build SSL_CTX and SSL from the context options. False on failure (with notes)."""
        ctx_opts: StreamContext | None = stream.context
        self._stream_context = ctx_opts
        #: The process whose resource numbers streams opened during setup take.
        self._resources: ResourceIds = stream.resources
        self._opened_php_stream = False
        settings = resolve_ssl(ctx_opts)
        self.settings = settings
        _ERR_clear_error()
        self.is_client = bool(method & IS_CLIENT)
        self._converted = set()
        self._handle = ffi.new_handle(self)

        lo, hi = protocol_bounds(
            method & ~IS_CLIENT,
            settings.min_proto_version,
            settings.max_proto_version,
            has_ssl3=HAS.ssl3_method,
        )
        options = lib.SSL_OP_ALL
        if settings.no_ticket:
            options |= lib.SSL_OP_NO_TICKET
        options &= ~lib.SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS
        if HAS.ssl_op_ignore_unexpected_eof and not self.profile.tls_eof_is_syscall_error:
            # PHP 8.1.7+: a peer closing without close_notify is a clean EOF (bug 79589).
            options |= lib.SSL_OP_IGNORE_UNEXPECTED_EOF
        if settings.disable_compression:
            options |= lib.SSL_OP_NO_COMPRESSION
        if self.profile.ssl_allows_client_renegotiation:
            options |= lib.SSL_OP_ALLOW_CLIENT_RENEGOTIATION

        key = CLIENT_CONTEXTS.key(self, lo, hi, options) if self.is_client else None
        shared = CLIENT_CONTEXTS.get(key)
        if shared is not None:
            self.ctx = shared
        else:
            noted = len(notes)
            if not self._new_ctx(lo, hi, options, notes):
                return False
            clean = len(notes) == noted and lib.ERR_peek_error() == 0
            if key is not None and clean and not self._opened_php_stream:
                CLIENT_CONTEXTS.put(key, self.ctx)
        verify_peer = settings.verify_peer is not False

        ssl = lib.SSL_new(self.ctx)
        if ssl == ffi.NULL:
            notes.append(Note(E_WARNING, self.profile.msg("tls_ssl_new_failed")))
            return False
        self.ssl = ffi.gc(ssl, lib.SSL_free)
        lib.phpstreams_tls_io_set_ssl(self._io, self.ssl)
        lib.SSL_set_ex_data(self.ssl, EX_DATA_INDEX, self._handle)
        lib.SSL_set_fd(self.ssl, stream.fileno())

        if not self.is_client and not self._enable_server_sni(notes, verify_peer):
            return False
        self._stream = weakref.ref(stream)
        if not self.is_client:
            self._init_reneg_limit(stream)

        lib.phpstreams_SSL_set_mode(self.ssl, lib.SSL_MODE_RELEASE_BUFFERS)

        if session is not None:
            other = getattr(session, "crypto", None)
            if not isinstance(session, SocketStream) or not session.spec.crypto_capable:
                notes.append(Note(E_WARNING, self.profile.msg("tls_session_not_ssl")))
            elif other is None or other.ssl is None:
                notes.append(Note(E_WARNING, self.profile.msg("tls_session_not_initialized")))
            else:
                lib.SSL_copy_session_id(self.ssl, other.ssl)
        return True

    def _read_string_option(self, name: str, notes: list[Note]) -> None:
        """``GET_VER_OPT_STRING``'s in-place conversion: an array-valued option warns
        "Array to string conversion" where PHP first reads it (then it is a string)."""
        ctx = self._stream_context
        if name in self._converted or ctx is None or not is_array(ctx.get("ssl", name)):
            return
        self._converted.add(name)
        notes.append(
            Note(
                self.profile.array_to_string_level,
                self.profile.msg("array_to_string"),
                prefixed=False,
            )
        )

    def _init_reneg_limit(self, stream: SocketStream) -> None:
        """``php_openssl_init_server_reneg_limit``: a negative ``reneg_limit`` turns the
        limit off; otherwise every handshake start is counted (see _limit_reneg)."""
        ctx = stream.context
        limit = self.profile.default_reneg_limit
        window = self.profile.default_reneg_window
        if ctx is not None and ctx.has("ssl", "reneg_limit"):
            limit = to_long(ctx.get("ssl", "reneg_limit"))
        if limit < 0:
            return
        if ctx is not None and ctx.has("ssl", "reneg_window"):
            window = to_long(ctx.get("ssl", "reneg_window"))
        self._reneg = _RenegBucket(limit, window)
        lib.SSL_set_info_callback(self.ssl, lib.phpstreams_info_cb)

    def _new_ctx(self, lo: int, hi: int, options: int, notes: list[Note]) -> bool:
        """The SSL_CTX of ``php_openssl_setup_crypto``, configured from the settings."""
        settings = self.settings
        tls_method = lib.TLS_client_method() if self.is_client else lib.TLS_server_method()
        ctx = lib.SSL_CTX_new(tls_method)
        if ctx == ffi.NULL:
            notes.append(Note(E_WARNING, self.profile.msg("tls_ctx_new_failed")))
            return False
        self.ctx = ffi.gc(ctx, lib.SSL_CTX_free)

        if settings.verify_peer is False:
            lib.SSL_CTX_set_verify(self.ctx, lib.SSL_VERIFY_NONE, ffi.NULL)
        elif not self._enable_peer_verification(notes):
            return False

        if settings.passphrase is not None:
            lib.SSL_CTX_set_default_passwd_cb_userdata(self.ctx, self._handle)
            lib.SSL_CTX_set_default_passwd_cb(self.ctx, lib.phpstreams_passwd_cb)

        self._read_string_option("ciphers", notes)
        if (
            lib.SSL_CTX_set_cipher_list(
                self.ctx, self._ciphers().encode("utf-8", "surrogateescape")
            )
            != 1
        ):
            return False  # PHP says nothing specific here

        if settings.security_level is not None:
            level = settings.security_level
            if level < 0 or level > 5:
                notes.append(Note(E_WARNING, self.profile.msg("tls_security_level_range")))
            if HAS.security_level:
                lib.SSL_CTX_set_security_level(self.ctx, max(min(level, 2**31 - 1), -(2**31)))

        if settings.alpn_protocols is not None:
            self._read_string_option("alpn_protocols", notes)
            wire = _alpn_wire(settings.alpn_protocols)
            if (
                wire is not None
                and self.is_client
                and self.profile.alpn_rejects_empty_names
                and _has_empty_name(wire)
            ):
                notes.append(Note(E_WARNING, self.profile.msg("tls_alpn_empty_name")))
                return False
            if wire is None:
                notes.append(Note(E_WARNING, self.profile.msg("tls_alpn_parse_failed")))
                return False
            if self.is_client:
                lib.SSL_CTX_set_alpn_protos(self.ctx, wire, len(wire))
            else:
                self._alpn_bytes = wire
                self._alpn_wire = ffi.new("unsigned char[]", wire)
                lib.SSL_CTX_set_alpn_select_cb(
                    self.ctx, lib.phpstreams_alpn_select_cb, self._handle
                )

        if not self._set_local_cert(notes):
            return False

        lib.SSL_CTX_set_options(self.ctx, options)
        if (
            self.profile.legacy_tls_needs_security_level0
            and lo < PROTO_TLS1_2
            and HAS.security_level
            and lib.SSL_CTX_get_security_level(self.ctx) >= 1
        ):
            # OpenSSL 3.2+ leaves TLS 1.0/1.1 out above security level 0; with nothing
            # left, the handshake fails with "no protocols available", as there.
            lo = PROTO_TLS1_2
        lib.phpstreams_SSL_CTX_set_min_proto_version(self.ctx, _VERSION_FOR_BIT[lo])
        lib.phpstreams_SSL_CTX_set_max_proto_version(self.ctx, _VERSION_FOR_BIT[hi])

        return self.is_client or not settings.has_context or self._server_options(notes)

    def _ciphers(self) -> str:
        ciphers = self.settings.ciphers
        if ciphers is None:
            return self.profile.string_constants["OPENSSL_DEFAULT_STREAM_CIPHERS"]
        return ciphers

    def _verify_locations(self) -> tuple[str | None, str | None]:
        """The cafile and capath PHP uses: the options, else the openssl.* ini values."""
        from ._php_state import runtime  # ini lookup: openssl.cafile / openssl.capath

        cafile = self.settings.cafile
        if cafile is None:
            cafile = runtime().ini.get("openssl.cafile") or None
        capath = self.settings.capath
        if capath is None:
            capath = runtime().ini.get("openssl.capath") or None
        return cafile, capath

    def _enable_peer_verification(self, notes: list[Note]) -> bool:
        """``php_openssl_enable_peer_verification``."""
        self._read_string_option("cafile", notes)
        self._read_string_option("capath", notes)
        option = self.settings.cafile
        if option is not None and not self.is_client:
            names = lib.SSL_load_client_CA_file(option.encode("utf-8", "surrogateescape"))
            if names == ffi.NULL:
                notes.append(
                    Note(E_WARNING, self.profile.msg("tls_ca_names_failed"), prefixed=False)
                )
                return False
            lib.SSL_CTX_set_client_CA_list(self.ctx, names)
        cafile, capath = self._verify_locations()

        # An option set to "" (or null/false) is still a path to load, unlike an
        # empty ini value.
        if cafile is not None or capath is not None:
            if cafile and capath is None:
                ok = CAFILE_STORES.load(self.ctx, cafile.encode("utf-8", "surrogateescape"))
            else:
                ok = lib.SSL_CTX_load_verify_locations(
                    self.ctx,
                    cafile.encode("utf-8", "surrogateescape") if cafile is not None else ffi.NULL,
                    capath.encode("utf-8", "surrogateescape") if capath is not None else ffi.NULL,
                )
            if not ok:
                _ERR_clear_error()
                if cafile is not None and not self._load_stream_cafile(cafile, notes):
                    return False
        elif self.is_client and not DEFAULT_PATHS.load(self.ctx):
            notes.append(Note(E_WARNING, self.profile.msg("tls_default_verify_paths_failed")))
            return False
        lib.SSL_CTX_set_verify(self.ctx, lib.SSL_VERIFY_PEER, lib.phpstreams_verify_cb)
        return True

    def _load_stream_cafile(self, cafile: str, notes: list[Note]) -> bool:
        """``php_openssl_load_stream_cafile``: the PHP-stream fallback for cafile (plain
        paths and file:// here; remote wrappers are refused as PHP refuses them). The
        file opened is a PHP stream: it takes a resource number of the stream's process,
        on every setup (so a context built this way is never shared)."""
        if "://" in cafile and not cafile.startswith("file://"):
            scheme = cafile.split("://", 1)[0].lower()
            if scheme in ("http", "https", "ftp", "ftps"):
                notes.append(
                    Note(
                        E_WARNING,
                        self.profile.msg("tls_remote_cafile"),
                        prefixed=False,
                    )
                )
                return False
        cafile = cafile.split("\0", 1)[0]  # a C string from here on
        path = cafile[7:] if cafile.startswith("file://") else cafile
        if not cafile:
            # php_stream_open_wrapper queues a ValueError for an empty path and fails.
            throws = "ValueError" if self.profile.empty_stream_path_throws else None
            notes.append(Note(E_WARNING, self.profile.msg("path_empty"), throws=throws))
        try:
            if not path:
                raise FileNotFoundError(path)
            if os.path.isdir(path):
                # The plain wrapper's open(2) of a directory succeeds; its first read
                # (a buffer fill of one chunk) fails with EISDIR.
                self._opened_php_stream = True
                self._resources.allocate()
                reason = os.strerror(errno_mod.EISDIR)
                notes.append(
                    Note(
                        E_NOTICE,
                        self.profile.msg(
                            "read_failed",
                            count=self.profile.chunk_size,
                            errno=errno_mod.EISDIR,
                            reason=reason,
                        ),
                    )
                )
                data = b""
            else:
                with open(path, "rb") as f:
                    self._resources.allocate()  # php_stream_open_wrapper allocated a stream
                    self._opened_php_stream = True
                    data = f.read()
        except OSError:
            notes.append(
                Note(
                    E_WARNING,
                    self.profile.msg("tls_cafile_stream_failed", path=cafile),
                    prefixed=False,
                )
            )
            return False
        store = lib.SSL_CTX_get_cert_store(self.ctx)
        added = 0
        begin, end = b"-----BEGIN CERTIFICATE-----", b"-----END CERTIFICATE-----"
        pos = 0
        while True:
            start = data.find(begin, pos)
            if start < 0:
                break
            stop = data.find(end, start)
            if stop < 0:
                break
            pem = data[start : stop + len(end)] + b"\n"
            cert = OpenSSLCertificate.from_pem(pem)
            if cert is not None and lib.X509_STORE_add_cert(store, cert.x509):
                added += 1
            pos = stop + len(end)
        _ERR_clear_error()
        if not added:
            notes.append(
                Note(
                    E_WARNING,
                    self.profile.msg("tls_cafile_no_certs", path=cafile),
                    prefixed=False,
                )
            )
            return False
        return True

    def _set_local_cert(self, notes: list[Note]) -> bool:
        """``php_openssl_set_local_cert``."""
        certfile = self.settings.local_cert
        if certfile is None:
            return True
        self._read_string_option("local_cert", notes)
        if self.profile.tls_local_files_by_realpath:
            return self._set_local_cert_by_realpath(certfile, notes)
        if "\0" in certfile:
            notes.append(
                Note(
                    E_WARNING,
                    self.profile.msg("tls_option_path_nul", option="local_cert"),
                )
            )
            notes.append(
                Note(E_WARNING, self.profile.msg("tls_cert_realpath", path=_cstr(certfile)))
            )
            return False
        resolved = os.path.abspath(certfile) if certfile else certfile
        if lib.SSL_CTX_use_certificate_chain_file(self.ctx, _os_bytes(resolved)) != 1:
            notes.append(
                Note(
                    E_WARNING,
                    self.profile.msg("tls_local_cert_failed", path=certfile),
                )
            )
            return False
        key = self.settings.local_pk
        if key is not None:
            self._read_string_option("local_pk", notes)
            if "\0" in key:
                notes.append(
                    Note(
                        E_WARNING,
                        self.profile.msg("tls_option_path_nul", option="local_pk"),
                    )
                )
                notes.append(Note(E_WARNING, self.profile.msg("tls_pk_realpath", path=_cstr(key))))
                return False
            resolved = os.path.abspath(key) if key else key
        if (
            lib.SSL_CTX_use_PrivateKey_file(self.ctx, _os_bytes(resolved), lib.SSL_FILETYPE_PEM)
            != 1
        ):
            notes.append(Note(E_WARNING, self.profile.msg("tls_local_pk_failed", path=resolved)))
            return False
        if not lib.SSL_CTX_check_private_key(self.ctx):
            notes.append(Note(E_WARNING, self.profile.msg("tls_pk_mismatch")))
        return True

    def _set_local_cert_by_realpath(self, certfile: str, notes: list[Note]) -> bool:
        """PHP 7.4's ``php_openssl_set_local_cert``: only files ``realpath()`` resolves
        are used; a local_cert that does not resolve is skipped without a word, a
        local_pk that does not resolve leaves the key unset (the key check then warns)."""
        cert_path = _realpath(certfile)
        if cert_path is None:
            return True
        if lib.SSL_CTX_use_certificate_chain_file(self.ctx, _os_bytes(cert_path)) != 1:
            notes.append(Note(E_WARNING, self.profile.msg("tls_local_cert_failed", path=certfile)))
            return False
        key = self.settings.local_pk
        key_path: str | None = cert_path
        if key is not None:
            self._read_string_option("local_pk", notes)
            key_path = _realpath(key)
        if (
            key_path is not None
            and lib.SSL_CTX_use_PrivateKey_file(self.ctx, _os_bytes(key_path), lib.SSL_FILETYPE_PEM)
            != 1
        ):
            notes.append(Note(E_WARNING, self.profile.msg("tls_local_pk_failed", path=key_path)))
            return False
        if not lib.SSL_CTX_check_private_key(self.ctx):
            _ERR_clear_error()
            notes.append(Note(E_WARNING, self.profile.msg("tls_pk_mismatch")))
        return True

    def _server_options(self, notes: list[Note]) -> bool:
        """``php_openssl_set_server_specific_opts``. ``ecdh_curve`` is never read: PHP
        compiles its curve setup only for OpenSSL < 1.1 (OpenSSL 3 picks curves itself)."""
        settings = self.settings
        if settings.rsa_key_size_set:
            notes.append(Note(E_WARNING, self.profile.msg("tls_rsa_key_size_removed")))
        if (
            settings.dh_param is not None
            and not self._set_dh_param(settings.dh_param, notes)
            and self.profile.tls_dh_param_failure_fatal
        ):
            return False
        options = lib.SSL_CTX_get_options(self.ctx)
        if settings.single_dh_use is not False:
            options |= lib.SSL_OP_SINGLE_DH_USE
        if settings.honor_cipher_order is not False:
            options |= lib.SSL_OP_CIPHER_SERVER_PREFERENCE
        lib.SSL_CTX_set_options(self.ctx, options)
        return True

    def _set_dh_param(self, path: str, notes: list[Note]) -> bool:
        """``php_openssl_set_server_dh_param``: False (with PHP's warning) on failure."""
        bio = lib.BIO_new_file(_os_bytes(path), b"r")
        if bio == ffi.NULL:
            notes.append(Note(E_WARNING, self.profile.msg("tls_dh_param_invalid")))
            return False
        pkey = lib.PEM_read_bio_Parameters(bio, ffi.NULL)
        lib.BIO_free(bio)
        if pkey == ffi.NULL:
            notes.append(Note(E_WARNING, self.profile.msg("tls_dh_param_read_failed")))
            return False
        if lib.SSL_CTX_set0_tmp_dh_pkey(self.ctx, pkey) == 0:
            lib.EVP_PKEY_free(pkey)
            # PHP 7.4 tests SSL_CTX_set_tmp_dh() < 0, which never happens: it is silent.
            if self.profile.tls_dh_param_failure_fatal:
                notes.append(Note(E_WARNING, self.profile.msg("tls_dh_param_assign_failed")))
            return False
        return True

    def _enable_server_sni(self, notes: list[Note], verify_peer: bool) -> bool:
        """``php_openssl_enable_server_sni``: one SSL_CTX per SNI_server_certs entry."""
        settings = self.settings
        certs = settings.sni_server_certs
        if not settings.sni_enabled or not settings.sni_server_certs_set:
            return True
        by_realpath = self.profile.tls_local_files_by_realpath
        if isinstance(certs, list | tuple):
            certs = dict(enumerate(certs))  # a PHP list: int keys
        if not isinstance(certs, dict):
            notes.append(Note(E_WARNING, self.profile.msg("tls_sni_certs_not_array")))
            return False
        if not certs:
            notes.append(Note(E_WARNING, self.profile.msg("tls_sni_certs_empty")))
            return False
        for host, entry in certs.items():
            if not isinstance(host, str):
                notes.append(Note(E_WARNING, self.profile.msg("tls_sni_certs_key_not_string")))
                return False
            if isinstance(entry, dict):
                # Checked in PHP's order: cert present, cert path, key present, key path.
                paths: list[str] = []
                for key, unopenable, not_found in _SNI_ENTRY_FILES:
                    if key not in entry:
                        notes.append(
                            Note(E_WARNING, self.profile.msg("tls_sni_entry_missing", option=key))
                        )
                        return False
                    path = str(entry[key])
                    if by_realpath:
                        real = _realpath(path)
                        if real is None:
                            notes.append(
                                Note(E_WARNING, self.profile.msg(not_found, path=_cstr(path)))
                            )
                            return False
                        paths.append(real)
                        continue
                    if "\0" in path:
                        notes.append(
                            Note(E_WARNING, self.profile.msg(unopenable, path=_cstr(path)))
                        )
                        return False
                    paths.append(os.path.abspath(path))
                ctx = _sni_server_ctx(self.profile, paths[0], paths[1], notes)
            else:
                path = str(entry)
                real = _realpath(path) if by_realpath else os.path.abspath(path)
                if "\0" in path or real is None:
                    notes.append(
                        Note(
                            E_WARNING,
                            self.profile.msg("tls_sni_cert_not_found", path=_cstr(path)),
                        )
                    )
                    return False
                ctx = _sni_server_ctx(self.profile, real, real, notes)
            if ctx is None:
                return False
            self._sni_ctxs.append((host, ctx))
        lib.phpstreams_SSL_CTX_set_tlsext_servername_callback(
            self.ctx, lib.phpstreams_servername_cb
        )
        del verify_peer
        return True

    # -- the dispatcher (php_openssl_handle_ssl_error) --------------------------------

    def _handle_error(
        self, stream: SocketStream, nr_bytes: int, is_init: bool, notes: list[Note]
    ) -> bool:
        """Decide whether to retry after ``nr_bytes <= 0``; emit PHP's warnings."""
        err = _SSL_get_error(self.ssl, nr_bytes)
        if err == _ZERO_RETURN:
            if (
                nr_bytes < 0
                and self._errno != 0
                and self.profile.tls_write_after_close_queues_errno
            ):
                # OpenSSL 3.5 reports a write after the peer's close_notify as a system
                # error with the errno queued; 3.0 calls it a clean shutdown.
                queued = system_error(self._errno, os.strerror(self._errno))
                notes.append(Note(E_WARNING, self._failure_text(_ERROR_SYSCALL, [queued])))
                self._errno = 0
            return False
        if (
            err == _ERROR_SSL
            and self.profile.tls_eof_is_syscall_error
            and HAS.ssl_r_unexpected_eof_while_reading
            and _reason(lib.ERR_peek_error()) == lib.SSL_R_UNEXPECTED_EOF_WHILE_READING
        ):
            # OpenSSL 1.1.1 has no "unexpected eof" error: EOF without close_notify is
            # SSL_ERROR_SYSCALL with an empty queue and a 0 return.
            lib.ERR_get_error()
            err, nr_bytes = _ERROR_SYSCALL, 0
        if err == _WANT_READ or err == _WANT_WRITE:
            self._errno = _EAGAIN
            return True if is_init else stream.is_blocked
        if err == _ERROR_SYSCALL and lib.ERR_peek_error() == 0:
            if nr_bytes == 0:
                if lib.ERR_get_error() != 0:
                    notes.append(Note(E_WARNING, self.profile.msg("ssl_fatal_protocol")))
                lib.SSL_set_shutdown(self.ssl, lib.SSL_SENT_SHUTDOWN | lib.SSL_RECEIVED_SHUTDOWN)
                stream.eof = True
                return False
            notes.append(
                Note(E_WARNING, self.profile.msg("ssl_syscall", reason=os.strerror(self._errno)))
            )
            return False
        code = lib.ERR_peek_error()
        if _reason(code) == lib.SSL_R_NO_SHARED_CIPHER:
            lib.ERR_get_error()
            notes.append(Note(E_WARNING, self.profile.msg("ssl_no_shared_cipher")))
        else:
            notes.append(Note(E_WARNING, self._failure_text(err, drain_error_queue())))
        self._errno = 0
        return False

    def _failure_text(self, err: int, queue: list[QueuedError]) -> str:
        """ "SSL operation failed with code N. OpenSSL Error messages:\n<queue>"."""
        lines = render_queue(self.profile.openssl_texts, queue, client=self.is_client)
        header = self.profile.msg("ssl_openssl_header") if lines else ""
        return self.profile.msg(
            "ssl_operation_failed", code=err, header=header, errors="\n".join(lines)
        )

    def _call(self, fn: Any, *args: Any) -> int:
        """One OpenSSL I/O call with PHP's errno carried across it."""
        _ERR_clear_error()
        ffi.errno = self._errno
        n: int = fn(self.ssl, *args)
        self._errno = ffi.errno
        self.reraise()
        return n

    def reraise(self) -> None:
        """Re-raise an exception a callback stored during the last OpenSSL call."""
        exc = self.callback_error
        if exc is not None:
            self.callback_error = None
            raise exc

    # -- handshake (php_openssl_enable_crypto) -----------------------------------

    def handshake(self, stream: SocketStream, notes: list[Note]) -> int:
        """Run (or continue) the handshake: 1 done, 0 would block, -1 failed."""
        if self.active:
            return -1
        if self.is_client:
            self._client_sni(notes)
        if not self.state_set:
            if self.is_client:
                lib.SSL_set_connect_state(self.ssl)
            else:
                lib.SSL_set_accept_state(self.ssl)
            self.state_set = True
        blocked = stream.is_blocked
        lib.phpstreams_SSL_set_mode(
            self.ssl, lib.SSL_MODE_ENABLE_PARTIAL_WRITE | lib.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
        )
        # PHP switches the descriptor to non-blocking for the handshake and reports the
        # stream as non-blocking meanwhile; ours always is.
        stream.is_blocked = False
        timeout = stream.connect_timeout if self.is_client else stream.timeout
        has_timeout = _has_timeout(timeout)
        start = time.monotonic()
        limit = _seconds(timeout) if has_timeout else 0.0
        fn = lib.SSL_connect if self.is_client else lib.SSL_accept
        while True:
            try:
                n = self._call(fn)
            except BaseException:
                stream.is_blocked = blocked  # a callback raised: leave the stream as it was
                raise
            if has_timeout and time.monotonic() - start > limit:
                # PHP 8.2 returns from here without switching the stream back to
                # blocking: it stays non-blocking after a handshake timeout.
                notes.append(Note(E_WARNING, self.profile.msg("ssl_handshake_timeout")))
                if self.profile.tls_handshake_timeout_restores_blocking:
                    stream.is_blocked = blocked
                else:
                    stream.fd_nonblocking = True
                return -1
            if n > 0:
                break
            retry = self._handle_error(stream, n, blocked, notes)
            if not retry:
                break
            err = _SSL_get_error(self.ssl, n)
            left: Timeout = None
            if has_timeout:
                us = max(0, int((limit - (time.monotonic() - start)) * 1_000_000))
                left = (us // 1_000_000, us % 1_000_000)
            self._poll(stream, _POLLIN if err == _WANT_READ else select.POLLOUT, left)
        stream.is_blocked = blocked

        if n == 1:
            peer = self.peer_certificate()
            if peer is not None:
                self._capture(stream, peer)
            if not self._verify_peer(peer, notes):
                lib.SSL_shutdown(self.ssl)
                return -1
            self.active = True
            if self.profile.capture_session_meta_supported:
                self._capture_session_meta(stream, notes)
            stream.refresh_direct()  # reads and writes now go through the engine
            return 1
        if self._errno == _EAGAIN:
            return 0
        peer = self.peer_certificate()
        if peer is not None:
            self._capture(stream, peer)
        return -1

    def _capture_session_meta(self, stream: SocketStream, notes: list[Note]) -> None:
        """PHP 7.4: ``capture_session_meta`` (present: E_DEPRECATED; true: the session's
        protocol and cipher as the ``session_meta`` option)."""
        ctx = stream.context
        if ctx is None or not ctx.has("ssl", "capture_session_meta"):
            return
        notes.append(
            Note(E_DEPRECATED, self.profile.msg("tls_capture_session_meta"), prefixed=False)
        )
        if _truthy_opt(ctx, "capture_session_meta"):
            meta = self.meta()
            meta.pop("alpn_protocol", None)
            ctx.set("ssl", "session_meta", meta)

    def _client_sni(self, notes: list[Note]) -> None:
        """``php_openssl_enable_client_sni``: peer_name, else the URL host."""
        if not self.settings.sni_enabled:
            return
        self._read_string_option("peer_name", notes)
        name = self.settings.peer_name if self.settings.peer_name is not None else self.url_name
        if name is not None:
            lib.phpstreams_SSL_set_tlsext_host_name(
                self.ssl, name.encode("utf-8", "surrogateescape")
            )

    def _poll(self, stream: SocketStream, events: int, timeout: Timeout) -> None:
        fd = stream.fileno()
        if fd < 0:
            return
        p = select.poll()
        p.register(fd, events)
        p.poll(poll_ms(timeout))

    def peer_certificate(self) -> OpenSSLCertificate | None:
        x509 = lib.SSL_get1_peer_certificate(self.ssl)
        if x509 == ffi.NULL:
            return None
        return certificate_class(self.profile)(ffi.gc(x509, lib.X509_free))

    def _capture(self, stream: SocketStream, peer: OpenSSLCertificate) -> None:
        """``php_openssl_capture_peer_certs``: into the stream's context options."""
        ctx = stream.context
        if ctx is None:
            return
        if _truthy_opt(ctx, "capture_peer_cert"):
            ctx.set("ssl", "peer_certificate", registered(peer, stream.resources))
        if _truthy_opt(ctx, "capture_peer_cert_chain"):
            chain = lib.SSL_get_peer_cert_chain(self.ssl)
            certs: list[OpenSSLCertificate] | None = None
            if chain != ffi.NULL and lib.phpstreams_sk_X509_num(chain) > 0:
                certs = []
                for i in range(lib.phpstreams_sk_X509_num(chain)):
                    x = lib.phpstreams_sk_X509_value(chain, i)
                    lib.X509_up_ref(x)
                    cert = certificate_class(self.profile)(ffi.gc(x, lib.X509_free))
                    certs.append(registered(cert, stream.resources))
            ctx.set("ssl", "peer_certificate_chain", certs)

    def _verify_peer(self, peer: OpenSSLCertificate | None, notes: list[Note]) -> bool:
        """``php_openssl_apply_peer_verification_policy``."""
        s = self.settings
        must_peer = s.verify_peer if s.verify_peer is not None else self.is_client
        must_name = s.verify_peer_name if s.verify_peer_name is not None else self.is_client
        must_fp = s.peer_fingerprint_set
        if (must_peer or must_name or must_fp) and peer is None:
            notes.append(Note(E_WARNING, self.profile.msg("tls_no_peer_cert")))
            return False
        assert peer is not None or not (must_peer or must_name or must_fp)
        if must_peer:
            err = lib.SSL_get_verify_result(self.ssl)
            if err != lib.X509_V_OK and not (
                err == lib.X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT and s.allow_self_signed
            ):
                text = ffi.string(lib.X509_verify_cert_error_string(err)).decode()
                notes.append(
                    Note(E_WARNING, self.profile.msg("tls_verify_failed", code=err, reason=text))
                )
                return False
        if must_fp:
            assert peer is not None
            fp = s.peer_fingerprint
            if isinstance(fp, str | bytes | dict | list | tuple):
                if not _fingerprint_match(self.profile, peer, fp, notes):
                    notes.append(Note(E_WARNING, self.profile.msg("tls_fingerprint_mismatch")))
                    return False
            else:
                notes.append(Note(E_WARNING, self.profile.msg("tls_fingerprint_type")))
                return False
        if must_name:
            assert peer is not None
            self._read_string_option("peer_name", notes)
            name = s.peer_name
            if name is None and self.is_client:
                name = self.url_name
            if name is None:
                return False
            if matches_san_list(self.profile, peer, name):
                return True
            if peer.has_dns_san() and not self.profile.cn_fallback_with_dns_san:
                notes.append(
                    Note(
                        E_WARNING,
                        self.profile.msg("tls_san_mismatch", name=name),
                    )
                )
                return False
            return matches_common_name(self.profile, peer, name, notes)
        return True

    # -- I/O (php_openssl_sockop_io) ---------------------------------------------------

    def read(self, stream: SocketStream, size: int) -> bytes | None:
        """One TLS read for the stream buffer: data, ``b""``, or None on a timeout."""
        if size > 2**31 - 1:
            size = 2**31 - 1
        if size > self._rbuf_size:
            self._rbuf = ffi.new("char[]", size)
            self._rbuf_size = size
        buf = self._rbuf
        began_blocked = stream.is_blocked
        timeout = stream.timeout if began_blocked else None
        has_timeout = began_blocked and _has_timeout(timeout)
        if has_timeout:
            start = time.monotonic()
            limit = _seconds(timeout)
        notes = stream.notes
        ssl = self.ssl
        io = self._io
        # The stream's C fast reader may have made this loop's first SSL_read already
        # and left its result here for us to finish (fastio.py).
        stashed = io.stashed
        io.stashed = 0
        while True:
            if stashed:
                stashed = 0
                n = io.ret
            else:
                if has_timeout and time.monotonic() - start > limit:
                    stream.timed_out = True
                    return None
                _ERR_clear_error()
                ffi.errno = io.carried_errno
                n = _SSL_read(ssl, buf, size)
                io.carried_errno = ffi.errno
            if io.should_close:
                # The renegotiation limit tripped during this SSL_read: PHP shuts the
                # socket down and reports EOF, whatever SSL_read returned.
                stream.shutdown(_SHUT_RDWR)
                stream.eof = True
                if self._callback_error is not None:
                    self.reraise()
                return b""
            if self._callback_error is not None:
                self.reraise()
            if n > 0:
                return ffi.buffer(buf, n)[:]  # type: ignore[no-any-return]
            err = _SSL_get_error(ssl, n)
            retry = self._handle_error(stream, n, False, notes)
            if self._errno == _EAGAIN and err == _WANT_READ:
                retry = True
            stream.eof = not retry and self._errno != _EAGAIN and not _SSL_pending(ssl)
            if not began_blocked or not retry:
                return b""
            if stream.no_wait_if_buffered and stream.has_buffered_data:
                return b""  # 8.3+: this fread already has buffered data (bug #51056)
            left: Timeout = None
            if has_timeout:
                us = max(0, int((limit - (time.monotonic() - start)) * 1_000_000))
                left = (us // 1_000_000, us % 1_000_000)
            self._poll(
                stream, select.POLLOUT | select.POLLPRI if err == _WANT_WRITE else _POLLIN, left
            )

    def write(self, stream: SocketStream, data: memoryview) -> int:
        """One TLS write: bytes written, 0 on an error, -1 on a timeout."""
        size = min(len(data), 2**31 - 1)
        chunk = ffi.from_buffer(data)
        began_blocked = stream.is_blocked
        timeout = stream.timeout if began_blocked else None
        has_timeout = began_blocked and _has_timeout(timeout)
        if has_timeout:
            start = time.monotonic()
            limit = _seconds(timeout)
        ssl = self.ssl
        while True:
            if has_timeout and time.monotonic() - start > limit:
                stream.timed_out = True
                return -1
            n = self._call(_SSL_write, chunk, size)
            if n > 0:
                return n
            err = _SSL_get_error(ssl, n)
            retry = self._handle_error(stream, n, False, stream.notes)
            if self._errno == _EAGAIN and err == _WANT_WRITE:
                retry = True
            if not began_blocked or not retry:
                return 0
            left: Timeout = None
            if has_timeout:
                us = max(0, int((limit - (time.monotonic() - start)) * 1_000_000))
                left = (us // 1_000_000, us % 1_000_000)
            self._poll(stream, _POLLIN if err == _WANT_READ else _POLLOUT, left)

    def alive(self, stream: SocketStream) -> bool:
        """Liveness with a zero timeout, as PHP 8.2.19+ does it for active TLS: a
        socket with nothing to read is alive; otherwise ``SSL_peek`` one byte (which
        also consumes post-handshake records such as TLS 1.3 session tickets)."""
        fd = stream.fileno()
        if fd < 0:
            return False
        p = select.poll()
        p.register(fd, _POLLIN)
        if not p.poll(0):
            return True
        buf = ffi.new("char[1]")
        n = self._call(lib.SSL_peek, buf, 1)
        if n > 0:
            return True
        err = _SSL_get_error(self.ssl, n)
        _ERR_clear_error()
        if err == _ERROR_SYSCALL:
            return self._errno == _EAGAIN
        return err in (_WANT_READ, _WANT_WRITE)

    def pull_pending(self, stream: SocketStream) -> None:
        """For select(): decrypted bytes OpenSSL holds go into the stream buffer."""
        if stream.unread_bytes == 0:
            pending = _SSL_pending(self.ssl)
            if pending > 0:
                stream._fill(min(pending, stream.chunk_size))

    def shutdown(self, stream: SocketStream) -> None:
        """Deactivate: send close_notify; the SSL handle is kept (re-enable fails) and
        the stream goes back to plain socket I/O."""
        if self.active:
            _ERR_clear_error()
            lib.SSL_shutdown(self.ssl)
            _ERR_clear_error()
            self.active = False
            stream.refresh_direct()

    def close(self, stream: SocketStream) -> None:
        self.shutdown(stream)

    def meta(self) -> dict[str, Any]:
        cipher = lib.SSL_get_current_cipher(self.ssl)
        out: dict[str, Any] = {
            "protocol": _PROTOCOL_NAMES.get(lib.SSL_version(self.ssl), "UNKNOWN"),
            "cipher_name": ffi.string(lib.SSL_CIPHER_get_name(cipher)).decode(),
            "cipher_bits": int(lib.SSL_CIPHER_get_bits(cipher, ffi.NULL)),
            "cipher_version": ffi.string(lib.SSL_CIPHER_get_version(cipher)).decode(),
        }
        proto = ffi.new("const unsigned char **")
        length = ffi.new("unsigned int *")
        lib.SSL_get0_alpn_selected(self.ssl, proto, length)
        if proto[0] != ffi.NULL:
            out["alpn_protocol"] = ffi.buffer(proto[0], length[0])[:].decode(
                "utf-8", "surrogateescape"
            )
        return out


# ---------------------------------------------------------------------------
# helpers


def _cstr(text: str) -> str:
    return text.split("\0", 1)[0]


def _realpath(path: str) -> str | None:
    """``VCWD_REALPATH`` (``tsrm_realpath``) of a C string: the canonical path of
    something that exists, else None; the empty path is the working directory."""
    c_path = _cstr(path)
    if not c_path:
        return os.getcwd()
    if not os.path.exists(c_path):
        return None
    return os.path.realpath(c_path)


def _os_bytes(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


def _truthy_opt(ctx: StreamContext, name: str) -> bool:
    from ._phpvalues import to_bool

    return ctx.has("ssl", name) and to_bool(ctx.get("ssl", name))


def _fingerprint_match(
    profile: Profile, peer: OpenSSLCertificate, expected: Any, notes: list[Note]
) -> bool:
    """``php_openssl_x509_fingerprint_match``."""
    if isinstance(expected, str | bytes):
        text = expected if isinstance(expected, str) else expected.decode("latin-1")
        method = {32: "md5", 40: "sha1"}.get(len(text))
        if method is None:
            return False
        digest = fingerprint_hex(profile, peer, method, notes)
        return digest is not None and digest.lower() == text.lower()
    if not expected:
        notes.append(Note(E_WARNING, profile.msg("tls_fingerprint_array_form")))
        return False
    pairs = expected.items() if isinstance(expected, dict) else enumerate(expected)
    for algo, value in pairs:
        if not isinstance(algo, str) or not isinstance(value, str | bytes):
            notes.append(Note(E_WARNING, profile.msg("tls_fingerprint_array_form")))
            return False
        digest = fingerprint_hex(profile, peer, algo, notes)
        text = value if isinstance(value, str) else value.decode("latin-1")
        if digest is None or digest.lower() != text.lower():
            return False
    return True


def _sni_server_ctx(profile: Profile, cert_path: str, key_path: str, notes: list[Note]) -> Any:
    """``php_openssl_create_sni_server_ctx``."""
    ctx = ffi.gc(lib.SSL_CTX_new(lib.TLS_server_method()), lib.SSL_CTX_free)
    if lib.SSL_CTX_use_certificate_chain_file(ctx, _os_bytes(cert_path)) != 1:
        notes.append(
            Note(
                E_WARNING,
                profile.msg("tls_sni_cert_failed", path=cert_path),
            )
        )
        return None
    if lib.SSL_CTX_use_PrivateKey_file(ctx, _os_bytes(key_path), lib.SSL_FILETYPE_PEM) != 1:
        notes.append(Note(E_WARNING, profile.msg("tls_sni_pk_failed", path=key_path)))
        return None
    return ctx


# ---------------------------------------------------------------------------
# entry points used by the stream factory and the PHP-facing layer


def setup_crypto(
    stream: SocketStream, method: int, session: Any, profile: Profile, notes: list[Note]
) -> bool:
    """``php_stream_xport_crypto_setup`` on a crypto-capable stream."""
    conn = stream.crypto
    if conn is not None and conn.ssl is not None:
        if stream.is_blocked:
            notes.append(Note(E_WARNING, profile.msg("ssl_already_setup")))
            return False
        return True
    if conn is None:
        conn = TLSConnection(profile, url_name(stream.address) if stream.address else None)
        stream.attach_crypto(conn)
    return conn.setup(stream, method, session, notes)  # type: ignore[no-any-return]


def enable_crypto(stream: SocketStream, notes: list[Note]) -> int:
    """``php_stream_xport_crypto_enable(stream, 1)``: 1, 0 (would block) or -1."""
    conn = stream.crypto
    if conn is None or conn.ssl is None:
        return -1
    return conn.handshake(stream, notes)  # type: ignore[no-any-return]


def disable_crypto(stream: SocketStream) -> int:
    """``php_stream_xport_crypto_enable(stream, 0)``: always -1 (PHP returns false)."""
    conn = stream.crypto
    if conn is not None and conn.active:
        conn.shutdown(stream)
    return -1


def _implicit_client(
    stream: SocketStream, address: str, profile: Profile, notes: list[Note]
) -> None:
    """ssl://, tls://, tlsv1.x:// right after connect (``php_openssl_sockop_set_option``)."""
    method = method_for_transport(stream.spec.name, stream.context)
    conn = TLSConnection(profile, url_name(address))
    stream.attach_crypto(conn)
    del address
    if not conn.setup(stream, method, None, notes) or conn.handshake(stream, notes) < 0:
        notes.append(Note(E_WARNING, profile.msg("ssl_enable_failed")))
        raise CryptoError()


def _implicit_server(client: SocketStream, profile: Profile, notes: list[Note]) -> None:
    """The accept side of ssl:// servers: the server handshake with the client bit off."""
    method = method_for_transport(client.spec.name, client.context) & ~IS_CLIENT
    conn = TLSConnection(profile, None)
    client.attach_crypto(conn)
    if not conn.setup(client, method, None, notes) or conn.handshake(client, notes) < 0:
        notes.append(Note(E_WARNING, profile.msg("ssl_enable_failed")))
        # stream_socket_accept() reports strerror() of the TCP accept, which succeeded.
        error = CryptoError()
        error.errstr = profile.accept_crypto_failure_errstr
        raise error


def _register() -> None:
    names: list[str] = ["ssl"]
    if HAS.ssl3_method:
        names.append("sslv3")
    names += ["tls", "tlsv1.0", "tlsv1.1", "tlsv1.2"]
    if HAS.tls1_3:
        names.append("tlsv1.3")
    register_tls_transports(tuple(names))
    CRYPTO_HOOKS.append(CryptoHooks(_implicit_client, _implicit_server))


_register()
