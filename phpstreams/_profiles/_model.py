"""The shape of a profile (see ``phpstreams._profiles``). Pure data types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import NamedTuple

__all__ = ["INI_USER", "IniEntry", "Profile", "derive", "frozen"]

#: ``PHP_INI_USER``: the access bit that lets ``ini_set`` change an entry.
INI_USER = 1


class IniEntry(NamedTuple):
    """One ini entry as ``ini_get_all()`` describes it in ``php -n``: the default
    (None is PHP's NULL: ``ini_get`` says ``""``), the ``access`` bits
    (PHP_INI_USER 1, PHP_INI_PERDIR 2, PHP_INI_SYSTEM 4) and the owning extension."""

    default: str | None
    access: int
    extension: str

    @property
    def changeable(self) -> bool:
        """Whether ``ini_set`` may change it at run time."""
        return bool(self.access & INI_USER)


def frozen(d: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class Profile:
    """One emulated PHP release (``version`` is ``"major.minor"``)."""

    version: str
    version_id: int
    #: Transport names in the order ``stream_get_transports()`` lists them. The
    #: names after ``core_transports`` are registered by ext/openssl.
    core_transports: tuple[str, ...]
    tls_transports: tuple[str, ...]
    #: ``name -> value`` for every integer PHP constant this library exports.
    constants: Mapping[str, int]
    #: The string constants (``OPENSSL_DEFAULT_STREAM_CIPHERS``).
    string_constants: Mapping[str, str]
    #: Message templates, ``str.format`` style with named fields.
    messages: Mapping[str, str]
    #: ini entries ``php -n`` reports for Core, standard and openssl, in
    #: ``ini_get_all()`` order.
    ini_defaults: Mapping[str, IniEntry]
    #: 8.2 and earlier: fread() with part of the request buffered still blocks for
    #: one more fill (bug #51056 was fixed in 8.3).
    fread_blocks_when_buffered: bool = True
    #: 8.3+: a blocking socket read with a timeout of exactly 0 s does not poll: no
    #: data gives "" with timed_out cleared (8.2 polls for 0 ms: false, timed_out).
    zero_timeout_reads_without_wait: bool = False
    #: 8.1.33/8.2.29+: a NUL byte in a host name is refused before resolving.
    rejects_nul_in_hostname: bool = True
    #: 8.2.36 (GHSA-xr7j-rvgx-xq5p era): no CN fallback when a DNS SAN exists.
    cn_fallback_with_dns_san: bool = False
    #: Accept-side TLS failure text comes from strerror(0) ("Success") until 8.3.26.
    accept_crypto_failure_errstr: str = "Success"
    #: 8.4: ``php_stream_xport_create`` keeps the name it was given (with its scheme,
    #: as passed: fsockopen's "host:port") as the stream's ``orig_path``, so
    #: stream_get_meta_data() of client and server sockets has a "uri" key; accepted
    #: and stream_socket_pair() streams still have none.
    socket_streams_keep_uri: bool = False
    #: 8.4: stream_context_set_option() called with exactly two arguments (the
    #: options-array form) raises E_DEPRECATED (message ``set_option_two_args``) before
    #: its arguments are checked.
    deprecates_set_option_two_args: bool = False
    #: 8.4: an address's port is read with strtol and refused outside 0..65535
    #: (message ``parse_port``; stream_socket_sendto's target likewise fails to parse);
    #: 8.2 takes atoi and htons keeps the low 16 bits, so ports wrap modulo 65536.
    port_range_checked: bool = False
    #: 8.4 (memory.c since 8.3): php://memory and php://temp seek to any offset from 0
    #: up (reads there see EOF, a write NUL-fills the gap), and a negative SEEK_SET
    #: fails without touching the position; 8.2 refuses offsets past the end and any
    #: failed seek leaves the position at -1 (ftell() false).
    memory_seek_past_end: bool = False
    #: 8.4: a handshake that times out (stream_socket_enable_crypto, "SSL: Handshake
    #: timed out") puts the stream back in blocking mode; 8.2 leaves it non-blocking
    #: (so a second enable does not warn "SSL/TLS already set-up for this stream").
    handshake_timeout_restores_blocking: bool = False
    #: PHP's socket chunk size (``PHP_SOCK_CHUNK_SIZE``).
    chunk_size: int = 8192
    #: Server sockets: default listen() backlog when the context gives none.
    default_backlog: int = 32
    #: Linux ``sizeof(sockaddr_un.sun_path)``.
    unix_path_max: int = 108
    #: PHP's default ``verify_depth`` (OPENSSL_DEFAULT_STREAM_VERIFY_DEPTH).
    default_verify_depth: int = 9
    #: Server renegotiation limit (OPENSSL_DEFAULT_RENEG_LIMIT / _WINDOW, seconds).
    default_reneg_limit: int = 2
    default_reneg_window: int = 300
    #: ``error_reporting()`` with no ini setting: E_ALL in PHP 8 (30719 once E_STRICT
    #: left E_ALL in 8.4); PHP 7's ``E_ALL & ~E_NOTICE & ~E_STRICT & ~E_DEPRECATED``.
    default_error_reporting: int = 32767
    #: What ``@`` leaves of ``error_reporting``: the fatal levels in PHP 8
    #: (``E_ERROR | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR |
    #: E_RECOVERABLE_ERROR | E_PARSE``), 0 in PHP 7.
    silence_reporting: int = 4437
    #: The other extensions ``php -n`` loads: ``ini_get_all()`` answers ``[]`` for them.
    ini_extensions_without_entries: frozenset[str] = frozenset()
    #: The ``_openssl_texts`` flavour of the OpenSSL this release's reference build
    #: links (Debian's): how its error-queue lines read.
    openssl_texts: str = "3.0"
    extra: Mapping[str, object] = field(default_factory=lambda: frozen({}))

    def msg(self, key: str, **args: object) -> str:
        """Render message ``key`` with ``args``."""
        return self.messages[key].format(**args)


def derive(
    base: Profile,
    *,
    messages: Mapping[str, str] | None = None,
    constants: Mapping[str, int] | None = None,
    **fields: object,
) -> Profile:
    """A profile written as its differences from ``base``: ``messages`` and
    ``constants`` are merged over the base's (a message only this release has is
    simply added: ``tests/test_profiles.py`` fails on a key no code reads), every other
    field replaces the base's."""
    return replace(
        base,
        messages=frozen({**base.messages, **(messages or {})}),  # type: ignore[arg-type]
        constants=frozen({**base.constants, **(constants or {})}),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )
