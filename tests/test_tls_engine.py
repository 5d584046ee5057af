"""The TLS engine on loopback against stdlib ``ssl`` servers (no PHP needed): handshakes,
PHP's warning texts, verification, callbacks, and resource hygiene."""

from __future__ import annotations

import gc
import os
import shutil
import ssl
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import requires_fast_paths

import phpstreams as ps
from phpstreams import _tls
from phpstreams._profiles import PHP_8_2
from phpstreams._ssl_options import resolve_ssl
from phpstreams._stream import SocketStream
from phpstreams.testing.certs import Authority, CertificateFactory
from phpstreams.testing.peers import Peers
from phpstreams.testing.tls_peers import server_context, tls_handler


@pytest.fixture(scope="module")
def ca(certificate_factory: CertificateFactory) -> Authority:
    return certificate_factory.ca()


@pytest.fixture(scope="module")
def cafile(ca: Authority) -> str:
    return ca.cafile


def write_ca(authority: Authority, path: Path) -> None:
    """Write ``authority``'s certificate over ``path`` (same inode when it exists)."""
    shutil.copyfile(authority.cafile, path)


@dataclass(frozen=True)
class TLSServer:
    """A stdlib TLS server on 127.0.0.1:0 (the shared peers) that sends "hello\\n" and
    closes."""

    port: int


def _greet(tls: ssl.SSLSocket) -> None:
    tls.sendall(b"hello\n")


@pytest.fixture(scope="module")
def server(ca: Authority) -> Iterator[TLSServer]:
    with Peers() as peers:
        ctx = server_context(ca.issue("localhost", "127.0.0.1").pem)
        yield TLSServer(peers.tcp("tls", tls_handler(ctx, _greet)))


def collect(fn: Callable[[], Any]) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [str(w.message) for w in caught if issubclass(w.category, ps.PHPDiagnostic)]


def test_handshake_succeeds_with_cafile(server: TLSServer, cafile: str) -> None:
    """A verified TLS client reads the greeting and reports the negotiated protocol."""
    ctx = ps.stream_context_create({"ssl": {"cafile": cafile}})
    s = ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", None, None, 5, 4, ctx)
    assert isinstance(s, ps.Stream)
    assert ps.fgets(s) == b"hello\n"
    meta = ps.stream_get_meta_data(s)
    assert meta["crypto"]["protocol"] == "TLSv1.3"
    assert next(iter(meta)) == "crypto"
    ps.fclose(s)


def test_untrusted_peer_gives_phps_three_warnings(server: TLSServer) -> None:
    """Without the CA the OpenSSL error block, "Failed to enable crypto" and the final
    "Unable to connect ... (Unknown error)" warning appear in that order."""
    errno, errstr = ps.Ref(), ps.Ref()
    result, msgs = collect(
        lambda: ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", errno, errstr, 5)
    )
    assert result is False
    assert msgs == [
        "stream_socket_client(): SSL operation failed with code 1. OpenSSL Error messages:\n"
        "error:0A000086:SSL routines::certificate verify failed",
        "stream_socket_client(): Failed to enable crypto",
        f"stream_socket_client(): Unable to connect to tls://127.0.0.1:{server.port} (Unknown error)",
    ]
    assert (errno.value, errstr.value) == (0, "")


def test_name_mismatch_with_dns_san_has_no_cn_fallback(server: TLSServer, cafile: str) -> None:
    """A certificate with a DNS SAN is matched on SANs only (PHP 8.2.36)."""
    ctx = ps.stream_context_create({"ssl": {"cafile": cafile, "peer_name": "other.example"}})
    result, msgs = collect(
        lambda: ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", None, None, 5, 4, ctx)
    )
    assert result is False
    assert msgs[0] == (
        "stream_socket_client(): Peer certificate subjectAltName did not match expected "
        "name `other.example'"
    )


def test_drain_error_strings_formats_like_php() -> None:
    """The queue drain prints OpenSSL 3's ``error:XXXXXXXX:lib::reason`` lines, oldest first."""
    from phpstreams._native import lib

    lib.SSL_CTX_free(lib.SSL_CTX_new(lib.TLS_client_method()))  # loads libssl's strings
    lib.ERR_clear_error()
    lib.phpstreams_err_raise(lib.ERR_LIB_SSL, lib.SSL_R_NO_SHARED_CIPHER)
    assert _tls.drain_error_strings("3.0") == ["error:0A0000C1:SSL routines::no shared cipher"]
    assert _tls.drain_error_strings("3.0") == []


@pytest.mark.parametrize("reason", [193, 134, 1040, 4000])
def test_drain_error_strings_30_equals_linked_openssl(reason: int) -> None:
    """The "3.0" flavour, built from the code's parts, is what the linked OpenSSL 3.0's
    ``ERR_error_string_n`` prints."""
    from phpstreams._native import ffi, lib

    lib.SSL_CTX_free(lib.SSL_CTX_new(lib.TLS_client_method()))  # loads libssl's strings
    lib.ERR_clear_error()
    lib.phpstreams_err_raise(lib.ERR_LIB_SSL, reason)
    code = lib.ERR_peek_error()
    buf = ffi.new("char[]", 512)
    lib.ERR_error_string_n(code, buf, 512)
    assert _tls.drain_error_strings("3.0") == [ffi.string(buf).decode()]


def test_callback_exception_is_reraised_after_the_openssl_call(
    server: TLSServer, cafile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception inside the verify callback surfaces once the handshake call returns."""

    def boom(conn: Any, preverify_ok: int, store_ctx: Any) -> int:
        raise RuntimeError("verify callback failed")

    monkeypatch.setattr(_tls, "_verify", boom)
    ctx = ps.stream_context_create({"ssl": {"cafile": cafile}})
    with pytest.raises(RuntimeError, match="verify callback failed"):
        ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", None, None, 5, 4, ctx)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _live_connections() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is _tls.TLSConnection)


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to count fds")
def test_handshakes_leave_fds_and_ssl_objects_flat(server: TLSServer, cafile: str) -> None:
    """Hundreds of handshakes, half of them failing verification, leak neither
    descriptors nor TLS connections (``benchmarks/leakcheck.py`` runs 10 000)."""
    good = ps.stream_context_create({"ssl": {"cafile": cafile}})

    def one(i: int) -> None:
        ctx = good if i % 2 else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", None, None, 5, 4, ctx)
        if s is not False:
            ps.fgets(s)
            ps.fclose(s)

    for i in range(20):  # warm up caches and lazily created state
        one(i)
    fds, conns = _open_fds(), _live_connections()
    for i in range(200):
        one(i)
    assert _open_fds() <= fds + 2
    assert _live_connections() <= conns


def test_fast_reader_is_installed_while_tls_is_active_and_hands_eof_to_python(
    server: TLSServer, cafile: str
) -> None:
    """Active TLS installs the engine's C reader; the peer's close_notify is not data, so
    the C pass stashes it and the Python loop finishes it (EOF, stash emptied)."""
    ctx = ps.stream_context_create({"ssl": {"cafile": cafile}})
    s = ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", None, None, 5, 4, ctx)
    assert isinstance(s, ps.Stream)
    conn = s.crypto
    assert conn.active and s._direct_fd == -1
    assert ps.fgets(s) == b"hello\n"
    assert ps.fread(s, 100) == b""
    assert ps.feof(s) is True
    assert conn._io.stashed == 0
    ps.fclose(s)


def test_callback_error_is_mirrored_for_the_c_reader() -> None:
    """The C reader keeps a read only while no callback has stored an exception."""
    conn = _tls.TLSConnection(ps._profiles.PHP_8_2, None)
    assert conn._io.callback_failed == 0
    conn.callback_error = RuntimeError("x")
    assert conn._io.callback_failed == 1
    with pytest.raises(RuntimeError):
        conn.reraise()
    assert conn._io.callback_failed == 0 and conn.callback_error is None


@requires_fast_paths
def test_cafile_store_is_shared_while_the_file_content_is_the_same(
    server: TLSServer, ca: Authority, certificate_factory: CertificateFactory, tmp_path: Path
) -> None:
    """Contexts with the same cafile bytes share one trust store; a rewritten file is
    loaded afresh (and verified against), as PHP's per-connect load would."""
    from phpstreams._native import lib

    path = tmp_path / "ca.pem"
    write_ca(ca, path)
    ctx = ps.stream_context_create({"ssl": {"cafile": str(path)}})

    def connect() -> tuple[Any, list[str]]:
        return collect(
            lambda: ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", None, None, 5, 4, ctx)
        )

    # The server handles one connection at a time: close each before the next.
    a, _ = connect()
    first = lib.SSL_CTX_get_cert_store(a.crypto.ctx)  # kept alive by the cache
    ps.fclose(a)
    b, _ = connect()
    assert lib.SSL_CTX_get_cert_store(b.crypto.ctx) == first
    ps.fclose(b)

    write_ca(certificate_factory.ca(), path)  # same inode, other CA
    result, msgs = connect()
    assert result is False
    assert msgs[0].endswith("error:0A000086:SSL routines::certificate verify failed")

    write_ca(ca, path)
    c, msgs = connect()
    assert isinstance(c, ps.Stream) and msgs == []
    ps.fclose(c)


def test_cafile_that_fails_to_load_is_not_remembered(server: TLSServer, tmp_path: Path) -> None:
    """A cafile OpenSSL cannot load takes PHP's fallback every time."""
    path = tmp_path / "not-a-ca.pem"
    path.write_bytes(b"no certificates here\n")
    ctx = ps.stream_context_create({"ssl": {"cafile": str(path)}})
    for _ in range(2):
        result, msgs = collect(
            lambda: ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", None, None, 5, 4, ctx)
        )
        assert result is False
        assert msgs[0] == f"no valid certs found cafile stream: `{path}'"
    assert str(path).encode() not in _tls.CAFILE_STORES._stores


@requires_fast_paths
def test_client_ssl_ctx_is_shared_between_equal_settings(server: TLSServer, cafile: str) -> None:
    """Equal client settings share one SSL_CTX; any difference gets another."""
    _tls.CLIENT_CONTEXTS.clear()
    uri = f"tls://127.0.0.1:{server.port}"

    def ctx_of(options: dict[str, Any]) -> Any:
        s = ps.stream_socket_client(uri, None, None, 5, 4, ps.stream_context_create(options))
        assert isinstance(s, SocketStream), options
        ctx = s.crypto.ctx
        ps.fclose(s)  # the server serves one connection at a time
        return ctx

    base = {"ssl": {"cafile": cafile}}
    first = ctx_of(base)
    assert ctx_of(base) is first
    assert ctx_of({"ssl": {"cafile": cafile, "peer_name": "localhost"}}) is first  # SSL-level
    assert ctx_of({"ssl": {"cafile": cafile, "ciphers": "HIGH"}}) is not first
    assert ctx_of({"ssl": {"cafile": cafile, "max_proto_version": 32}}) is not first
    assert ctx_of({"ssl": {"cafile": cafile, "alpn_protocols": "h2"}}) is not first
    unverified = ctx_of({"ssl": {"verify_peer": False}})
    assert unverified is not first
    assert ctx_of({"ssl": {"verify_peer": False, "cafile": "/nonexistent"}}) is unverified


@pytest.mark.parametrize(
    "ssl_options",
    [
        {"passphrase": "x"},  # the callback's userdata is the connection
        {"local_cert": "/nonexistent.pem"},  # files
        {"capath": "/nonexistent"},  # hash directory, filled lazily
        {},  # default verify paths (hash directory)
    ],
    ids=["passphrase", "local_cert", "capath", "default-paths"],
)
def test_client_ssl_ctx_is_not_shared_when_it_holds_changing_state(
    ssl_options: dict[str, Any], cafile: str
) -> None:
    conn = _tls.TLSConnection(ps_profile(), None)
    options = {"cafile": cafile, **ssl_options} if ssl_options else {}
    ctx = ps.stream_context_create({"ssl": options})
    conn.settings = resolve_ssl(ctx)
    assert _tls.CLIENT_CONTEXTS.key(conn, 0, 0, 0) is None


def ps_profile() -> Any:
    return ps._profiles.PHP_8_2


def test_client_setup_that_warns_is_not_shared(server: TLSServer, cafile: str) -> None:
    """Its warning comes back on every connect, as PHP's per-connect setup gives it."""
    ctx = ps.stream_context_create({"ssl": {"cafile": cafile, "security_level": 9}})
    for _ in range(2):
        result, msgs = collect(
            lambda: ps.stream_socket_client(f"tls://127.0.0.1:{server.port}", None, None, 5, 4, ctx)
        )
        assert msgs[0] == "stream_socket_client(): Security level must be between 0 and 5"
        if isinstance(result, ps.Stream):
            ps.fclose(result)


def test_reneg_bucket_uses_c_integer_division() -> None:
    """PHP refills ``elapsed * (limit / window)`` tokens with C long division."""
    assert [_tls._c_div(a, b) for a, b in [(2, 300), (7, 2), (-7, 2), (7, -2), (600, 300)]] == [
        0,
        3,
        -3,
        -3,
        2,
    ]
    with pytest.raises(ZeroDivisionError):  # PHP crashes (SIGFPE) on a window of 0
        _tls._c_div(2, 0)


def test_reneg_callback_that_cannot_be_called_gets_phps_error_text() -> None:
    assert _tls._invalid_callback(PHP_8_2, "nope") == (
        'Invalid callback nope, function "nope" not found or invalid function name'
    )
    assert _tls._invalid_callback(PHP_8_2, 5) == "Invalid callback, no array or string given"


@requires_fast_paths
def test_default_verify_paths_parse_the_bundle_once_per_content(
    server: TLSServer,
    ca: Authority,
    certificate_factory: CertificateFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without cafile/capath the default paths are used, as in PHP; the bundle's
    certificates come from a snapshot while its bytes are the same, and a rewritten
    bundle is loaded afresh."""
    bundle = tmp_path / "bundle.pem"
    write_ca(ca, bundle)
    empty_dir = tmp_path / "hashdir"
    empty_dir.mkdir()
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.setenv("SSL_CERT_DIR", str(empty_dir))
    _tls.DEFAULT_PATHS.clear()
    uri = f"tls://127.0.0.1:{server.port}"

    def connect() -> tuple[Any, list[str]]:
        return collect(lambda: ps.stream_socket_client(uri, None, None, 5))

    for _ in range(2):  # parsed, then from the snapshot
        s, msgs = connect()
        assert isinstance(s, ps.Stream) and msgs == []
        ps.fclose(s)
        assert str(bundle).encode() in _tls.DEFAULT_PATHS._snapshots

    write_ca(certificate_factory.ca(), bundle)  # same path, another CA
    result, msgs = connect()
    assert result is False
    assert msgs[0].endswith("error:0A000086:SSL routines::certificate verify failed")

    write_ca(ca, bundle)
    s, msgs = connect()
    assert isinstance(s, ps.Stream) and msgs == []
    ps.fclose(s)


@requires_fast_paths
def test_default_verify_paths_search_the_hash_directory_afresh(
    server: TLSServer,
    ca: Authority,
    certificate_factory: CertificateFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The snapshot covers the bundle only: a CA found in the hash directory is looked up
    per connection, so removing it takes effect at once (as with PHP's fresh store)."""
    bundle = tmp_path / "bundle.pem"
    write_ca(certificate_factory.ca(), bundle)  # some other CA
    hashdir = tmp_path / "hashdir"
    hashdir.mkdir()
    parsed = ps.openssl_x509_parse(Path(ca.cafile).read_text())
    assert isinstance(parsed, dict)
    hashed = hashdir / f"{parsed['hash']}.0"
    write_ca(ca, hashed)
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.setenv("SSL_CERT_DIR", str(hashdir))
    _tls.DEFAULT_PATHS.clear()
    uri = f"tls://127.0.0.1:{server.port}"

    for _ in range(2):
        s, msgs = collect(lambda: ps.stream_socket_client(uri, None, None, 5))
        assert isinstance(s, ps.Stream) and msgs == []
        ps.fclose(s)
    assert str(bundle).encode() in _tls.DEFAULT_PATHS._snapshots

    hashed.unlink()
    result, msgs = collect(lambda: ps.stream_socket_client(uri, None, None, 5))
    assert result is False
    assert msgs[0].endswith("error:0A000086:SSL routines::certificate verify failed")


class _FakeStream:
    def __init__(self) -> None:
        self.context = None
        self.notes: list[Any] = []


@pytest.mark.parametrize(
    ("limit", "window", "times", "trips_at"),
    [
        (2, 300, [100, 100, 100, 100], 3),  # 2 / 300 == 0: nothing ever drains
        (2, 300, [100, 5000, 9000, 20000], 3),  # ... however long the gaps
        (2, 1, [100, 100, 100, 100], 3),  # 2 tokens per second drain
        (2, 1, [100, 100, 101, 101, 102, 102], None),
        (0, 300, [100, 100], 1),  # the initial handshake is never limited
        (3, 2, [100, 100, 100, 100, 101, 101], 5),  # 3 / 2 == 1 token per second
    ],
)
def test_reneg_token_bucket(
    monkeypatch: pytest.MonkeyPatch,
    limit: int,
    window: int,
    times: list[int],
    trips_at: int | None,
) -> None:
    """php_openssl_limit_handshake_reneg's arithmetic, one handshake start per time."""

    conn = _tls.TLSConnection(ps._profiles.PHP_8_2, None)
    conn._reneg = _tls._RenegBucket(limit, window)
    stream = _FakeStream()
    conn._stream = lambda: stream  # type: ignore[assignment,return-value]
    tripped = None
    for i, now in enumerate(times):
        monkeypatch.setattr("phpstreams._tls.time.time", lambda now=now: float(now))
        _tls._limit_reneg(conn)
        if conn._io.should_close and tripped is None:
            tripped = i
    assert tripped == trips_at
    if trips_at is not None:
        assert [n.message for n in stream.notes][:1] == [
            "SSL: client-initiated handshake rate limit exceeded by peer"
        ]
