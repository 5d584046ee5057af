"""Unit tests for :mod:`phpstreams._profiles` and :mod:`phpstreams._constants`: the PHP
8.2 profile's constant values, message templates, ini defaults and switches, and the
public constants re-exported by :mod:`phpstreams`."""

from __future__ import annotations

import dataclasses

import pytest

import phpstreams
from phpstreams._profiles import PHP_8_2, PROFILES, Profile, get_profile

# Values PHP 8.2.36 reports (php-semantics.md section 4.2 and its constant list).
CONSTANTS_8_2 = [
    ("STREAM_CRYPTO_METHOD_SSLv2_CLIENT", 3),
    ("STREAM_CRYPTO_METHOD_SSLv3_CLIENT", 5),
    ("STREAM_CRYPTO_METHOD_SSLv23_CLIENT", 57),
    ("STREAM_CRYPTO_METHOD_TLS_CLIENT", 121),
    ("STREAM_CRYPTO_METHOD_TLSv1_0_CLIENT", 9),
    ("STREAM_CRYPTO_METHOD_TLSv1_1_CLIENT", 17),
    ("STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT", 33),
    ("STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT", 65),
    ("STREAM_CRYPTO_METHOD_ANY_CLIENT", 127),
    ("STREAM_CRYPTO_METHOD_SSLv2_SERVER", 2),
    ("STREAM_CRYPTO_METHOD_SSLv3_SERVER", 4),
    ("STREAM_CRYPTO_METHOD_SSLv23_SERVER", 120),
    ("STREAM_CRYPTO_METHOD_TLS_SERVER", 120),
    ("STREAM_CRYPTO_METHOD_TLSv1_0_SERVER", 8),
    ("STREAM_CRYPTO_METHOD_TLSv1_1_SERVER", 16),
    ("STREAM_CRYPTO_METHOD_TLSv1_2_SERVER", 32),
    ("STREAM_CRYPTO_METHOD_TLSv1_3_SERVER", 64),
    ("STREAM_CRYPTO_METHOD_ANY_SERVER", 126),
    ("STREAM_CRYPTO_PROTO_SSLv3", 4),
    ("STREAM_CRYPTO_PROTO_TLSv1_0", 8),
    ("STREAM_CRYPTO_PROTO_TLSv1_1", 16),
    ("STREAM_CRYPTO_PROTO_TLSv1_2", 32),
    ("STREAM_CRYPTO_PROTO_TLSv1_3", 64),
    ("STREAM_CLIENT_PERSISTENT", 1),
    ("STREAM_CLIENT_ASYNC_CONNECT", 2),
    ("STREAM_CLIENT_CONNECT", 4),
    ("STREAM_SERVER_BIND", 4),
    ("STREAM_SERVER_LISTEN", 8),
    ("STREAM_SHUT_RD", 0),
    ("STREAM_SHUT_WR", 1),
    ("STREAM_SHUT_RDWR", 2),
    ("STREAM_PF_INET", 2),
    ("STREAM_PF_INET6", 10),
    ("STREAM_PF_UNIX", 1),
    ("STREAM_SOCK_STREAM", 1),
    ("STREAM_SOCK_DGRAM", 2),
    ("STREAM_IPPROTO_TCP", 6),
    ("STREAM_IPPROTO_UDP", 17),
    ("STREAM_OOB", 1),
    ("STREAM_PEEK", 2),
    ("FILE_NO_DEFAULT_CONTEXT", 16),
    ("E_WARNING", 2),
    ("E_NOTICE", 8),
    ("E_DEPRECATED", 8192),
    ("E_ALL", 32767),
    ("PHP_INT_MAX", 2**63 - 1),
    ("PHP_INT_MIN", -(2**63)),
    ("PHP_INT_SIZE", 8),
]

PROTOCOLS = ["SSLv2", "SSLv3", "SSLv23", "TLS", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3", "ANY"]


class TestConstants:
    @pytest.mark.parametrize(("name", "value"), CONSTANTS_8_2, ids=[n for n, _ in CONSTANTS_8_2])
    def test_profile_value(self, name: str, value: int) -> None:
        """Each constant has PHP 8.2's value (TLS_CLIENT includes TLS 1.3, SSLv23 not)."""
        assert PHP_8_2.constants[name] == value

    @pytest.mark.parametrize("name", sorted(PHP_8_2.constants))
    def test_module_constant_equals_profile(self, name: str) -> None:
        """phpstreams exports every profile constant under its PHP name, same value."""
        assert getattr(phpstreams, name) == PHP_8_2.constants[name]
        assert name in phpstreams.__all__

    def test_string_constant(self) -> None:
        """OPENSSL_DEFAULT_STREAM_CIPHERS is the profile's cipher string."""
        ciphers = phpstreams.OPENSSL_DEFAULT_STREAM_CIPHERS
        assert ciphers == PHP_8_2.string_constants["OPENSSL_DEFAULT_STREAM_CIPHERS"]
        assert ciphers.startswith("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:")
        assert ciphers.endswith(":HIGH:!SSLv2:!aNULL:!eNULL:!EXPORT:!DES:!MD5:!RC4:!ADH")

    @pytest.mark.parametrize("proto", [p for p in PROTOCOLS if p not in ("SSLv23", "TLS", "ANY")])
    def test_client_is_server_plus_one(self, proto: str) -> None:
        """Bit 0 means "client": every *_CLIENT constant is its *_SERVER value + 1."""
        c = PHP_8_2.constants
        client = c[f"STREAM_CRYPTO_METHOD_{proto}_CLIENT"]
        server = c[f"STREAM_CRYPTO_METHOD_{proto}_SERVER"]
        assert client == server | 1 == server + 1

    @pytest.mark.parametrize("proto", ["SSLv3", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"])
    def test_proto_is_server_bit(self, proto: str) -> None:
        """STREAM_CRYPTO_PROTO_* are the bare protocol bits, equal to the *_SERVER values."""
        c = PHP_8_2.constants
        assert c[f"STREAM_CRYPTO_PROTO_{proto}"] == c[f"STREAM_CRYPTO_METHOD_{proto}_SERVER"]

    def test_sslv23_client_is_not_server_plus_one(self) -> None:
        """The quirk kept since 7.4: SSLv23_CLIENT (57) lacks the TLS 1.3 bit that
        SSLv23_SERVER (120) has."""
        c = PHP_8_2.constants
        assert c["STREAM_CRYPTO_METHOD_SSLv23_CLIENT"] == 57
        assert c["STREAM_CRYPTO_METHOD_SSLv23_SERVER"] == 120
        assert not c["STREAM_CRYPTO_METHOD_SSLv23_CLIENT"] & c["STREAM_CRYPTO_PROTO_TLSv1_3"]

    def test_constants_are_read_only(self) -> None:
        """The profile's constant table cannot be changed at run time."""
        with pytest.raises(TypeError):
            PHP_8_2.constants["STREAM_SHUT_RD"] = 5  # type: ignore[index]


class TestMessages:
    @pytest.mark.parametrize(
        ("key", "args", "text"),
        [
            ("parse_address", {"address": "x"}, 'Failed to parse address "x"'),
            ("parse_ipv6_address", {"address": "[ "}, 'Failed to parse IPv6 address "[ "'),
            ("hostname_nul", {}, "The hostname must not contain null bytes"),
            (
                "getaddrinfo_failed",
                {"host": "h", "reason": "Name or service not known"},
                "php_network_getaddresses: getaddrinfo for h failed: Name or service not known",
            ),
            ("invalid_ip", {"address": "notanip"}, "Invalid IP Address: notanip"),
            ("bindto_not_string", {}, "local_addr context option is not a string."),
            (
                "fsockopen_failed",
                {"host": "127.0.0.1", "port": -1, "reason": "r"},
                "Unable to connect to 127.0.0.1:-1 (r)",
            ),
            (
                "client_failed",
                {"address": "tcp://a:1", "reason": "r"},
                "Unable to connect to tcp://a:1 (r)",
            ),
            (
                "server_failed",
                {"address": "tcp://a:1", "reason": "r"},
                "Unable to connect to tcp://a:1 (r)",
            ),
            (
                "accept_failed",
                {"reason": "Connection timed out"},
                "Accept failed: Connection timed out",
            ),
            ("unknown_error", {}, "Unknown error"),
            (
                "send_failed",
                {"count": 1, "errno": 32, "reason": "Broken pipe"},
                "Send of 1 bytes failed with errno=32 Broken pipe",
            ),
            (
                "unix_server_create_failed",
                {"kind": "datagram", "reason": "Permission denied"},
                "Failed to create unixdatagram socket Permission denied",
            ),
        ],
        ids=lambda v: v if isinstance(v, str) and v.isidentifier() else "",
    )
    def test_render(self, key: str, args: dict[str, object], text: str) -> None:
        """Templates render to PHP 8.2's exact text (8.0+ capitalisation)."""
        assert PHP_8_2.msg(key, **args) == text

    def test_missing_field_is_an_error(self) -> None:
        """Rendering without a required field raises rather than printing a placeholder."""
        with pytest.raises(KeyError):
            PHP_8_2.msg("parse_address")

    def test_unknown_key(self) -> None:
        """Asking for a message the profile does not have is a KeyError."""
        with pytest.raises(KeyError):
            PHP_8_2.msg("no_such_message")


class TestProfile:
    def test_get_profile(self) -> None:
        """get_profile("8.2") returns the 8.2 profile; 7.4 and 8.4 are registered beside it."""
        assert get_profile("8.2") is PHP_8_2
        assert PROFILES["8.2"] is PHP_8_2
        assert list(PROFILES) == ["7.4", "8.2", "8.4"]

    @pytest.mark.parametrize("version", ["7.3", "8.3", "8", "", "8.2.36"])
    def test_get_profile_unknown(self, version: str) -> None:
        """An unknown version is a ValueError that lists the known ones."""
        with pytest.raises(ValueError) as info:
            get_profile(version)
        assert str(info.value) == f"no PHP profile {version!r} (known: 7.4, 8.2, 8.4)"

    def test_identity(self) -> None:
        """The profile emulates PHP 8.2.36."""
        assert PHP_8_2.version == "8.2"
        assert PHP_8_2.version_id == 80236

    def test_switches(self) -> None:
        """8.2's variant of each version-dependent rule."""
        assert PHP_8_2.fread_blocks_when_buffered is True  # bug #51056 fixed only in 8.3
        assert PHP_8_2.rejects_nul_in_hostname is True  # 8.2.29+
        assert PHP_8_2.cn_fallback_with_dns_san is False  # 8.2.36 security release
        assert PHP_8_2.accept_crypto_failure_errstr == "Success"  # strerror(0) until 8.3.26

    def test_numbers(self) -> None:
        """Chunk size, default backlog, sun_path size and verify depth."""
        assert PHP_8_2.chunk_size == 8192
        assert PHP_8_2.default_backlog == 32
        assert PHP_8_2.unix_path_max == 108
        assert PHP_8_2.default_verify_depth == 9

    def test_transports(self) -> None:
        """Registry order: the core transports, then ext/openssl's (no sslv3, no sslv2)."""
        assert PHP_8_2.core_transports == ("tcp", "udp", "unix", "udg")
        assert PHP_8_2.tls_transports == (
            "ssl",
            "tls",
            "tlsv1.0",
            "tlsv1.1",
            "tlsv1.2",
            "tlsv1.3",
        )

    @pytest.mark.parametrize(
        ("name", "default", "changeable"),
        [
            ("default_socket_timeout", "60", True),
            ("openssl.cafile", None, False),
            ("openssl.capath", None, False),
            ("auto_detect_line_endings", "0", True),
            ("max_execution_time", "0", True),
            ("disable_functions", "", False),
        ],
    )
    def test_ini_defaults(self, name: str, default: str | None, changeable: bool) -> None:
        """ini defaults as strings (None for PHP's NULL); openssl.* are PHP_INI_PERDIR
        and disable_functions PHP_INI_SYSTEM (not ini_set-able)."""
        entry = PHP_8_2.ini_defaults[name]
        assert (entry.default, entry.changeable) == (default, changeable)

    def test_frozen(self) -> None:
        """A profile is immutable data."""
        with pytest.raises(dataclasses.FrozenInstanceError):
            PHP_8_2.chunk_size = 1  # type: ignore[misc]
        assert isinstance(PHP_8_2, Profile)
