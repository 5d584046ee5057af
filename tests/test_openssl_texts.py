"""Unit tests for :mod:`phpstreams._openssl_texts`: one queued OpenSSL 3 error rendered
as the OpenSSL of PHP 7.4 (1.1.1w), 8.2 (3.0) and 8.4 (3.5) prints it. Every expected
line was printed by the real PHP of that version (compat cases named in the comments)."""

from __future__ import annotations

import pytest

from phpstreams._openssl_texts import (
    FLAVOURS,
    QueuedError,
    ipv6_general_name_end,
    render,
    render_queue,
    system_error,
    x509_print_text,
    x509v3_ext_text,
)
from phpstreams._profiles import PROFILES


def ssl(func: str, reason: int, text: str) -> QueuedError:
    """An SSL-library error as the linked OpenSSL 3.0 reports it."""
    return QueuedError(20, reason, False, func, "SSL routines", text)


VERIFY = ssl("tls_post_process_server_certificate", 134, "certificate verify failed")
PROTO_ALERT = ssl("ssl3_read_bytes", 1070, "tlsv1 alert protocol version")
WRONG_VERSION = ssl("ssl3_get_record", 267, "wrong version number")
HANDSHAKE_ALERT = ssl("ssl3_read_bytes", 1040, "sslv3 alert handshake failure")
LEGACY_SIGALG = ssl("tls_process_key_exchange", 333, "legacy sigalg disallowed or unsupported")
BAD_MAC = ssl("ssl3_get_record", 281, "decryption failed or bad record mac")

CASES = [
    # tls_client/allow_self_signed
    (VERIFY, "1.1.1", "error:1416F086:SSL routines:tls_process_server_certificate:certificate verify failed"),
    (VERIFY, "3.0", "error:0A000086:SSL routines::certificate verify failed"),
    (VERIFY, "3.5", "error:0A000086:SSL routines::certificate verify failed"),
    # tls_client/wrapper_matrix_tls12
    (PROTO_ALERT, "1.1.1", "error:1409442E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version"),
    (PROTO_ALERT, "3.0", "error:0A00042E:SSL routines::tlsv1 alert protocol version"),
    # tls/seed_wrong_version_number
    (WRONG_VERSION, "1.1.1", "error:1408F10B:SSL routines:ssl3_get_record:wrong version number"),
    (WRONG_VERSION, "3.5", "error:0A00010B:SSL routines::wrong version number"),
    # tls_client/wrapper_matrix_tls10
    (
        ssl("ssl_choose_client_version", 258, "unsupported protocol"),
        "1.1.1",
        "error:1425F102:SSL routines:ssl_choose_client_version:unsupported protocol",
    ),
    # tls_server/crypto_method_tls12_server
    (
        ssl("tls_early_post_process_client_hello", 258, "unsupported protocol"),
        "1.1.1",
        "error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol",
    ),
    # tls_server/verify_peer_without_cafile
    (
        ssl("tls_process_client_certificate", 134, "certificate verify failed"),
        "1.1.1",
        "error:1417C086:SSL routines:tls_process_client_certificate:certificate verify failed",
    ),
    # tls_io/write_after_drop
    (
        ssl("ssl_write_internal", 207, "protocol is shutdown"),
        "1.1.1",
        "error:1420C0CF:SSL routines:ssl_write_internal:protocol is shutdown",
    ),
    # tls_client/clientcert_missing_tls12: 3.5 dropped "sslv3" from the alert texts
    (HANDSHAKE_ALERT, "1.1.1", "error:14094410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure"),
    (HANDSHAKE_ALERT, "3.0", "error:0A000410:SSL routines::sslv3 alert handshake failure"),
    (HANDSHAKE_ALERT, "3.5", "error:0A000410:SSL routines::ssl/tls alert handshake failure"),
    # tls_client/tlsv10_needs_security_level0: 1.1.1 failed the MD5-SHA1 signature as an
    # internal error of its key-exchange parser
    (LEGACY_SIGALG, "1.1.1", "error:1416D044:SSL routines:tls_process_key_exchange:internal error"),
    (LEGACY_SIGALG, "3.0", "error:0A00014D:SSL routines::legacy sigalg disallowed or unsupported"),
    # tls_io/recvfrom_raw_ciphertext
    (BAD_MAC, "1.1.1", "error:1408F119:SSL routines:ssl3_get_record:decryption failed or bad record mac"),
    # tls_io/write_after_close_notify (8.4)
    (system_error(32, "Broken pipe"), "3.5", "error:80000020:system library::Broken pipe"),
]  # fmt: skip


@pytest.mark.parametrize(("error", "flavour", "text"), CASES)
def test_render(error: QueuedError, flavour: str, text: str) -> None:
    """The line the flavour's ``ERR_error_string_n`` prints for the queued error."""
    assert render(flavour, error) == text


def test_unknown_texts_fall_back_like_openssl() -> None:
    """No lib or reason text: OpenSSL prints ``lib(N)`` / ``reason(N)``; a function 1.1.1
    had no code for keeps its name with code 0."""
    e = QueuedError(20, 4000, False, "some_new_function", None, None)
    assert render("3.0", e) == "error:0A000FA0:lib(20)::reason(4000)"
    assert render("1.1.1", e) == "error:14000FA0:lib(20):some_new_function:reason(4000)"


def test_35_record_layer_failure_follows_bad_mac() -> None:
    """tls_io/recvfrom_raw_ciphertext: 3.5 adds "record layer failure" after a bad MAC;
    3.0 and 1.1.1 print the one line."""
    assert render_queue("3.5", [BAD_MAC]) == [
        "error:0A000119:SSL routines::decryption failed or bad record mac",
        "error:0A000139:SSL routines::record layer failure",
    ]
    assert render_queue("3.0", [BAD_MAC]) == [render("3.0", BAD_MAC)]


def test_unknown_flavour() -> None:
    with pytest.raises(ValueError, match="flavour"):
        render("0.9.8", VERIFY)


def test_every_profile_names_a_flavour() -> None:
    """Each profile's ``openssl_texts`` is one this module renders."""
    assert {p.openssl_texts for p in PROFILES.values()} <= set(FLAVOURS)
    assert PROFILES["7.4"].openssl_texts == "1.1.1"
    assert PROFILES["8.2"].openssl_texts == "3.0"
    assert PROFILES["8.4"].openssl_texts == "3.5"


X509_TEXT_30 = (
    "        X509v3 extensions:\n"
    "            X509v3 Authority Key Identifier: \n"
    "                6B:97:E6:71\n"
    "            X509v3 Key Usage: critical\n"
    "                Digital Signature\n"
    "    Signature Algorithm: ecdsa-with-SHA256\n"
    "    Signature Value:\n"
    "        30:45:02:21\n"
    "        62:81\n"
)


def test_x509_print_111() -> None:
    """tls_client/x509_export_text: 1.1.1's keyid: prefix and signature layout."""
    assert x509_print_text("1.1.1", X509_TEXT_30) == (
        "        X509v3 extensions:\n"
        "            X509v3 Authority Key Identifier: \n"
        "                keyid:6B:97:E6:71\n"
        "\n"
        "            X509v3 Key Usage: critical\n"
        "                Digital Signature\n"
        "    Signature Algorithm: ecdsa-with-SHA256\n"
        "         30:45:02:21\n"
        "         62:81\n"
    )
    assert x509_print_text("3.5", X509_TEXT_30) == X509_TEXT_30


def test_x509v3_ext_text_akid() -> None:
    """openssl_x509_parse()['extensions']['authorityKeyIdentifier']: 7.4 (1.1.1) prints
    keyid:<hex> and a newline, 8.x the hex alone."""
    assert x509v3_ext_text("1.1.1", "authorityKeyIdentifier", "2B:96") == "keyid:2B:96\n"
    assert x509v3_ext_text("3.0", "authorityKeyIdentifier", "2B:96") == "2B:96"
    assert x509v3_ext_text("1.1.1", "subjectKeyIdentifier", "2B:96") == "2B:96"


def test_ipv6_general_name_end() -> None:
    """1.1.1's GENERAL_NAME_print ends an IPv6 address with a newline."""
    assert ipv6_general_name_end("1.1.1") == "\n"
    assert ipv6_general_name_end("3.0") == ipv6_general_name_end("3.5") == ""
