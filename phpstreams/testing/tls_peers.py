"""TLS peers: server contexts, handlers (well-behaved and misbehaving) and the compat
suite's standard TLS peer set.

Certificates are generated once per session (:mod:`phpstreams.testing.certs`, which needs
``cryptography``) into the peers' temp directory; both sides get their paths in
``PEER['certs']``:

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

The building blocks are public so a user's fixtures can serve other combinations:
:func:`server_context` (versions, ALPN, SNI certificates, client certificates) and the
handlers :func:`tls_control`, :func:`smtp_starttls` (:func:`starttls` for IMAP, POP3 and
FTP), and the misbehaving ones --
:func:`reset_after_client_hello`, :func:`reset_after_server_hello`,
:func:`reset_after_handshake`, :func:`half_record`, :func:`plaintext_reply`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import struct
import warnings
from collections.abc import Callable

from .peers import DIAL_CERTS, Handler, Peers, control

__all__ = [
    "make_certs",
    "server_context",
    "tls_handler",
    "tls_control",
    "smtp_starttls",
    "starttls",
    "start_tls_peers",
    "reset_after_client_hello",
    "reset_after_server_hello",
    "reset_after_handshake",
    "half_record",
    "plaintext_reply",
]


def make_certs(directory: str) -> dict[str, str]:
    """The compat suite's certificate set (see the module docstring) under ``directory``."""
    from .certs import CertificateFactory

    factory = CertificateFactory(directory)
    ca = factory.ca("ca")
    other = factory.ca("other_ca")
    paths = {"ca": ca.cafile, "other_ca": other.cafile}
    leaf = ca.issue("localhost", "127.0.0.1", "::1", name="leaf")
    paths.update(leaf=leaf.pem, leaf_cert=leaf.cert, leaf_key=leaf.key)
    paths["wronghost"] = ca.issue("foo.example", name="wronghost").pem
    paths["wildcard"] = ca.issue("*.test.example", name="wildcard").pem
    paths["expired"] = ca.issue("localhost", "127.0.0.1", expired=True, name="expired").pem
    paths["unknownca"] = other.issue("localhost", "127.0.0.1", name="unknownca").pem
    paths["client"] = ca.issue("client@phpstreams.test", name="client").pem
    paths["cnonly"] = ca.issue(cn="example.com", san=False, name="cnonly").pem
    paths["selfsigned"] = factory.self_signed(
        "localhost", "127.0.0.1", cn="localhost", name="selfsigned"
    ).pem
    paths["encrypted"] = ca.issue(
        "localhost", "127.0.0.1", cn="localhost", passphrase="secret", name="encrypted"
    ).pem
    paths["dh"] = factory.dh_params("dh")
    return paths


# ---------------------------------------------------------------------------
# servers


#: ``TLS1.0`` ... ``TLS1.3`` as the stdlib names them.
VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1,
    "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}


def server_context(
    certfile: str,
    *,
    versions: tuple[str | None, str | None] | str | None = None,
    alpn: list[str] | None = None,
    client_ca: str | None = None,
    sni: dict[str, str] | None = None,
    seclevel0: bool = False,
) -> ssl.SSLContext:
    """A server ``SSLContext`` serving ``certfile`` (key + chain PEM).

    ``versions``: one version (``"1.2"``) or a ``(min, max)`` pair, either end ``None``
    for the library default; a minimum of 1.0 or 1.1 turns on security level 0 so
    OpenSSL 3 still negotiates it. ``alpn``: the protocols offered
    (server preference). ``client_ca``: require a client certificate issued by that CA.
    ``sni``: server name -> certfile, switched to when the client sends that name."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if versions is not None:
            low, high = (versions, versions) if isinstance(versions, str) else versions
            seclevel0 = seclevel0 or low in ("1.0", "1.1")
            if seclevel0:
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            if low is not None:
                ctx.minimum_version = VERSIONS[low]
            if high is not None:
                ctx.maximum_version = VERSIONS[high]
        elif seclevel0:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.load_cert_chain(certfile)
    if alpn:
        ctx.set_alpn_protocols(alpn)
    if client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(client_ca)
    if sni:
        by_name = {name: server_context(path) for name, path in sni.items()}

        def pick(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
            if name in by_name:
                sock.context = by_name[name]

        ctx.sni_callback = pick
    return ctx


def tls_handler(ctx: ssl.SSLContext, after: Callable[[ssl.SSLSocket], None]) -> Handler:
    """Handshake as the server, run ``after`` on the TLS socket, then close cleanly."""

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


def tls_control(ctx: ssl.SSLContext) -> Handler:
    """TLS, then the control-command protocol of :mod:`phpstreams.testing.peers`."""
    return tls_handler(ctx, control)


def _hello_noclose(tls: ssl.SSLSocket) -> None:
    tls.sendall(b"hello\n")
    # Close the TCP connection without close_notify.
    raw = socket.socket(fileno=os.dup(tls.fileno()))
    raw.shutdown(socket.SHUT_RDWR)
    raw.close()


def _rst(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def _read_record(conn: socket.socket) -> bytes:
    """One whole TLS record (header + body) from ``conn``; b"" at EOF."""
    data = b""
    while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    return data


def reset_after_client_hello(conn: socket.socket) -> None:
    """Read the ClientHello, then reset the connection (RST)."""
    conn.recv(65536)
    _rst(conn)


def reset_after_server_hello(ctx: ssl.SSLContext) -> Handler:
    """Answer the ClientHello with the ServerHello record alone, then reset: the client
    fails mid-handshake, waiting for the rest of the server's flight. (OpenSSL writes
    each handshake message as its own record, so the first record is the ServerHello.)"""

    def handler(conn: socket.socket) -> None:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = ctx.wrap_bio(incoming, outgoing, server_side=True)
        hello = _read_record(conn)
        if not hello:
            return
        incoming.write(hello)
        with contextlib.suppress(ssl.SSLWantReadError, ssl.SSLError):
            tls.do_handshake()
        flight = outgoing.read()
        conn.sendall(flight[: 5 + int.from_bytes(flight[3:5], "big")])
        _rst(conn)

    return handler


def reset_after_handshake(ctx: ssl.SSLContext) -> Handler:
    """Complete the handshake, then reset before sending any application data."""

    def handler(conn: socket.socket) -> None:
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return
        raw = socket.socket(fileno=os.dup(tls.fileno()))
        tls.close()
        _rst(raw)

    return handler


def half_record(conn: socket.socket) -> None:
    """Read the ClientHello, answer with the first half of a handshake record, then hold
    the connection open without sending the rest: the client waits for the other half
    until its timeout (or until it closes)."""
    if not conn.recv(65536):
        return
    # A ServerHello record header announcing 64 bytes, followed by 10 of them.
    conn.sendall(bytes.fromhex("1603030040") + bytes.fromhex("02000040") + b"\0" * 6)
    while conn.recv(65536):
        pass


def plaintext_reply(conn: socket.socket) -> None:
    """Answer anything (a ClientHello, too) with a plaintext line: "wrong version number"."""
    conn.recv(65536)
    conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")


def smtp_starttls(ctx: ssl.SSLContext, *, banner: bytes = b"220 phpstreams ESMTP\r\n") -> Handler:
    """SMTP with STARTTLS: 220 greeting, ``EHLO`` -> ``250 STARTTLS``, ``STARTTLS`` -> 220
    and the TLS handshake, then 250 for every line and 221 for ``QUIT``."""

    def handler(conn: socket.socket) -> None:
        conn.sendall(banner)
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


#: STARTTLS dialogues other than SMTP: (greeting, command -> reply, reply to others).
#: The command that starts TLS is matched case-insensitively, a tag (IMAP) included.
_STARTTLS_DIALOGUES = {
    "imap": (
        b"* OK [CAPABILITY IMAP4rev1 STARTTLS] phpstreams ready\r\n",
        b"P1 STARTTLS",
        b"P1 OK Begin TLS negotiation now\r\n",
        b"* BAD unknown\r\n",
    ),
    "pop3": (
        b"+OK phpstreams POP3 ready\r\n",
        b"STLS",
        b"+OK Begin TLS negotiation\r\n",
        b"-ERR unknown\r\n",
    ),
    "ftp": (
        b"220 phpstreams FTP ready\r\n",
        b"AUTH TLS",
        b"234 AUTH TLS successful\r\n",
        b"500 unknown\r\n",
    ),
}


def starttls(protocol: str, ctx: ssl.SSLContext) -> Handler:
    """A STARTTLS server for ``smtp``, ``imap`` (``P1 STARTTLS``), ``pop3`` (``STLS``) or
    ``ftp`` (``AUTH TLS``): greeting, the upgrade command, the TLS handshake, then (over
    TLS) one "ok" line per line received until the client closes."""
    if protocol == "smtp":
        return smtp_starttls(ctx)
    greeting, command, reply, other = _STARTTLS_DIALOGUES[protocol]

    def handler(conn: socket.socket) -> None:
        conn.sendall(greeting)
        f = conn.makefile("rb")
        for _ in range(50):
            line = f.readline()
            if not line:
                return
            if line.strip().upper() == command:
                conn.sendall(reply)
                break
            conn.sendall(other)
        else:
            return
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with tls, tls.makefile("rb") as tf:
            for line in tf:
                tls.sendall(b"ok " + line.strip() + b"\r\n")

    return handler


def start_tls_peers(peers: Peers, certs: dict[str, str] | None = None) -> dict[str, str]:
    """Add the compat suite's TLS peers (module docstring) to ``peers``; certificates
    are made with :func:`make_certs` unless given. Returns the certificate paths."""
    certs = certs or make_certs(peers.tmpdir)
    peers.info["certs"] = certs
    DIAL_CERTS.update(certs)
    leaf = certs["leaf"]
    peers.tcp("tls", tls_control(server_context(leaf)))
    peers.tcp("tls12", tls_control(server_context(leaf, versions=(None, "1.2"))))
    peers.tcp("tls13", tls_control(server_context(leaf, versions="1.3")))
    peers.tcp("tls10", tls_control(server_context(leaf, versions="1.0")))
    peers.tcp("tls_alpn", tls_control(server_context(leaf, alpn=["h2", "http/1.1"])))
    for name in ("wronghost", "cnonly", "wildcard", "expired", "selfsigned", "unknownca"):
        peers.tcp(f"tls_{name}", tls_control(server_context(certs[name])))
    peers.tcp("tls_clientcert", tls_control(server_context(leaf, client_ca=certs["ca"])))
    peers.tcp("tls_noclose", tls_handler(server_context(leaf), _hello_noclose))
    peers.tcp("tls_reset", reset_after_client_hello)
    peers.tcp("smtp_tls", smtp_starttls(server_context(leaf)))
    if peers.ipv6:
        peers.tcp("tls6", tls_control(server_context(leaf)), host="::1")
    return certs
