"""A line-by-line port of a small PHP SMTP client with STARTTLS (the shape of
PHPMailer's ``SMTP`` class: error handler pushed around socket calls, ``@fgets``,
``stream_socket_enable_crypto``), using only phpstreams' public API, against a
loopback SMTP peer. docs/migration.md walks through the same port.

The peer is a stdlib server on 127.0.0.1:0 with a run-time certificate for
"localhost"; every socket has a timeout and every loop a bound.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phpstreams import (
    E_WARNING,
    STREAM_CLIENT_CONNECT,
    Ref,
    STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT,
    STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT,
    error_get_last,
    fclose,
    fgets,
    fwrite,
    is_resource,
    restore_error_handler,
    set_error_handler,
    silenced,
    stream_context_create,
    stream_get_meta_data,
    stream_set_timeout,
    stream_socket_client,
    stream_socket_enable_crypto,
)
from phpstreams.testing.certs import Authority, CertificateFactory

pytestmark = pytest.mark.usefixtures("php_runtime")

CRLF = "\r\n"


class SMTP:
    """The PHP class, ported. PHP strings are bytes; the protocol text is ASCII, so
    replies are decoded as Latin-1 (every byte one character, round-trips)."""

    def __init__(self) -> None:
        self.smtp_conn: Any = None
        self.error: dict[str, Any] = {}
        self.last_reply = ""

    # PHP: protected function errorHandler($errno, $errmsg, $errfile = '', $errline = 0)
    def error_handler(self, errno: int, errmsg: str, errfile: str = "", errline: int = 0) -> bool:
        self.set_error("Connection failed.", str(errno), errmsg)
        return True

    def set_error(self, message: str, detail: str = "", smtp_code: str = "") -> None:
        self.error = {"error": message, "detail": detail, "smtp_code": smtp_code}

    def connect(self, host: str, port: int, timeout: float = 30, options: Any = None) -> bool:
        # $errno = 0; $errstr = '';
        errno, errstr = Ref(0), Ref("")
        socket_context = stream_context_create(options or {})
        # set_error_handler([$this, 'errorHandler']);
        set_error_handler(self.error_handler)
        self.smtp_conn = stream_socket_client(
            f"{host}:{port}", errno, errstr, timeout, STREAM_CLIENT_CONNECT, socket_context
        )
        restore_error_handler()
        if not is_resource(self.smtp_conn):
            self.set_error("Failed to connect to server", str(errno.value), str(errstr.value))
            return False
        stream_set_timeout(self.smtp_conn, timeout, 0)
        self.last_reply = self.get_lines()
        return self.last_reply.startswith("220")

    def hello(self, host: str) -> bool:
        return self.send_command("EHLO", f"EHLO {host}", 250)

    def start_tls(self) -> bool:
        if not self.send_command("STARTTLS", "STARTTLS", 220):
            return False
        crypto_method = STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT | STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT
        set_error_handler(self.error_handler)
        crypto_ok = stream_socket_enable_crypto(self.smtp_conn, True, crypto_method)
        restore_error_handler()
        return bool(crypto_ok)

    def send_command(self, command: str, commandstring: str, expect: int) -> bool:
        fwrite(self.smtp_conn, commandstring + CRLF)
        self.last_reply = self.get_lines()
        code = int(self.last_reply[:3]) if self.last_reply[:3].isdigit() else 0
        if code != expect:
            self.set_error(f"{command} command failed", self.last_reply, str(code))
            return False
        return True

    def get_lines(self) -> str:
        data = ""
        for _ in range(100):  # PHP: while (is_resource($this->smtp_conn) && !feof(...))
            # $str = @fgets($this->smtp_conn, self::MAX_REPLY_LENGTH);
            line = silenced(fgets, self.smtp_conn, 515)
            if not isinstance(line, bytes):  # PHP: $str === false (typed: bytes|bool)
                break
            text = line.decode("latin-1")
            data += text
            # if (!isset($str[3]) || $str[3] === ' ' || ...) break;
            if len(text) < 4 or text[3] == " ":
                break
            if stream_get_meta_data(self.smtp_conn)["timed_out"]:
                break
        return data

    def quit(self) -> bool:
        ok = self.send_command("QUIT", "QUIT", 221)
        self.close()
        return ok

    def close(self) -> None:
        if is_resource(self.smtp_conn):
            fclose(self.smtp_conn)
        self.smtp_conn = None


# ---------------------------------------------------------------------------
# the loopback peer


class SMTPPeer:
    """220 greeting; EHLO -> 250-STARTTLS; STARTTLS -> 220 and a TLS handshake;
    over TLS: EHLO -> 250-AUTH, QUIT -> 221. Records what it saw."""

    def __init__(self, ctx: ssl.SSLContext) -> None:
        self.ctx = ctx
        self.seen: list[str] = []
        self.tls_version: str | None = None
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(5)
        with contextlib.suppress(OSError), self.listener:
            conn, _ = self.listener.accept()
            conn.settimeout(5)
            with contextlib.suppress(OSError, ssl.SSLError), conn:
                self._dialogue(conn)

    def _dialogue(self, conn: socket.socket) -> None:
        conn.sendall(b"220 localhost ESMTP test\r\n")
        plain = conn.makefile("rb")
        for _ in range(20):
            cmd = plain.readline().strip().decode()
            self.seen.append(cmd)
            if cmd.startswith("EHLO"):
                conn.sendall(b"250-localhost\r\n250-SIZE 1000\r\n250 STARTTLS\r\n")
            elif cmd == "STARTTLS":
                conn.sendall(b"220 Ready to start TLS\r\n")
                break
            else:
                conn.sendall(b"500 unexpected\r\n")
                return
        with self.ctx.wrap_socket(conn, server_side=True) as tls:
            self.tls_version = tls.version()
            secure = tls.makefile("rb")
            for _ in range(20):
                cmd = secure.readline().strip().decode()
                self.seen.append("TLS " + cmd)
                if cmd.startswith("EHLO"):
                    tls.sendall(b"250-localhost\r\n250 AUTH PLAIN\r\n")
                elif cmd == "QUIT":
                    tls.sendall(b"221 bye\r\n")
                    return
                else:
                    tls.sendall(b"500 unexpected\r\n")


@pytest.fixture(scope="module")
def factory(tmp_path_factory: pytest.TempPathFactory) -> CertificateFactory:
    return CertificateFactory(tmp_path_factory.mktemp("smtp"))


@pytest.fixture(scope="module")
def ca(factory: CertificateFactory) -> Authority:
    return factory.ca()


@pytest.fixture(scope="module")
def cafile(ca: Authority) -> str:
    return ca.cafile


@pytest.fixture
def peer(ca: Authority) -> Iterator[SMTPPeer]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf = ca.issue("localhost")
    ctx.load_cert_chain(leaf.chain, leaf.key)
    p = SMTPPeer(ctx)
    yield p
    p.thread.join(10)


def test_starttls_session(peer: SMTPPeer, cafile: str) -> None:
    """Greeting, EHLO, STARTTLS, EHLO again over TLS, QUIT: the whole PHPMailer
    sequence, with the certificate verified against the test CA."""
    smtp = SMTP()
    options = {"ssl": {"cafile": cafile, "peer_name": "localhost"}}
    assert smtp.connect("tcp://127.0.0.1", peer.port, 5, options), smtp.error
    assert smtp.last_reply == "220 localhost ESMTP test\r\n"
    assert smtp.hello("client.test")
    assert smtp.last_reply.splitlines()[-1] == "250 STARTTLS"
    assert smtp.start_tls(), smtp.error
    meta = stream_get_meta_data(smtp.smtp_conn)
    assert meta["crypto"]["protocol"] in ("TLSv1.2", "TLSv1.3")
    assert smtp.hello("client.test")
    assert smtp.last_reply.splitlines()[-1] == "250 AUTH PLAIN"
    assert smtp.quit()
    assert smtp.error == {}
    assert peer.seen == ["EHLO client.test", "STARTTLS", "TLS EHLO client.test", "TLS QUIT"]
    assert peer.tls_version == meta["crypto"]["protocol"]


def test_untrusted_certificate(peer: SMTPPeer, tmp_path: Path) -> None:
    """A CA that did not sign the peer: enable_crypto fails, and the error handler
    (not a Python warning) receives PHP's texts, as in PHPMailer."""
    other = CertificateFactory(tmp_path).ca().cafile
    smtp = SMTP()
    assert smtp.connect("tcp://127.0.0.1", peer.port, 5, {"ssl": {"cafile": str(other)}})
    assert smtp.hello("client.test")
    assert not smtp.start_tls()
    assert smtp.error["error"] == "Connection failed."
    assert smtp.error["detail"] == str(E_WARNING)
    # PHP 8.2 says exactly this (checked with php -n against the same kind of peer)
    assert smtp.error["smtp_code"] == (
        "stream_socket_enable_crypto(): SSL operation failed with code 1. "
        "OpenSSL Error messages:\nerror:0A000086:SSL routines::certificate verify failed"
    )
    assert error_get_last() is None  # the handler took every diagnostic
    smtp.close()


def test_connection_refused() -> None:
    """A refused connect: the handler gets the warning, $errno/$errstr the reason."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    smtp = SMTP()
    assert not smtp.connect("tcp://127.0.0.1", port, 2)
    assert smtp.error == {
        "error": "Failed to connect to server",
        "detail": "111",
        "smtp_code": "Connection refused",
    }
