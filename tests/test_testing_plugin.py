"""The fixtures of ``phpstreams.testing`` (loaded by conftest.py): certificates, TLS
servers by version/ALPN/SNI/client certificate, SMTP STARTTLS and misbehaving peers,
each exercised with a phpstreams client (no PHP needed here; the plugin's ``.case``
collection against real PHP is tested in compat_tests/test_plugin.py)."""

from __future__ import annotations

import socket
import ssl
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

import phpstreams
from phpstreams import (
    STREAM_CLIENT_CONNECT,
    STREAM_CRYPTO_METHOD_TLS_CLIENT,
    PHPWarning,
    Ref,
    fclose,
    feof,
    fgets,
    fread,
    fwrite,
    stream_context_create,
    stream_get_meta_data,
    stream_socket_client,
    stream_socket_enable_crypto,
)
from phpstreams.testing.certs import CertificateFactory
from phpstreams.testing.plugin import Endpoint, LoopbackCerts

WAIT = 5


def tls_connect(
    url: str, ssl_options: dict[str, Any], timeout: float = WAIT
) -> tuple[Any, list[str], Any, Any]:
    """``stream_socket_client`` with warnings recorded: (stream, warnings, errno, errstr)."""
    ctx = stream_context_create({"ssl": ssl_options})
    errno, errstr = Ref(), Ref()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fp = stream_socket_client(url, errno, errstr, timeout, STREAM_CLIENT_CONNECT, ctx)
    texts = [str(w.message) for w in record if issubclass(w.category, PHPWarning)]
    return fp, texts, errno.value, errstr.value


def verified(endpoint: Endpoint, **extra: Any) -> dict[str, Any]:
    return {"cafile": endpoint.cafile, "peer_name": "localhost", **extra}


def protocol(fp: Any) -> str:
    return str(stream_get_meta_data(fp)["crypto"]["protocol"])


# ---------------------------------------------------------------------------
# certificates


def test_certificate_variants(certificate_factory: CertificateFactory) -> None:
    ca = certificate_factory.ca()
    leaf = ca.issue("localhost", "127.0.0.1", cn="leaf.example")
    san = leaf.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert san.value.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in san.value.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    cn = leaf.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert [a.value for a in cn] == ["leaf.example"]

    cn_only = ca.issue(cn="example.com", san=False)
    with pytest.raises(x509.ExtensionNotFound):
        cn_only.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)

    own = certificate_factory.self_signed("localhost")
    assert own.certificate.issuer == own.certificate.subject

    encrypted = ca.issue("localhost", passphrase="secret")
    with open(encrypted.key, "rb") as f:
        assert b"ENCRYPTED" in f.read()


def test_chain_through_an_intermediate_verifies(
    certificate_factory: CertificateFactory, tls_server: Callable[..., Endpoint]
) -> None:
    """The leaf's PEM carries the intermediate, so a client trusting only the root
    verifies it."""
    root = certificate_factory.ca()
    leaf = root.intermediate().issue("localhost", "127.0.0.1")
    server = tls_server(cert=leaf.pem)
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server, cafile=root.cafile))
    assert fp is not False, texts
    fclose(fp)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda f, ca: ca.issue("localhost", "127.0.0.1", expired=True), "certificate has expired"),
        (lambda f, ca: f.self_signed("localhost", "127.0.0.1"), "self-signed certificate"),
        (lambda f, ca: f.ca().issue("localhost", "127.0.0.1"), "unable to get local issuer"),
    ],
    ids=["expired", "selfsigned", "unknown_ca"],
)
def test_bad_certificates_fail_verification(
    certificate_factory: CertificateFactory,
    loopback_ca: Any,
    tls_server: Callable[..., Endpoint],
    make: Callable[[CertificateFactory, Any], Any],
    reason: str,
) -> None:
    server = tls_server(cert=make(certificate_factory, loopback_ca).pem)
    ctx = ssl.create_default_context(cafile=server.cafile)
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        with pytest.raises(ssl.SSLCertVerificationError) as exc:
            ctx.wrap_socket(sock, server_hostname="localhost")
    assert reason in str(exc.value.verify_message)
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server))
    assert fp is False
    assert any("certificate verify failed" in t for t in texts), texts


def test_wrong_host_fails_peer_name_check(
    loopback_ca: Any, tls_server: Callable[..., Endpoint]
) -> None:
    server = tls_server(cert=loopback_ca.issue("foo.example").pem)
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server))
    assert fp is False
    assert any("did not match expected name `localhost'" in t for t in texts), texts


# ---------------------------------------------------------------------------
# TLS servers


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_tls_server_pinned_version(tls_server: Callable[..., Endpoint], version: str) -> None:
    server = tls_server(versions=version)
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server))
    assert fp is not False, texts
    assert protocol(fp) == f"TLSv{version}"
    fclose(fp)


def test_tls_server_alpn(tls_server: Callable[..., Endpoint]) -> None:
    server = tls_server(alpn=["h2", "http/1.1"])
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server, alpn_protocols="http/1.1"))
    assert fp is not False, texts
    assert stream_get_meta_data(fp)["crypto"]["alpn_protocol"] == "http/1.1"
    fclose(fp)


def test_tls_server_sni(loopback_ca: Any, tls_server: Callable[..., Endpoint]) -> None:
    """The server switches certificates on the name the client sends."""
    other = loopback_ca.issue("other.test")
    server = tls_server(sni={"other.test": other.pem})
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server, peer_name="other.test"))
    assert fp is not False, texts
    fclose(fp)
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server, peer_name="localhost"))
    assert fp is not False, texts
    fclose(fp)


def test_tls_server_requires_client_certificate(
    loopback_certs: LoopbackCerts, tls_server: Callable[..., Endpoint]
) -> None:
    server = tls_server(client_ca=loopback_certs.cafile)
    fp, _, _, _ = tls_connect(
        server.url("tls"), verified(server, local_cert=loopback_certs.client.pem)
    )
    assert fp is not False
    fwrite(fp, "SEND 2\n")
    assert fread(fp, 2) == b"xx"
    fclose(fp)
    # Without one the server refuses: with TLS 1.3 the client's handshake may finish
    # first, and the refusal (alert or reset) then surfaces on the first write or read.
    fp, _, _, _ = tls_connect(server.url("tls"), verified(server))
    data: Any = False
    if fp is not False:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            fwrite(fp, "SEND 2\n")
            data = fread(fp, 2)
        fclose(fp)
    assert data in (b"", False)


def test_smtp_starttls(smtp_starttls_server: Endpoint) -> None:
    ctx = stream_context_create({"ssl": verified(smtp_starttls_server)})
    fp = stream_socket_client(
        smtp_starttls_server.url("tcp"), None, None, WAIT, STREAM_CLIENT_CONNECT, ctx
    )
    assert fgets(fp) == b"220 phpstreams ESMTP\r\n"
    fwrite(fp, "EHLO test\r\n")
    assert [fgets(fp), fgets(fp)] == [b"250-phpstreams\r\n", b"250 STARTTLS\r\n"]
    fwrite(fp, "STARTTLS\r\n")
    assert fgets(fp) == b"220 Ready to start TLS\r\n"
    assert stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT) is True
    fwrite(fp, "QUIT\r\n")
    assert fgets(fp) == b"221 bye\r\n"
    fclose(fp)


# ---------------------------------------------------------------------------
# misbehaving peers


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("refused", "Connection refused"),
        # The reset can race the client's connect check: when it lands before
        # the client reads SO_ERROR, PHP (and we) report it as a connect failure.
        ("reset_on_accept", ("Failed to enable crypto", "(Connection reset by peer)")),
        ("reset_after_client_hello", "Failed to enable crypto"),
        ("reset_after_server_hello", "Failed to enable crypto"),
        ("plaintext", "wrong version number"),
        ("half_record", "Failed to enable crypto"),
        ("silent", "Failed to enable crypto"),
    ],
)
def test_misbehaving_tls_handshakes_fail(
    misbehaving_server: Callable[..., Endpoint], kind: str, expected: str | tuple[str, ...]
) -> None:
    server = misbehaving_server(kind)
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server), timeout=0.5)
    assert fp is False
    accepted = (expected,) if isinstance(expected, str) else expected
    assert any(e in t for t in texts for e in accepted), texts


def test_reset_after_handshake(misbehaving_server: Callable[..., Endpoint]) -> None:
    """The handshake succeeds; the first read sees the reset."""
    server = misbehaving_server("reset_after_handshake")
    fp, texts, _, _ = tls_connect(server.url("tls"), verified(server))
    assert fp is not False, texts
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert fread(fp, 10) in (b"", False)
    fclose(fp)


@pytest.mark.parametrize("kind", ["slow_body", "tls_slow_body"])
def test_slow_body_arrives_whole(misbehaving_server: Callable[..., Endpoint], kind: str) -> None:
    server = misbehaving_server(kind, body=b"0123456789", interval=0.001)
    if kind == "tls_slow_body":
        fp, texts, _, _ = tls_connect(server.url("tls"), verified(server))
        assert fp is not False, texts
    else:
        fp = stream_socket_client(server.url("tcp"), None, None, WAIT)
    data = b""
    for _ in range(100):  # bounded: each read returns at least one byte until EOF
        chunk = fread(fp, 100)
        if isinstance(chunk, bytes):
            data += chunk
        if feof(fp):
            break
    assert data == b"0123456789"
    fclose(fp)


def test_misbehaving_server_names_unknown_kinds(
    misbehaving_server: Callable[..., Endpoint],
) -> None:
    with pytest.raises(ValueError, match="unknown misbehaviour 'rude'"):
        misbehaving_server("rude")


def test_loopback_peers_serve_own_handlers(loopback_peers: Any) -> None:
    def hello(conn: socket.socket) -> None:
        conn.sendall(b"hello\n")

    port = loopback_peers.tcp("hello", hello)
    fp = stream_socket_client(f"tcp://127.0.0.1:{port}", None, None, WAIT)
    assert fgets(fp) == b"hello\n"
    fclose(fp)


def test_imports_need_neither_cryptography_nor_pytest_until_used() -> None:
    """``import phpstreams.testing`` pulls in no pytest; the plugin, the peers and the
    TLS peers import without cryptography (only certificates need it)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.modules['cryptography'] = None\n"
        "import phpstreams.testing, phpstreams.testing.peers, phpstreams.testing.tls_peers\n"
        "assert 'pytest' not in sys.modules, 'pytest imported'\n"
        "import phpstreams.testing.plugin\n"
        "assert 'php_runner' in dir(phpstreams.testing.plugin)\n"
        "try:\n"
        "    import phpstreams.testing.certs\n"
        "except ImportError:\n"
        "    print('certs need cryptography')\n"
    )
    # Run where the phpstreams this process imported lives (installed or in place).
    package_root = Path(phpstreams.__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=package_root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "certs need cryptography\n"


def test_hermetic_namespace_sees_hosts_files_only() -> None:
    """Inside the wrapper /etc/nsswitch.conf looks host names up in files only (checked
    by reading it: no name is looked up); the machine's file is unchanged."""
    import subprocess

    from phpstreams.testing.hermetic import NSSWITCH, hermetic_argv, verify

    verify()  # raises HermeticError when the namespace does not work
    before = NSSWITCH.read_bytes()
    inside = subprocess.run(
        hermetic_argv(["cat", str(NSSWITCH)]), capture_output=True, text=True, timeout=30
    )
    assert inside.returncode == 0, inside.stderr
    hosts = [line for line in inside.stdout.splitlines() if line.startswith("hosts:")]
    assert hosts == ["hosts: files"]
    others = [line for line in before.decode().splitlines() if not line.startswith("hosts:")]
    assert [line for line in inside.stdout.splitlines() if line != "hosts: files"] == others
    assert NSSWITCH.read_bytes() == before
