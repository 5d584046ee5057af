"""Unit tests for :mod:`phpstreams._target`: transport-scheme splitting
(``php_stream_xport_create``), ``host:port`` parsing (``parse_ip_address_ex``) and
unix socket paths (``parse_unix_address``), with PHP 8.2's exact error texts."""

from __future__ import annotations

import dataclasses

import pytest

from phpstreams._errors import E_NOTICE, AddressError, Note
from phpstreams._profiles import PHP_8_2
from phpstreams._target import (
    InetAddress,
    parse_inet_address,
    split_transport,
    unix_path,
    unknown_transport_error,
)


class TestSplitTransport:
    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            ("tcp://127.0.0.1:80", ("tcp", "127.0.0.1:80", True)),
            ("udp://h:53", ("udp", "h:53", True)),
            ("unix:///tmp/x.sock", ("unix", "/tmp/x.sock", True)),
            ("tlsv1.2://h:443", ("tlsv1.2", "h:443", True)),
            ("ab://x", ("ab", "x", True)),
            ("a+b.c-d://x", ("a+b.c-d", "x", True)),
            ("1a://x", ("1a", "x", True)),
            ("TCP://h:1", ("TCP", "h:1", True)),
            ("tcp://", ("tcp", "", True)),
            ("tcp:// 127.0.0.1:80", ("tcp", " 127.0.0.1:80", True)),
        ],
        ids=repr,
    )
    def test_scheme(self, spec: str, expected: tuple[str, str, bool]) -> None:
        """A run of [A-Za-z0-9+.-] longer than one character before "://" is the
        transport, kept verbatim (case-sensitive), and the rest is the address."""
        assert split_transport(spec) == expected

    @pytest.mark.parametrize(
        "spec",
        [
            "c://127.0.0.1:1",
            "127.0.0.1:80",
            "[::1]:80",
            "x_y://h:1",
            "://h:1",
            "tcp:/h:1",
            "tcp:h:1",
            "localhost",
            "",
        ],
        ids=repr,
    )
    def test_defaults_to_tcp(self, spec: str) -> None:
        """One-letter schemes (Windows drive letters), other characters or no "://"
        leave the whole string as a tcp address."""
        assert split_transport(spec) == ("tcp", spec, False)

    def test_unknown_transport_text(self) -> None:
        """Unknown transports name the scheme, truncated to 31 characters."""
        err = unknown_transport_error("foo", PHP_8_2)
        assert isinstance(err, AddressError)
        assert err.errno == 0
        assert err.errstr == (
            'Unable to find the socket transport "foo" - did you forget to enable it '
            "when you configured PHP?"
        )
        long_name = "x" * 40
        assert f'"{"x" * 31}"' in str(unknown_transport_error(long_name, PHP_8_2).errstr)


class TestParseInetAddress:
    @pytest.mark.parametrize(
        ("address", "host", "port"),
        [
            ("127.0.0.1:80", "127.0.0.1", 80),
            ("localhost:8080", "localhost", 8080),
            ("[::1]:80", "::1", 80),
            ("[fe80::1%lo]:443", "fe80::1%lo", 443),
            ("[::1]:", "::1", 0),
            ("[]:80", "", 80),
            (":80", "", 80),
            ("::1:80", "", 0),
            ("c://127.0.0.1:1", "c", 0),
            ("h:80abc", "h", 80),
            ("h:+80", "h", 80),
            ("h:x", "h", 0),
            ("h:84541", "h", 19005),
            ("h:65536", "h", 0),
            ("127.0.0.1:8000/client0", "127.0.0.1", 8000),
            (" 127.0.0.1:80", " 127.0.0.1", 80),
            ("a:b:c", "a", 0),
        ],
        ids=repr,
    )
    def test_parse(self, address: str, host: str, port: int) -> None:
        """Brackets delimit an IPv6 host; otherwise the first colon splits, and the port
        is atoi of the rest, wrapped to 16 bits."""
        assert parse_inet_address(address, PHP_8_2) == InetAddress(host, port)

    @pytest.mark.parametrize(
        ("address", "message"),
        [
            ("", 'Failed to parse address ""'),
            ("127.0.0.1", 'Failed to parse address "127.0.0.1"'),
            ("127.0.0.1:", 'Failed to parse address "127.0.0.1:"'),
            ("host:", 'Failed to parse address "host:"'),
            (".", 'Failed to parse address "."'),
            ("[", 'Failed to parse address "["'),
            ("[ ", 'Failed to parse IPv6 address "[ "'),
            ("[::1", 'Failed to parse IPv6 address "[::1"'),
            ("[::1]", 'Failed to parse IPv6 address "[::1]"'),
            ("[::1]x", 'Failed to parse IPv6 address "[::1]x"'),
            ("[::1]80", 'Failed to parse IPv6 address "[::1]80"'),
            ("[:80", 'Failed to parse IPv6 address "[:80"'),
        ],
        ids=repr,
    )
    def test_errors(self, address: str, message: str) -> None:
        """Unparsable addresses give PHP's exact errstr, with errno 0."""
        with pytest.raises(AddressError) as info:
            parse_inet_address(address, PHP_8_2)
        assert info.value.errstr == message
        assert info.value.errno == 0

    @pytest.mark.parametrize(
        "address",
        ["localhost\0.example.com:80", "127.0.0.1:80\0", "[::1\0]:80", "\0", "a\0b"],
        ids=repr,
    )
    def test_nul_byte_refused(self, address: str) -> None:
        """Since 8.2.29 a NUL anywhere is refused before any other parsing."""
        with pytest.raises(AddressError) as info:
            parse_inet_address(address, PHP_8_2)
        assert info.value.errstr == "The hostname must not contain null bytes"
        assert info.value.errno == 0

    def test_message_stops_at_nul_without_the_nul_check(self) -> None:
        """Before the NUL check (8.2.28 and older) the address prints as %s does: up to
        the first NUL byte."""
        old = dataclasses.replace(PHP_8_2, rejects_nul_in_hostname=False)
        with pytest.raises(AddressError) as info:
            parse_inet_address("[::1\0x", old)
        assert info.value.errstr == 'Failed to parse IPv6 address "[::1"'
        with pytest.raises(AddressError) as info:
            parse_inet_address("noport\0x", old)
        assert info.value.errstr == 'Failed to parse address "noport"'


class TestUnixPath:
    """``sun_path`` is 108 bytes on Linux: a filesystem path may use 107 (it needs its
    terminating NUL), an abstract name all 108 (GH-14483, 8.2.21+)."""

    @pytest.mark.parametrize(
        ("address", "length"),
        [("/tmp/x.sock", 11), ("a" * 107, 107), ("\0" + "a" * 107, 108), ("", 0)],
        ids=["short", "path-107", "abstract-108", "empty"],
    )
    def test_fits(self, address: str, length: int) -> None:
        """Names within the limit are used whole, with no notice."""
        notes: list[Note] = []
        raw = unix_path(address, PHP_8_2, notes)
        assert len(raw) == length
        assert raw == address.encode()
        assert notes == []

    @pytest.mark.parametrize(
        ("address", "limit"),
        [("a" * 108, 107), ("/tmp/" + "a" * 512, 107), ("\0" + "a" * 108, 108)],
        ids=["path-108", "path-517", "abstract-109"],
    )
    def test_truncated_with_notice(self, address: str, limit: int) -> None:
        """Longer names are cut to the limit with an E_NOTICE naming that limit."""
        notes: list[Note] = []
        raw = unix_path(address, PHP_8_2, notes)
        assert raw == address.encode()[:limit]
        assert [(n.level, n.message) for n in notes] == [
            (
                E_NOTICE,
                f"socket path exceeded the maximum allowed length of {limit} bytes "
                "and was truncated",
            )
        ]

    def test_filesystem_notice_text(self) -> None:
        """The filesystem-path notice says 107 bytes."""
        notes: list[Note] = []
        unix_path("p" * 200, PHP_8_2, notes)
        assert notes[0].message == (
            "socket path exceeded the maximum allowed length of 107 bytes and was truncated"
        )

    def test_binary_safe(self) -> None:
        """Paths are byte strings: non-UTF-8 bytes and NULs pass through unchanged."""
        raw = b"\0abs\xff\xfe\0name"
        notes: list[Note] = []
        assert unix_path(raw.decode("utf-8", "surrogateescape"), PHP_8_2, notes) == raw
        assert notes == []
