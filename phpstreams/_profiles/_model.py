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
    #: 8.1.33/8.2.29+: a NUL byte in a host name is refused before resolving.
    rejects_nul_in_hostname: bool = True
    #: 8.2.36 (GHSA-xr7j-rvgx-xq5p era): no CN fallback when a DNS SAN exists.
    cn_fallback_with_dns_san: bool = False
    #: Accept-side TLS failure text comes from strerror(0) ("Success") until 8.3.26.
    accept_crypto_failure_errstr: str = "Success"
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
    #: PHP 7.4 resolves local_cert / local_pk / SNI_server_certs paths with realpath():
    #: a local_cert that does not resolve is skipped silently, a local_pk that does not
    #: resolve leaves the key unset, an SNI path that does not resolve is "file not
    #: found". 8.x hands the (absolute) paths to OpenSSL, which reports the failure.
    tls_local_files_by_realpath: bool = False
    #: A dh_param that cannot be read or assigned fails the setup (8.x); PHP 7.4 warns
    #: (an assignment failure not even that) and carries on.
    tls_dh_param_failure_fatal: bool = True
    #: ``stream_socket_enable_crypto`` without a crypto method: a ValueError (8.x) or an
    #: E_WARNING and false (7.4), both with ``crypto_method_required``.
    crypto_method_required_throws: bool = True
    #: openssl_x509_* values and captured peer certificates: ``OpenSSLCertificate``
    #: objects (8.x) or "OpenSSL X.509" resources (7.4).
    x509_is_resource: bool = False
    #: OpenSSL 3.2+ (PHP 8.4's 3.5) refuses TLS 1.0/1.1 at security level 1 and up
    #: ("no protocols available"); 3.0 offers them and fails on the legacy signature.
    legacy_tls_needs_security_level0: bool = False
    #: PHP 8.4: an empty name in a client's ``alpn_protocols`` ("h2,,http/1.1", "")
    #: fails the setup with ``tls_alpn_empty_name`` (servers still take the list);
    #: earlier releases send the empty name along.
    alpn_rejects_empty_names: bool = False
    #: 8.2.8+: an IPv6 subjectAltName matches the peer name's address bytes; PHP 7.4
    #: compares IPv4 entries only.
    san_matches_ipv6: bool = True
    #: PHP 7.4 still reads ``capture_session_meta``: present, an E_DEPRECATED after the
    #: handshake; true, the session's protocol and cipher as the ``session_meta`` option.
    capture_session_meta_supported: bool = False
    #: OpenSSL 1.1.1 (PHP 7.4) servers accept client-initiated renegotiation; 3.0 refuses
    #: it unless SSL_OP_ALLOW_CLIENT_RENEGOTIATION is set, which is what this does.
    ssl_allows_client_renegotiation: bool = False
    #: OpenSSL 1.1.1 (PHP 7.4) has no SSL_OP_IGNORE_UNEXPECTED_EOF: a peer closing
    #: without close_notify is SSL_ERROR_SYSCALL with a 0 return (PHP then marks the
    #: session shut down, and later writes fail with "protocol is shutdown").
    tls_eof_is_syscall_error: bool = False
    #: OpenSSL 3.5 (PHP 8.4): a write after the peer's close_notify fails as
    #: SSL_ERROR_SYSCALL with the errno queued ("system library::Broken pipe"), which
    #: PHP prints; 3.0 returns SSL_ERROR_ZERO_RETURN and PHP says nothing.
    tls_write_after_close_queues_errno: bool = False
    #: Opening a stream from an empty path: a ValueError "Path cannot be empty" (8.x),
    #: or PHP 7's E_WARNING "Filename cannot be empty" (both ``path_empty``).
    empty_stream_path_throws: bool = True
    #: After "SSL: Handshake timed out" the stream is blocking again (PHP 8.4; 7.4 and
    #: 8.2 return early and leave it non-blocking).
    tls_handshake_timeout_restores_blocking: bool = False
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
