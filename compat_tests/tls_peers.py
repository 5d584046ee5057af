"""TLS peers and run-time certificates for the compat suite.

Certificates are generated once per session (``trustme``/``cryptography``) into the
peers' temp directory; both sides get their paths in ``PEER['certs']``:

    ca            the test CA (cafile for everything it issued)
    leaf          localhost, 127.0.0.1, ::1 (PEM: key + chain); leaf_cert / leaf_key split
    wronghost     SAN DNS foo.example only
    cnonly        no SAN at all, CN=example.com
    wildcard      SAN *.test.example
    expired       localhost/127.0.0.1, not_after in the past
    selfsigned    self-signed, SAN localhost/127.0.0.1
    unknownca     issued by a second CA nobody trusts
    client        a client certificate from the test CA (key + chain)
    other_ca      the second CA (for capath/cafile negative cases)
    encrypted     leaf with its key encrypted under the passphrase "secret"
    dh            DH parameters (PEM)

Peers (ports in ``PEER``), each a stdlib ``ssl`` server in threads:

    tls            leaf, TLS 1.2-1.3, then the control-command protocol of ``peers.py``
    tls12, tls13   pinned to one version, control protocol
    tls10          TLS 1.0 only at security level 0, control protocol
    tls_alpn       offers ALPN h2,http/1.1 (server preference), control protocol
    tls_wronghost, tls_cnonly, tls_wildcard, tls_expired, tls_selfsigned, tls_unknownca
    tls_clientcert requires a client certificate from the test CA
    tls_noclose    sends "hello\\n" and closes TCP without close_notify
    tls_reset      reads the ClientHello, then resets the connection
    smtp_tls       SMTP STARTTLS dance: 220, EHLO -> 250-STARTTLS, STARTTLS -> 220, TLS,
                   then 250 for each line, QUIT -> 221
"""

from __future__ import annotations

import contextlib
import datetime
import os
import socket
import ssl
import struct
import warnings
from collections.abc import Callable
from typing import Any

import trustme

from compat_tests.peers import DIAL_CERTS, Peers, control

__all__ = ["make_certs", "start_tls_peers"]


def make_certs(directory: str) -> dict[str, str]:
    ca = trustme.CA()
    other = trustme.CA()
    paths: dict[str, str] = {}

    def write(name: str, blob: Any) -> str:
        path = os.path.join(directory, f"{name}.pem")
        blob.write_to_path(path)
        paths[name] = path
        return path

    write("ca", ca.cert_pem)
    write("other_ca", other.cert_pem)
    leaf = ca.issue_cert("localhost", "127.0.0.1", "::1")
    write("leaf", leaf.private_key_and_cert_chain_pem)
    leaf.cert_chain_pems[0].write_to_path(os.path.join(directory, "leaf_cert.pem"))
    paths["leaf_cert"] = os.path.join(directory, "leaf_cert.pem")
    leaf.private_key_pem.write_to_path(os.path.join(directory, "leaf_key.pem"))
    paths["leaf_key"] = os.path.join(directory, "leaf_key.pem")
    write("wronghost", ca.issue_cert("foo.example").private_key_and_cert_chain_pem)
    write("wildcard", ca.issue_cert("*.test.example").private_key_and_cert_chain_pem)
    write(
        "expired",
        ca.issue_cert(
            "localhost",
            "127.0.0.1",
            not_after=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1),
        ).private_key_and_cert_chain_pem,
    )
    write("unknownca", other.issue_cert("localhost", "127.0.0.1").private_key_and_cert_chain_pem)
    write("client", ca.issue_cert("client@phpstreams.test").private_key_and_cert_chain_pem)
    paths.update(_crafted_certs(directory, ca))
    return paths


def _crafted_certs(directory: str, ca: trustme.CA) -> dict[str, str]:
    """Certificates trustme cannot make: CN-only, self-signed, encrypted key, DH params."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dh, ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = serialization.load_pem_private_key(ca.private_key_pem.bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate(ca.cert_pem.bytes())
    out: dict[str, str] = {}

    def build(
        subject_cn: str, san: list[x509.GeneralName] | None, issuer: Any, key: Any, signer: Any
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(signer, hashes.SHA256())

    def save(name: str, key: Any, cert: x509.Certificate, password: bytes | None = None) -> None:
        enc: Any = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc
        ) + cert.public_bytes(serialization.Encoding.PEM)
        path = os.path.join(directory, f"{name}.pem")
        with open(path, "wb") as f:
            f.write(pem)
        out[name] = path

    key = ec.generate_private_key(ec.SECP256R1())
    save("cnonly", key, build("example.com", None, ca_cert.subject, key, ca_key))
    key = ec.generate_private_key(ec.SECP256R1())
    self_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    import ipaddress

    san = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    save("selfsigned", key, build("localhost", san, self_name, key, key))
    key = ec.generate_private_key(ec.SECP256R1())
    save("encrypted", key, build("localhost", san, ca_cert.subject, key, ca_key), b"secret")
    # 1024 bits: fast to generate, and enough for OpenSSL's default security level.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # newer cryptography deprecates finite-field DH
        dh_pem = dh.generate_parameters(generator=2, key_size=1024).parameter_bytes(
            serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3
        )
    path = os.path.join(directory, "dh.pem")
    with open(path, "wb") as f:
        f.write(dh_pem)
    out["dh"] = path
    return out


# ---------------------------------------------------------------------------
# servers


def _context(
    certfile: str,
    *,
    minimum: ssl.TLSVersion | None = None,
    maximum: ssl.TLSVersion | None = None,
    seclevel0: bool = False,
    alpn: list[str] | None = None,
    client_ca: str | None = None,
) -> ssl.SSLContext:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if seclevel0:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        if minimum is not None:
            ctx.minimum_version = minimum
        if maximum is not None:
            ctx.maximum_version = maximum
    ctx.load_cert_chain(certfile)
    if alpn:
        ctx.set_alpn_protocols(alpn)
    if client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(client_ca)
    return ctx


def _tls_serve(
    ctx: ssl.SSLContext, after: Callable[[ssl.SSLSocket], None]
) -> Callable[[socket.socket], None]:
    def handler(conn: socket.socket) -> None:
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with tls:
            with contextlib.suppress(ssl.SSLError, OSError):
                after(tls)
            with contextlib.suppress(ssl.SSLError, OSError, ValueError):
                tls.unwrap()

    return handler


def _hello_noclose(tls: ssl.SSLSocket) -> None:
    tls.sendall(b"hello\n")
    # Close the TCP connection without close_notify.
    raw = socket.socket(fileno=os.dup(tls.fileno()))
    raw.shutdown(socket.SHUT_RDWR)
    raw.close()


def _reset_after_hello(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def _smtp_starttls(ctx: ssl.SSLContext) -> Callable[[socket.socket], None]:
    def handler(conn: socket.socket) -> None:
        conn.sendall(b"220 phpstreams ESMTP\r\n")
        f = conn.makefile("rb")
        while True:
            line = f.readline()
            if not line:
                return
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO"):
                conn.sendall(b"250-phpstreams\r\n250 STARTTLS\r\n")
            elif cmd == b"STARTTLS":
                conn.sendall(b"220 Ready to start TLS\r\n")
                break
            elif cmd == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with tls:
            _smtp_over_tls(tls)

    return handler


def _smtp_over_tls(tls: ssl.SSLSocket) -> None:
    with tls.makefile("rb") as tf:
        while True:
            line = tf.readline()
            if not line:
                return
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO"):
                tls.sendall(b"250-phpstreams\r\n250 AUTH PLAIN\r\n")
            elif cmd == b"QUIT":
                tls.sendall(b"221 bye\r\n")
                with contextlib.suppress(ssl.SSLError, OSError):
                    tls.unwrap()
                return
            else:
                tls.sendall(b"250 ok\r\n")


def start_tls_peers(peers: Peers) -> None:
    certs = make_certs(peers.tmpdir)
    peers.info["certs"] = certs
    DIAL_CERTS.update(certs)
    v = ssl.TLSVersion
    ctl = _tls_serve_control
    peers.tcp("tls", ctl(_context(certs["leaf"])))
    peers.tcp("tls12", ctl(_context(certs["leaf"], maximum=v.TLSv1_2)))
    peers.tcp("tls13", ctl(_context(certs["leaf"], minimum=v.TLSv1_3)))
    peers.tcp(
        "tls10",
        ctl(_context(certs["leaf"], minimum=v.TLSv1, maximum=v.TLSv1, seclevel0=True)),
    )
    peers.tcp("tls_alpn", ctl(_context(certs["leaf"], alpn=["h2", "http/1.1"])))
    for name in ("wronghost", "cnonly", "wildcard", "expired", "selfsigned", "unknownca"):
        peers.tcp(f"tls_{name}", ctl(_context(certs[name])))
    peers.tcp("tls_clientcert", ctl(_context(certs["leaf"], client_ca=certs["ca"])))
    peers.tcp("tls_noclose", _tls_serve(_context(certs["leaf"]), _hello_noclose))
    peers.tcp("tls_reset", _reset_after_hello)
    peers.tcp("smtp_tls", _smtp_starttls(_context(certs["leaf"])))
    if peers.ipv6:
        peers.tcp("tls6", ctl(_context(certs["leaf"])), host="::1")


def _tls_serve_control(ctx: ssl.SSLContext) -> Callable[[socket.socket], None]:
    return _tls_serve(ctx, lambda tls: control(tls))
