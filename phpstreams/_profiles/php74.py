"""PHP 7.4 as Debian 11 ships it (70433, with OpenSSL 1.1.1w), written as
its differences from PHP 8.2 (``php82.py``).

Pure data; every entry is checked against the real PHP 7.4 by compat_tests (the
``php7.4-oracle`` of ``.ci/oracles``). The ini table and the constants were read with
``python -m compat_tests.profile_facts``.
"""

from __future__ import annotations

from ._model import IniEntry, derive, frozen
from .php82 import PHP_8_2

__all__ = ["PHP_7_4"]

#: The ini entries ``php -n`` 7.4 reports that 8.2's does not, or with another
#: default (the rest are 8.2's; ``python -m compat_tests.profile_facts`` lists them all).
_INI_CHANGED_74 = {
    "assert.exception": IniEntry("0", 7, "standard"),
    "assert.quiet_eval": IniEntry("0", 7, "standard"),
    "date.sunrise_zenith": IniEntry("90.583333", 7, "date"),
    "date.sunset_zenith": IniEntry("90.583333", 7, "date"),
    "date.timezone": IniEntry("", 7, "date"),
    "display_startup_errors": IniEntry("0", 7, "core"),
    "extension_dir": IniEntry("/usr/lib/php/20190902", 4, "core"),
    "log_errors_max_len": IniEntry("1024", 7, "core"),
    "session.upload_progress.enabled": IniEntry("1", 2, "session"),
    "track_errors": IniEntry("0", 7, "core"),
}
#: 8.2 entries 7.4 does not have.
_INI_REMOVED_74 = frozenset(
    {
        "error_log_mode",
        "fiber.stack_size",
        "mail.mixed_lf_and_crlf",
        "memory_hard_limit_percent",
        "zend.exception_string_param_max_len",
    }
)

#: PHP 7.4's functions (of those phpstreams has) whose failed zend_parse_parameters
#: returns NULL; the others ``RETURN_FALSE``. Read from the oracle: each called with
#: too many arguments.
_ZPP_NULL_74 = frozenset(
    {
        "stream_context_set_default",
        "openssl_x509_export",
        "openssl_x509_fingerprint",
        "openssl_x509_parse",
        "openssl_x509_read",
        "stream_get_transports",
        "get_resource_type",
        "socket_get_status",
        "socket_set_blocking",
        "socket_set_timeout",
        "stream_get_meta_data",
        "stream_select",
        "stream_set_blocking",
        "stream_set_timeout",
        "flock",
        "error_get_last",
        "error_clear_last",
        "error_reporting",
        "set_error_handler",
        "restore_error_handler",
        "ini_get",
        "ini_set",
        "ini_get_all",
        "ini_restore",
    }
)
# Message texts that differ from 8.2, by area (kept apart so that each area's
# entries stay together): stream and socket functions; PHP's argument parser and
# argument-error model; TLS (xp_ssl.c).
_MESSAGES_74: dict[str, str] = {
    # PHP 8.0 capitalised the first word of these (php_error_docref texts).
    "fsockopen_failed": "unable to connect to {host}:{port} ({reason})",
    "client_failed": "unable to connect to {address} ({reason})",
    "server_failed": "unable to connect to {address} ({reason})",
    "accept_failed": "accept failed: {reason}",
    "bind_failed": "failed to bind to '{address}:{port}', system said: {reason}",
    "send_failed": "send of {count} bytes failed with errno={errno} {reason}",
    "read_failed": "read of {count} bytes failed with errno={errno} {reason}",
    "seek_unsupported": "stream does not support seeking",
    "no_crypto_support": "this stream does not support SSL/crypto",
    "select_cannot_represent": "cannot represent a stream of type {type} as a select()able descriptor",
    "unable_to_select": "unable to select [{errno}]: {reason} (max_fd={max_fd})",
    "pair_failed": "failed to create sockets: [{errno}]: {reason}",
    # 8.0 added the host name to the getaddrinfo failure.
    "getaddrinfo_failed": "php_network_getaddresses: getaddrinfo failed: {reason}",
    "ini_extension_not_found": "Unable to find extension '{name}'",
}
_ARG_MESSAGES_74: dict[str, str] = {
    # Zend/zend_API.c (7.4): zpp failures are E_WARNINGs named after "parameters"
    "arg_count": "{func}() expects {bound} {expected} parameter{plural}, {given} given",
    "zpp_type": "{func}() expects parameter {argnum} to be {expected}, {given} given",
    "non_well_formed_numeric": "A non well formed numeric value encountered",
    "callback_invalid": "{func}() expects the argument ({name}) to be a valid callback",
    # function-specific checks (ext/standard/file.c, streamsfuncs.c)
    "length_positive": "Length parameter must be greater than 0",
    "get_line_length_negative": "The maximum allowed length must be greater than or equal to zero",
    "get_contents_length": "Length must be greater than or equal to zero, or -1",
    "chunk_size_positive": "The chunk size must be a positive integer, given {size}",
    "chunk_size_too_large": "The chunk size cannot be larger than {max}",
    "ftruncate_negative": "Negative size is not supported",
    "flock_illegal_operation": "Illegal operation argument",
    "select_timeout_negative": "The seconds parameter must be greater than 0",
    "select_usec_negative": "The microseconds parameter must be greater than 0",
    "crypto_method_required": "When enabling encryption you must specify the crypto type",
    "context_options_form": 'options should have the form ["wrappername"]["optionname"] = $value',
    "shutdown_invalid_how": (
        "Second parameter $how needs to be one of STREAM_SHUT_RD, STREAM_SHUT_WR or "
        "STREAM_SHUT_RDWR"
    ),
}
_TLS_MESSAGES_74: dict[str, str] = {
    "tls_session_not_ssl": "supplied session stream must be an SSL enabled stream",
    "tls_session_not_initialized": "supplied SSL session stream is not initialized",
    "tls_unknown_digest": "Unknown signature algorithm",
    "tls_dh_param_invalid": "invalid dh_param",
    "tls_dh_param_read_failed": "failed reading DH params",
    "tls_dh_param_assign_failed": "failed assigning DH params",
    "tls_sni_cert_not_found": "failed setting local cert chain file `{path}'; file not found",
    "tls_sni_pk_not_found": "failed setting local private key file `{path}'; file not found",
    "path_empty": "Filename cannot be empty",
    "x509_read_failed": "supplied parameter cannot be coerced into an X509 certificate!",
    "x509_param_failed": "cannot get cert from parameter 1",
    "tls_capture_session_meta": (
        "capture_session_meta is deprecated; its information is now available via "
        "stream_get_meta_data()"
    ),
}

PHP_7_4 = derive(
    PHP_8_2,
    version="7.4",
    messages={**_MESSAGES_74, **_ARG_MESSAGES_74, **_TLS_MESSAGES_74},
    version_id=70433,
    constants={
        "PHP_VERSION_ID": 70433,
        "PHP_MAJOR_VERSION": 7,
        "PHP_MINOR_VERSION": 4,
        "PHP_RELEASE_VERSION": 33,
    },
    string_constants=frozen({**PHP_8_2.string_constants, "PHP_VERSION": "7.4.33"}),
    default_error_reporting=22519,
    ini_changed=_INI_CHANGED_74,
    ini_removed=_INI_REMOVED_74,
    ini_extensions_without_entries=frozenset(
        {"hash", "json", "libxml", "pcntl", "reflection", "sodium", "spl"}
    ),
    silence_reporting=0,
    openssl_texts="1.1.1",
    arg_errors="warn",
    zpp_failure_returns_null=_ZPP_NULL_74,
    null_to_scalar_deprecated=False,
    float_to_int_deprecated=False,
    numeric_strings="legacy",
    object_type_name="object",
    context_set_option_by_arg_count=True,
    error_reporting_any_value=True,
    unchecked_args=frozenset({"stream_select:usec_needs_null"}),
    not_nullable_args=frozenset(
        {
            "stream_socket_client:context",
            "stream_socket_server:context",
            "fgets:length",
            "fwrite:length",
            "fputs:length",
            "stream_select:microseconds",
            "stream_get_contents:length",
            "stream_copy_to_stream:length",
            "fsockopen:timeout",
            "pfsockopen:timeout",
            "stream_socket_client:timeout",
            "stream_socket_accept:timeout",
        }
    ),
    read_timeout_is_empty=True,
    auto_detect_line_endings_deprecated=False,
    ini_quantity_checked=False,
    array_to_string_level=8,
    unix_path_abstract_full_length=False,
    bindto_ipv4_inet_aton=True,
    accepted_copies_blocking_flag=True,
    timeout_c_cast=True,
    functions_missing=frozenset({"fsync", "fdatasync", "get_resource_id"}),  # 8.1, 8.0
    arg_count_exact=frozenset({"stream_context_set_option"}),  # zpp "rssz" past 2 args
    liveness_alive_errnos=frozenset({"EAGAIN", "EWOULDBLOCK", "EMSGSIZE", "ENOTCONN"}),
    cn_fallback_with_dns_san=True,
    tls_local_files_by_realpath=True,
    tls_dh_param_failure_fatal=False,
    x509_is_resource=True,
    san_matches_ipv6=False,
    capture_session_meta_supported=True,
    ssl_allows_client_renegotiation=True,
    tls_eof_is_syscall_error=True,
    empty_stream_path_throws=False,
)
