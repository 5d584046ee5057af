"""PHP 8.2 (8.2.36 as Debian 12 ships it, with OpenSSL 3.0): the reference profile.

Pure data; checked against ``php -n`` by compat_tests. The other releases are
written as differences from this one (``php74.py``, ``php84.py``).
"""

from __future__ import annotations

from types import MappingProxyType

from ._model import IniEntry, Profile

__all__ = ["PHP_8_2"]

_CRYPTO_8_2: dict[str, int] = {
    "STREAM_CRYPTO_METHOD_SSLv2_CLIENT": 3,
    "STREAM_CRYPTO_METHOD_SSLv3_CLIENT": 5,
    "STREAM_CRYPTO_METHOD_SSLv23_CLIENT": 57,
    "STREAM_CRYPTO_METHOD_TLS_CLIENT": 121,
    "STREAM_CRYPTO_METHOD_TLSv1_0_CLIENT": 9,
    "STREAM_CRYPTO_METHOD_TLSv1_1_CLIENT": 17,
    "STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT": 33,
    "STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT": 65,
    "STREAM_CRYPTO_METHOD_ANY_CLIENT": 127,
    "STREAM_CRYPTO_METHOD_SSLv2_SERVER": 2,
    "STREAM_CRYPTO_METHOD_SSLv3_SERVER": 4,
    "STREAM_CRYPTO_METHOD_SSLv23_SERVER": 120,
    "STREAM_CRYPTO_METHOD_TLS_SERVER": 120,
    "STREAM_CRYPTO_METHOD_TLSv1_0_SERVER": 8,
    "STREAM_CRYPTO_METHOD_TLSv1_1_SERVER": 16,
    "STREAM_CRYPTO_METHOD_TLSv1_2_SERVER": 32,
    "STREAM_CRYPTO_METHOD_TLSv1_3_SERVER": 64,
    "STREAM_CRYPTO_METHOD_ANY_SERVER": 126,
    "STREAM_CRYPTO_PROTO_SSLv3": 4,
    "STREAM_CRYPTO_PROTO_TLSv1_0": 8,
    "STREAM_CRYPTO_PROTO_TLSv1_1": 16,
    "STREAM_CRYPTO_PROTO_TLSv1_2": 32,
    "STREAM_CRYPTO_PROTO_TLSv1_3": 64,
}

_STRINGS_8_2: dict[str, str] = {
    "PHP_VERSION": "8.2.36",
    "OPENSSL_DEFAULT_STREAM_CIPHERS": (
        "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:"
        "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:"
        "DHE-RSA-AES128-GCM-SHA256:DHE-DSS-AES128-GCM-SHA256:kEDH+AESGCM:"
        "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:"
        "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA384:"
        "ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES256-SHA:DHE-RSA-AES128-SHA256:"
        "DHE-RSA-AES128-SHA:DHE-DSS-AES128-SHA256:DHE-RSA-AES256-SHA256:"
        "DHE-DSS-AES256-SHA:DHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:"
        "AES128:AES256:HIGH:!SSLv2:!aNULL:!eNULL:!EXPORT:!DES:!MD5:!RC4:!ADH"
    ),
}

_STREAM_8_2: dict[str, int] = {
    "STREAM_CLIENT_PERSISTENT": 1,
    "STREAM_CLIENT_ASYNC_CONNECT": 2,
    "STREAM_CLIENT_CONNECT": 4,
    "STREAM_SERVER_BIND": 4,
    "STREAM_SERVER_LISTEN": 8,
    "STREAM_SHUT_RD": 0,
    "STREAM_SHUT_WR": 1,
    "STREAM_SHUT_RDWR": 2,
    "STREAM_PF_INET": 2,
    "STREAM_PF_INET6": 10,
    "STREAM_PF_UNIX": 1,
    "STREAM_SOCK_STREAM": 1,
    "STREAM_SOCK_DGRAM": 2,
    "STREAM_SOCK_RAW": 3,
    "STREAM_SOCK_RDM": 4,
    "STREAM_SOCK_SEQPACKET": 5,
    "STREAM_IPPROTO_IP": 0,
    "STREAM_IPPROTO_ICMP": 1,
    "STREAM_IPPROTO_TCP": 6,
    "STREAM_IPPROTO_UDP": 17,
    "STREAM_IPPROTO_RAW": 255,
    "STREAM_OOB": 1,
    "STREAM_PEEK": 2,
    "SEEK_SET": 0,
    "SEEK_CUR": 1,
    "SEEK_END": 2,
    "STREAM_BUFFER_NONE": 0,
    "STREAM_BUFFER_LINE": 1,
    "STREAM_BUFFER_FULL": 2,
    "STREAM_REPORT_ERRORS": 8,
    "STREAM_USE_PATH": 1,
    "STREAM_NOTIFY_CONNECT": 2,
    "STREAM_NOTIFY_FAILURE": 9,
    "STREAM_NOTIFY_SEVERITY_INFO": 0,
    "STREAM_NOTIFY_SEVERITY_WARN": 1,
    "STREAM_NOTIFY_SEVERITY_ERR": 2,
    "FILE_NO_DEFAULT_CONTEXT": 16,
    "E_ERROR": 1,
    "E_WARNING": 2,
    "E_NOTICE": 8,
    "E_DEPRECATED": 8192,
    "E_USER_ERROR": 256,
    "E_USER_WARNING": 512,
    "E_USER_NOTICE": 1024,
    "E_USER_DEPRECATED": 16384,
    "E_ALL": 32767,
    "E_PARSE": 4,
    "E_CORE_ERROR": 16,
    "E_CORE_WARNING": 32,
    "E_COMPILE_ERROR": 64,
    "E_COMPILE_WARNING": 128,
    "E_STRICT": 2048,
    "E_RECOVERABLE_ERROR": 4096,
    "LOCK_SH": 1,
    "LOCK_EX": 2,
    "LOCK_UN": 3,
    "LOCK_NB": 4,
    "PHP_INT_MAX": 9223372036854775807,
    "PHP_INT_MIN": -9223372036854775808,
    "PHP_INT_SIZE": 8,
    # the release itself (ported code branches on these)
    "PHP_VERSION_ID": 80236,
    "PHP_MAJOR_VERSION": 8,
    "PHP_MINOR_VERSION": 2,
    "PHP_RELEASE_VERSION": 36,
}

# Message templates. Keys name the situation; the texts are PHP 8.2.36's, checked
# against php -n by compat_tests. ``{...}`` fields are filled by the caller.
_MESSAGES_8_2: dict[str, str] = {
    # address parsing (main/streams/xp_socket.c, transports.c)
    "unknown_transport": (
        'Unable to find the socket transport "{name}" - did you forget to enable it '
        "when you configured PHP?"
    ),
    "parse_address": 'Failed to parse address "{address}"',
    "parse_ipv6_address": 'Failed to parse IPv6 address "{address}"',
    "hostname_nul": "The hostname must not contain null bytes",
    "unix_path_truncated": (
        "socket path exceeded the maximum allowed length of {max} bytes and was truncated"
    ),
    # name resolution and connect (main/network.c)
    "getaddrinfo_failed": "php_network_getaddresses: getaddrinfo for {host} failed: {reason}",
    "bindto_not_string": "local_addr context option is not a string.",
    "invalid_ip": "Invalid IP Address: {address}",
    "bind_failed": "Failed to bind to '{address}:{port}', system said: {reason}",
    "unix_socket_create_failed": "Failed to create unix socket",
    "unix_server_create_failed": "Failed to create unix{kind} socket {reason}",
    # user-facing wrappers (ext/standard/fsock.c, streamsfuncs.c)
    "fsockopen_failed": "Unable to connect to {host}:{port} ({reason})",
    "client_failed": "Unable to connect to {address} ({reason})",
    "server_failed": "Unable to connect to {address} ({reason})",
    "accept_failed": "Accept failed: {reason}",
    "unknown_error": "Unknown error",
    "send_failed": "Send of {count} bytes failed with errno={errno} {reason}",
    "read_failed": "Read of {count} bytes failed with errno={errno} {reason}",
    "truncate_unsupported": "Can't truncate this stream!",
    "fsync_unsupported": "Can't fsync this stream!",
    "sendto_failed": "{reason}\n",
    "sendto_resolve_failed": "Failed to resolve `{host}': {reason}",
    "timeout_range": "Argument #{argnum} must be -1 or between 0 and {max}",
    "timeout_finite": "Argument #{argnum} ($timeout) must be a finite value",
    "not_a_stream": "supplied resource is not a valid stream resource",
    "seek_unsupported": "Stream does not support seeking",
    "seek_to_failed": "Failed to seek to position {offset} in the stream",
    # ini (main/main.c, ext/standard/basic_functions.c)
    "auto_detect_line_endings_deprecated": "auto_detect_line_endings is deprecated",
    "ini_extension_not_found": 'Extension "{name}" cannot be found',
    "array_to_string": "Array to string conversion",
    "path_empty": "Path cannot be empty",
    "arg_count": "{func}() expects {bound} {expected} argument{plural}, {given} given",
    # ini quantities (Zend/zend_ini.c, zend_ini_parse_quantity_warn; new in 8.2)
    "ini_invalid_setting": 'Invalid "{name}" setting. {problem}',
    "quantity_no_digits": (
        'Invalid quantity "{quantity}": no valid leading digits, interpreting as "0" '
        "for backwards compatibility"
    ),
    "quantity_no_digits_after_prefix": (
        'Invalid quantity "{quantity}": no digits after base prefix, interpreting as "0" '
        "for backwards compatibility"
    ),
    "quantity_unknown_multiplier": (
        'Invalid quantity "{quantity}": unknown multiplier "{multiplier}", interpreting as '
        '"{interpreted}" for backwards compatibility'
    ),
    "quantity_junk": (
        'Invalid quantity "{quantity}", interpreting as "{interpreted}" for backwards compatibility'
    ),
    "quantity_out_of_range": (
        'Invalid quantity "{quantity}": value is out of range, using overflow result for '
        "backwards compatibility"
    ),
    "not_a_context": "supplied resource is not a valid Stream-Context resource",
    "context_options_form": 'Options should have the form ["wrappername"]["optionname"] = $value',
    "context_invalid_param_option": "Invalid stream/context parameter",
    "wrapper_not_found": (
        'Unable to find the wrapper "{name}" - did you forget to enable it when you configured PHP?'
    ),
    "no_crypto_support": "This stream does not support SSL/crypto",
    "crypto_method_required": "Argument #3 ($crypto_method) must be specified when enabling encryption",
    "shutdown_invalid_how": (
        "Argument #2 ($mode) must be one of STREAM_SHUT_RD, STREAM_SHUT_WR, or STREAM_SHUT_RDWR"
    ),
    "select_no_arrays": "No stream arrays were passed",
    "select_cannot_represent": "Cannot represent a stream of type {type} as a select()able descriptor",
    "select_timeout_negative": "Argument #{argnum} ($seconds) must be greater than or equal to 0",
    "select_usec_negative": "Argument #{argnum} ($microseconds) must be greater than or equal to 0",
    "select_usec_needs_null": (
        "Argument #{argnum} ($microseconds) should be null instead of 0 when argument #4 "
        "($seconds) is null"
    ),
    "unable_to_select": "Unable to select [{errno}]: {reason} (max_fd={max_fd})",
    "pair_failed": "Failed to create sockets: [{errno}]: {reason}",
    # PHP's argument parser (Zend/zend_API.c)
    "arg_type": "Argument #{argnum} (${name}) must be of type {expected}, {given} given",
    "arg_null_deprecated": (
        "Passing null to parameter #{argnum} (${name}) of type {expected} is deprecated"
    ),
    "float_to_int_precision": "Implicit conversion from float {value} to int loses precision",
    "float_string_to_int_precision": (
        'Implicit conversion from float-string "{value}" to int loses precision'
    ),
    "arg_greater_than_zero": "Argument #{argnum} (${name}) must be greater than 0",
    "arg_greater_or_equal_zero": "Argument #{argnum} (${name}) must be greater than or equal to 0",
    "arg_greater_or_equal_minus_one": (
        "Argument #{argnum} (${name}) must be greater than or equal to -1"
    ),
    "arg_too_large": "Argument #{argnum} (${name}) is too large",
    "arg_not_stream_or_context": "Argument #{argnum} (${name}) must be a valid stream/context",
    "not_a_stream_argument": "supplied argument is not a valid stream resource",
    "set_option_array_name": (
        "Argument #3 ($option_name) must be null when argument #2 ($wrapper_or_options) is an array"
    ),
    "set_option_array_value": (
        "Argument #4 ($value) cannot be provided when argument #2 ($wrapper_or_options) is an array"
    ),
    "set_option_string_name": (
        "Argument #3 ($option_name) cannot be null when argument #2 ($wrapper_or_options) "
        "is a string"
    ),
    "set_option_string_value": (
        "Argument #4 ($value) must be provided when argument #2 ($wrapper_or_options) is a string"
    ),
    "handler_not_callable": "Argument #1 ($callback) must be a valid callback or null, {detail}",
    "handler_function_not_found": 'function "{name}" not found or invalid function name',
    "handler_no_array_or_string": "no array or string given",
    "ini_set_value_type": "Argument #2 ($value) must be of type string|int|float|bool|null",
    "flock_operation": "Argument #{argnum} (${name}) must be one of LOCK_SH, LOCK_EX, or LOCK_UN",
    "sendto_parse_failed": "Failed to parse `{target}' into a valid network address",
    # TLS (ext/openssl/xp_ssl.c) -- filled in by the TLS engine layer
    "ssl_operation_failed": "SSL operation failed with code {code}. {header}{errors}",
    "ssl_openssl_header": "OpenSSL Error messages:\n",
    "ssl_syscall": "SSL: {reason}",
    "ssl_fatal_protocol": "SSL: fatal protocol error",
    "ssl_no_shared_cipher": (
        "SSL_R_NO_SHARED_CIPHER: no suitable shared cipher could be used.  This could be "
        "because the server is missing an SSL certificate (local_cert context option)"
    ),
    "ssl_handshake_timeout": "SSL: Handshake timed out",
    "ssl_enable_failed": "Failed to enable crypto",
    "ssl_already_setup": "SSL/TLS already set-up for this stream",
    "tls_reneg_limit_exceeded": "SSL: client-initiated handshake rate limit exceeded by peer",
    "tls_ssl_new_failed": "SSL handle creation failure",
    "tls_session_not_ssl": "Supplied session stream must be an SSL enabled stream",
    "tls_session_not_initialized": "Supplied SSL session stream is not initialized",
    "tls_ctx_new_failed": "SSL context creation failure",
    "tls_security_level_range": "Security level must be between 0 and 5",
    "tls_alpn_parse_failed": "Failed parsing comma-separated TLS ALPN protocol string",
    "tls_ca_names_failed": "SSL: failed loading CA names from cafile",
    "tls_default_verify_paths_failed": "Unable to set default verify locations and no CA settings specified",
    "tls_remote_cafile": "remote cafile streams are disabled for security purposes",
    "tls_cafile_stream_failed": "failed loading cafile stream: `{path}'",
    "tls_cafile_no_certs": "no valid certs found cafile stream: `{path}'",
    "tls_option_path_nul": "Path for {option} in ssl stream context option must not contain any null bytes",
    "tls_cert_realpath": "Unable to get real path of certificate file `{path}'",
    "tls_local_cert_failed": "Unable to set local cert chain file `{path}'; Check that your cafile/capath settings include details of your certificate and its issuer",
    "tls_pk_realpath": "Unable to get real path of private key file `{path}'",
    "tls_local_pk_failed": "Unable to set private key file `{path}'",
    "tls_pk_mismatch": "Private key does not match certificate!",
    "tls_rsa_key_size_removed": "rsa_key_size context option has been removed",
    "tls_dh_param_invalid": "Invalid dh_param",
    "tls_dh_param_read_failed": "Failed reading DH params",
    "tls_dh_param_assign_failed": "Failed assigning DH params",
    "tls_sni_certs_not_array": "SNI_server_certs requires an array mapping host names to cert paths",
    "tls_sni_certs_empty": "SNI_server_certs host cert array must not be empty",
    "tls_sni_certs_key_not_string": "SNI_server_certs array requires string host name keys",
    "tls_sni_entry_missing": "{option} not present in the array",
    "tls_sni_cert_unopenable": "Failed setting local cert chain file `{path}'; could not open file",
    "tls_sni_pk_unopenable": "Failed setting local private key file `{path}';  could not open file",
    "tls_sni_cert_not_found": "Failed setting local cert chain file `{path}'; file not found",
    "tls_no_peer_cert": "Could not get peer certificate",
    "tls_verify_failed": "Could not verify peer: code:{code} {reason}",
    "tls_fingerprint_mismatch": "peer_fingerprint match failure",
    "tls_fingerprint_type": "Expected peer fingerprint must be a string or an array",
    "tls_san_mismatch": "Peer certificate subjectAltName did not match expected name `{name}'",
    "tls_fingerprint_array_form": "Invalid peer_fingerprint array; [algo => fingerprint] form required",
    "tls_sni_cert_failed": "Failed setting local cert chain file `{path}'; check that your cafile/capath settings include details of your certificate and its issuer",
    "tls_sni_pk_failed": "Failed setting private key from file `{path}'",
    "tls_invalid_callback_name": 'Invalid callback {name}, function "{name}" not found or invalid function name',
    "tls_invalid_callback": "Invalid callback, no array or string given",
    "tls_cn_missing": "Unable to locate peer certificate CN",
    "tls_cn_malformed": "Peer certificate CN=`{cn}' is malformed",
    "tls_cn_mismatch": "Peer certificate CN=`{cn}' did not match expected CN=`{name}'",
    "tls_unknown_digest": "Unknown digest algorithm",
    "x509_read_failed": "X.509 Certificate cannot be retrieved",
    "x509_param_failed": "X.509 Certificate cannot be retrieved",
}

# Every ini entry ``php -n`` 8.2.36 reports (``ini_get_all(null, true)``), with the
# extension that registers it (``ini_get_all($extension)`` lists those; "core" lists
# all of them, as PHP does). Only a few have an effect in phpstreams; see the README.
_INI_8_2: dict[str, IniEntry] = {
    "allow_url_fopen": IniEntry("1", 4, "core"),
    "allow_url_include": IniEntry("0", 4, "core"),
    "arg_separator.input": IniEntry("&", 6, "core"),
    "arg_separator.output": IniEntry("&", 7, "core"),
    "assert.active": IniEntry("1", 7, "standard"),
    "assert.bail": IniEntry("0", 7, "standard"),
    "assert.callback": IniEntry(None, 7, "standard"),
    "assert.exception": IniEntry("1", 7, "standard"),
    "assert.warning": IniEntry("1", 7, "standard"),
    "auto_append_file": IniEntry(None, 6, "core"),
    "auto_detect_line_endings": IniEntry("0", 7, "standard"),
    "auto_globals_jit": IniEntry("1", 6, "core"),
    "auto_prepend_file": IniEntry(None, 6, "core"),
    "browscap": IniEntry(None, 4, "core"),
    "date.default_latitude": IniEntry("31.7667", 7, "date"),
    "date.default_longitude": IniEntry("35.2333", 7, "date"),
    "date.sunrise_zenith": IniEntry("90.833333", 7, "date"),
    "date.sunset_zenith": IniEntry("90.833333", 7, "date"),
    "date.timezone": IniEntry("UTC", 7, "date"),
    "default_charset": IniEntry("UTF-8", 7, "core"),
    "default_mimetype": IniEntry("text/html", 7, "core"),
    "default_socket_timeout": IniEntry("60", 7, "standard"),
    "disable_classes": IniEntry("", 4, "core"),
    "disable_functions": IniEntry("", 4, "core"),
    "display_errors": IniEntry("1", 7, "core"),
    "display_startup_errors": IniEntry("1", 7, "core"),
    "doc_root": IniEntry(None, 4, "core"),
    "docref_ext": IniEntry("", 7, "core"),
    "docref_root": IniEntry("", 7, "core"),
    "enable_dl": IniEntry("1", 4, "core"),
    "enable_post_data_reading": IniEntry("1", 6, "core"),
    "error_append_string": IniEntry(None, 7, "core"),
    "error_log": IniEntry(None, 7, "core"),
    "error_log_mode": IniEntry("0644", 7, "core"),
    "error_prepend_string": IniEntry(None, 7, "core"),
    "error_reporting": IniEntry(None, 7, "core"),
    "expose_php": IniEntry("1", 4, "core"),
    "extension_dir": IniEntry("/usr/lib/php/20220829", 4, "core"),
    "fiber.stack_size": IniEntry(None, 7, "core"),
    "file_uploads": IniEntry("1", 4, "core"),
    "filter.default": IniEntry("unsafe_raw", 6, "filter"),
    "filter.default_flags": IniEntry(None, 6, "filter"),
    "from": IniEntry(None, 7, "standard"),
    "hard_timeout": IniEntry("2", 4, "core"),
    "highlight.comment": IniEntry("#FF8000", 7, "core"),
    "highlight.default": IniEntry("#0000BB", 7, "core"),
    "highlight.html": IniEntry("#000000", 7, "core"),
    "highlight.keyword": IniEntry("#007700", 7, "core"),
    "highlight.string": IniEntry("#DD0000", 7, "core"),
    "html_errors": IniEntry("0", 7, "core"),
    "ignore_repeated_errors": IniEntry("0", 7, "core"),
    "ignore_repeated_source": IniEntry("0", 7, "core"),
    "ignore_user_abort": IniEntry("0", 7, "core"),
    "implicit_flush": IniEntry("1", 7, "core"),
    "include_path": IniEntry(".:/usr/share/php", 7, "core"),
    "input_encoding": IniEntry(None, 7, "core"),
    "internal_encoding": IniEntry(None, 7, "core"),
    "log_errors": IniEntry("0", 7, "core"),
    "mail.add_x_header": IniEntry("0", 6, "core"),
    "mail.force_extra_parameters": IniEntry(None, 6, "core"),
    "mail.log": IniEntry(None, 6, "core"),
    "mail.mixed_lf_and_crlf": IniEntry("0", 6, "core"),
    "max_execution_time": IniEntry("0", 7, "core"),
    "max_file_uploads": IniEntry("20", 6, "core"),
    "max_input_nesting_level": IniEntry("64", 6, "core"),
    "max_input_time": IniEntry("-1", 6, "core"),
    "max_input_vars": IniEntry("1000", 6, "core"),
    "max_multipart_body_parts": IniEntry("-1", 6, "core"),
    "memory_hard_limit_percent": IniEntry(None, 7, "core"),
    "memory_limit": IniEntry("128M", 7, "core"),
    "open_basedir": IniEntry(None, 7, "core"),
    "openssl.cafile": IniEntry(None, 2, "openssl"),
    "openssl.capath": IniEntry(None, 2, "openssl"),
    "output_buffering": IniEntry("0", 6, "core"),
    "output_encoding": IniEntry(None, 7, "core"),
    "output_handler": IniEntry(None, 6, "core"),
    "pcre.backtrack_limit": IniEntry("1000000", 7, "pcre"),
    "pcre.jit": IniEntry("1", 7, "pcre"),
    "pcre.recursion_limit": IniEntry("100000", 7, "pcre"),
    "post_max_size": IniEntry("8M", 6, "core"),
    "precision": IniEntry("14", 7, "core"),
    "realpath_cache_size": IniEntry("4096K", 4, "core"),
    "realpath_cache_ttl": IniEntry("120", 4, "core"),
    "register_argc_argv": IniEntry("1", 6, "core"),
    "report_memleaks": IniEntry("1", 7, "core"),
    "report_zend_debug": IniEntry("0", 7, "core"),
    "request_order": IniEntry(None, 6, "core"),
    "sendmail_from": IniEntry(None, 7, "core"),
    "sendmail_path": IniEntry("/usr/sbin/sendmail -t -i", 4, "core"),
    "serialize_precision": IniEntry("-1", 7, "core"),
    "session.auto_start": IniEntry("0", 2, "session"),
    "session.cache_expire": IniEntry("180", 7, "session"),
    "session.cache_limiter": IniEntry("nocache", 7, "session"),
    "session.cookie_domain": IniEntry("", 7, "session"),
    "session.cookie_httponly": IniEntry("0", 7, "session"),
    "session.cookie_lifetime": IniEntry("0", 7, "session"),
    "session.cookie_path": IniEntry("/", 7, "session"),
    "session.cookie_samesite": IniEntry("", 7, "session"),
    "session.cookie_secure": IniEntry("0", 7, "session"),
    "session.gc_divisor": IniEntry("100", 7, "session"),
    "session.gc_maxlifetime": IniEntry("1440", 7, "session"),
    "session.gc_probability": IniEntry("1", 7, "session"),
    "session.lazy_write": IniEntry("1", 7, "session"),
    "session.name": IniEntry("PHPSESSID", 7, "session"),
    "session.referer_check": IniEntry("", 7, "session"),
    "session.save_handler": IniEntry("files", 7, "session"),
    "session.save_path": IniEntry("/var/lib/php/sessions", 7, "session"),
    "session.serialize_handler": IniEntry("php", 7, "session"),
    "session.sid_bits_per_character": IniEntry("4", 7, "session"),
    "session.sid_length": IniEntry("32", 7, "session"),
    "session.trans_sid_hosts": IniEntry("", 7, "standard"),
    "session.trans_sid_tags": IniEntry("a=href,area=href,frame=src,form=", 7, "standard"),
    "session.upload_progress.cleanup": IniEntry("1", 2, "session"),
    "session.upload_progress.enabled": IniEntry("0", 2, "session"),
    "session.upload_progress.freq": IniEntry("1%", 2, "session"),
    "session.upload_progress.min_freq": IniEntry("1", 2, "session"),
    "session.upload_progress.name": IniEntry("PHP_SESSION_UPLOAD_PROGRESS", 2, "session"),
    "session.upload_progress.prefix": IniEntry("upload_progress_", 2, "session"),
    "session.use_cookies": IniEntry("1", 7, "session"),
    "session.use_only_cookies": IniEntry("1", 7, "session"),
    "session.use_strict_mode": IniEntry("0", 7, "session"),
    "session.use_trans_sid": IniEntry("0", 7, "session"),
    "short_open_tag": IniEntry("1", 6, "core"),
    "SMTP": IniEntry("localhost", 7, "core"),
    "smtp_port": IniEntry("25", 7, "core"),
    "sys_temp_dir": IniEntry(None, 4, "core"),
    "syslog.facility": IniEntry("LOG_USER", 4, "core"),
    "syslog.filter": IniEntry("no-ctrl", 7, "core"),
    "syslog.ident": IniEntry("php", 4, "core"),
    "unserialize_callback_func": IniEntry(None, 7, "core"),
    "unserialize_max_depth": IniEntry("4096", 7, "standard"),
    "upload_max_filesize": IniEntry("2M", 6, "core"),
    "upload_tmp_dir": IniEntry(None, 4, "core"),
    "url_rewriter.hosts": IniEntry("", 7, "standard"),
    "url_rewriter.tags": IniEntry("form=", 7, "standard"),
    "user_agent": IniEntry(None, 7, "standard"),
    "user_dir": IniEntry(None, 4, "core"),
    "user_ini.cache_ttl": IniEntry("300", 4, "core"),
    "user_ini.filename": IniEntry(".user.ini", 4, "core"),
    "variables_order": IniEntry("EGPCS", 6, "core"),
    "xmlrpc_error_number": IniEntry("0", 7, "core"),
    "xmlrpc_errors": IniEntry("0", 4, "core"),
    "zend.assertions": IniEntry("1", 7, "core"),
    "zend.detect_unicode": IniEntry("1", 7, "core"),
    "zend.enable_gc": IniEntry("1", 7, "core"),
    "zend.exception_ignore_args": IniEntry("0", 7, "core"),
    "zend.exception_string_param_max_len": IniEntry("15", 7, "core"),
    "zend.multibyte": IniEntry("0", 2, "core"),
    "zend.script_encoding": IniEntry(None, 7, "core"),
    "zend.signal_check": IniEntry("0", 4, "core"),
    "zlib.output_compression": IniEntry("0", 7, "zlib"),
    "zlib.output_compression_level": IniEntry("-1", 7, "zlib"),
    "zlib.output_handler": IniEntry("", 7, "zlib"),
}


PHP_8_2 = Profile(
    version="8.2",
    version_id=80236,
    core_transports=("tcp", "udp", "unix", "udg"),
    tls_transports=("ssl", "tls", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"),
    constants=MappingProxyType({**_STREAM_8_2, **_CRYPTO_8_2}),
    string_constants=MappingProxyType(_STRINGS_8_2),
    messages=MappingProxyType(_MESSAGES_8_2),
    ini_defaults=MappingProxyType(_INI_8_2),
    ini_extensions_without_entries=frozenset(
        {"hash", "json", "libxml", "pcntl", "random", "reflection", "sodium", "spl"}
    ),
    openssl_texts="3.0",
)
