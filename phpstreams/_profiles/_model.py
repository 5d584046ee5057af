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
    #: php_sockop_read on a read timeout: -1 (fread returns false) since 8.0; PHP 7
    #: returns 0, so the read is an empty string and only ``timed_out`` tells.
    read_timeout_is_empty: bool = False
    #: The level of "Array to string conversion": E_WARNING (2) since 8.0, E_NOTICE (8)
    #: in PHP 7.
    array_to_string_level: int = 2
    #: 8.2+: integer ini entries are read by ``zend_ini_parse_quantity``, which warns
    #: about a malformed quantity; PHP 7 reads them with ``zend_atol`` silently.
    ini_quantity_checked: bool = True
    #: 8.1+: turning ``auto_detect_line_endings`` on raises an E_DEPRECATED.
    auto_detect_line_endings_deprecated: bool = True
    #: 8.3+: a blocking socket read with a timeout of exactly 0 s does not poll: no
    #: data gives "" with timed_out cleared (8.2 polls for 0 ms: false, timed_out).
    zero_timeout_reads_without_wait: bool = False
    #: 8.1.33/8.2.29+: a NUL byte in a host name is refused before resolving.
    rejects_nul_in_hostname: bool = True
    #: 8.2.36 (GHSA-xr7j-rvgx-xq5p era): no CN fallback when a DNS SAN exists.
    cn_fallback_with_dns_san: bool = False
    #: Accept-side TLS failure text comes from strerror(0) ("Success") until 8.3.26.
    accept_crypto_failure_errstr: str = "Success"
    #: Liveness check (feof, persistent reuse): the errnos of the ``MSG_PEEK`` that
    #: still count as alive. Measured: PHP 7.4 also takes ENOTCONN (a listening TCP
    #: socket with a pending connection is not at EOF there; in 8.2 it is).
    liveness_alive_errnos: frozenset[str] = frozenset({"EAGAIN", "EWOULDBLOCK", "EMSGSIZE"})
    #: PHP 7 reads an IPv4 ``bindto`` with inet_aton: "1", "127.1", "0x7f.1", "00"
    #: are addresses, and "0" is 0.0.0.0, bound with its port. PHP 8 uses inet_pton
    #: (those are "Invalid IP Address") and binds nothing at all for "0".
    bindto_ipv4_inet_aton: bool = False
    #: PHP 7 (before GH-8472) gives an accepted stream the listening stream's
    #: ``blocked`` flag, although its descriptor is blocking; 8.x reports blocking.
    accepted_copies_blocking_flag: bool = False
    #: stream_socket_client's and stream_socket_accept's timeout before 8.1.20/8.2.7
    #: (GH-11177): a plain C cast, ``(unsigned long long)(timeout * 1e6)``
    #: microseconds, so a negative timeout wraps to a wait of weeks and 2**64
    #: microseconds or more to none at all. Later, negative or unrepresentable values
    #: mean default_socket_timeout (client) or no limit (accept). PHP 7's fsockopen
    #: casts to a signed long instead (``_phpvalues.fsock_timeval``).
    timeout_c_cast: bool = False
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
    #: PHP's socket chunk size (``PHP_SOCK_CHUNK_SIZE``).
    chunk_size: int = 8192
    #: Server sockets: default listen() backlog when the context gives none.
    default_backlog: int = 32
    #: Linux ``sizeof(sockaddr_un.sun_path)``.
    unix_path_max: int = 108
    #: Newer PHP lets an abstract-namespace name (leading NUL) use all of ``sun_path``
    #: and names the limit it applied in the truncation notice. PHP 7 cuts every name
    #: of ``unix_path_max`` bytes or more to one byte less, and the notice says
    #: ``unix_path_max``.
    unix_path_abstract_full_length: bool = True
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
    #: How an internal function reports a bad argument: "throw" (PHP 8: TypeError,
    #: ValueError, ArgumentCountError) or "warn" (PHP 7: an E_WARNING, and the function
    #: returns NULL or FALSE -- or, for a few checks, warns and carries on).
    arg_errors: str = "throw"
    #: "warn" model: the functions whose failed ``zend_parse_parameters`` returns NULL
    #: (plain ``return;``); every other function returns FALSE.
    zpp_failure_returns_null: frozenset[str] = frozenset()
    #: Null to a non-nullable scalar parameter: E_DEPRECATED (8.1+), or silently
    #: 0/""/false (7.x).
    null_to_scalar_deprecated: bool = True
    #: A fractional float (or float-string) to an int parameter: E_DEPRECATED "loses
    #: precision" (8.1+), or silent truncation (7.x).
    float_to_int_deprecated: bool = True
    #: Numeric strings in scalar parameters: "saner" (8.0's RFC: whole numeric strings,
    #: trailing whitespace allowed, anything else a TypeError) or "legacy" (7.x: a
    #: leading-numeric string, trailing whitespace included, is accepted with an E_NOTICE
    #: "A non well formed numeric value encountered").
    numeric_strings: str = "saner"
    #: The type an object "given" is called in argument errors: its class name (8.x),
    #: or "object" (7.x's ``zend_zval_type_name``).
    object_type_name: str = "class"
    #: Argument checks of PHP 8 that this release does not make at all (it goes on with
    #: the value): names used at the check sites.
    unchecked_args: frozenset[str] = frozenset()
    #: Parameters (``"func:name"``) PHP 8 made nullable that this release's zpp takes
    #: as plain values: null converts as for any other parameter (a scalar silently to
    #: 0 / "" / false, a resource is a type error).
    not_nullable_args: frozenset[str] = frozenset()
    #: ``stream_context_set_option``: one ``array|string`` signature whose other
    #: arguments must fit the form (8.x ValueErrors), or PHP 7's two signatures chosen
    #: by the argument count alone (2: options array; else exactly 4).
    context_set_option_by_arg_count: bool = False
    #: ``error_reporting()``: 8.x takes ``?int`` (null reads; the ini entry changes only
    #: with the level); 7.x takes any value, null too, stores its string form as the ini
    #: value and uses its ``atoi``.
    error_reporting_any_value: bool = False
    #: PHP functions phpstreams has that this release does not define (calling one is
    #: PHP's ``Error: Call to undefined function``): its facade leaves them out.
    functions_missing: frozenset[str] = frozenset()
    #: PHP functions newer than 8.2 (the plain ``phpstreams`` API) that this release
    #: defines: its facade adds them (``phpstreams._NEWER_FUNCTIONS`` holds them).
    functions_added: frozenset[str] = frozenset()
    #: PHP 8.3+ names a bool argument by its value in TypeErrors ("true given",
    #: zend_zval_value_name); 8.2 says "bool given".
    type_error_names_bool_value: bool = False
    #: PHP 7 functions whose parameter parsing expects one fixed count, so too many
    #: arguments is "expects exactly N parameters" (not "at most").
    arg_count_exact: frozenset[str] = frozenset()
    #: PHP 7.4 resolves local_cert / local_pk / SNI_server_certs paths with realpath():
    #: a local_cert that does not resolve is skipped silently, a local_pk that does not
    #: resolve leaves the key unset, an SNI path that does not resolve is "file not
    #: found". 8.x hands the (absolute) paths to OpenSSL, which reports the failure.
    tls_local_files_by_realpath: bool = False
    #: A dh_param that cannot be read or assigned fails the setup (8.x); PHP 7.4 warns
    #: (an assignment failure not even that) and carries on.
    tls_dh_param_failure_fatal: bool = True
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
    ini_changed: Mapping[str, IniEntry] | None = None,
    ini_removed: frozenset[str] = frozenset(),
    **fields: object,
) -> Profile:
    """A profile written as its differences from ``base``: ``messages`` and
    ``constants`` are merged over the base's (a message only this release has is
    simply added: ``tests/test_profiles.py`` fails on a key no code reads), every other
    field replaces the base's. ``ini_changed`` adds or replaces ini entries and
    ``ini_removed`` drops some of the base's."""
    ini = {k: e for k, e in base.ini_defaults.items() if k not in ini_removed}
    ini.update(ini_changed or {})
    return replace(
        base,
        messages=frozen({**base.messages, **(messages or {})}),  # type: ignore[arg-type]
        constants=frozen({**base.constants, **(constants or {})}),  # type: ignore[arg-type]
        ini_defaults=frozen(ini),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )
