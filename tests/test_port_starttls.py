"""A line-by-line port of a small PHP SMTP client with STARTTLS (the shape of
PHPMailer's ``SMTP`` class: error handler pushed around socket calls, ``@fgets``,
``stream_socket_enable_crypto``), using only phpstreams' public API, against a
loopback SMTP peer. docs/migration.md walks through the same port.

The peer is phpstreams.testing's SMTP server with STARTTLS on 127.0.0.1:0 (the plugin's
``smtp_starttls_server`` fixture); every socket has a timeout and every loop a bound.
"""

from __future__ import annotations

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
from phpstreams.testing.certs import CertificateFactory
from phpstreams.testing.plugin import Endpoint

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
# the loopback peer: phpstreams.testing's SMTP server with STARTTLS (the plugin's
# ``smtp_starttls_server`` fixture, certificate for localhost/127.0.0.1 from its CA)


def test_starttls_session(smtp_starttls_server: Endpoint) -> None:
    """Greeting, EHLO, STARTTLS, EHLO again over TLS, QUIT: the whole PHPMailer
    sequence, with the certificate verified against the test CA."""
    peer = smtp_starttls_server
    smtp = SMTP()
    options = {"ssl": {"cafile": peer.cafile, "peer_name": "localhost"}}
    assert smtp.connect("tcp://127.0.0.1", peer.port, 5, options), smtp.error
    assert smtp.last_reply == "220 phpstreams ESMTP\r\n"
    assert smtp.hello("client.test")
    assert smtp.last_reply.splitlines()[-1] == "250 STARTTLS"
    assert smtp.start_tls(), smtp.error
    meta = stream_get_meta_data(smtp.smtp_conn)
    assert meta["crypto"]["protocol"] in ("TLSv1.2", "TLSv1.3")
    assert smtp.hello("client.test")
    assert smtp.last_reply.splitlines()[-1] == "250 AUTH PLAIN"
    assert smtp.quit()
    assert smtp.last_reply == "221 bye\r\n"
    assert smtp.error == {}


def test_untrusted_certificate(smtp_starttls_server: Endpoint, tmp_path: Path) -> None:
    """A CA that did not sign the peer: enable_crypto fails, and the error handler
    (not a Python warning) receives PHP's texts, as in PHPMailer."""
    other = CertificateFactory(tmp_path).ca().cafile
    smtp = SMTP()
    port = smtp_starttls_server.port
    assert smtp.connect("tcp://127.0.0.1", port, 5, {"ssl": {"cafile": str(other)}})
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


def test_connection_refused(refused_port: int) -> None:
    """A refused connect: the handler gets the warning, $errno/$errstr the reason."""
    smtp = SMTP()
    assert not smtp.connect("tcp://127.0.0.1", refused_port, 2)
    assert smtp.error == {
        "error": "Failed to connect to server",
        "detail": "111",
        "smtp_code": "Connection refused",
    }
