"""PHP 8.4 as Debian 13 ships it (80428, with OpenSSL 3.5), written as
its differences from PHP 8.2 (``php82.py``).

Pure data; every entry is checked against the real PHP 8.4 by compat_tests (the
``php8.4-oracle`` of ``.ci/oracles``). The ini table and the constants were read with
``python -m compat_tests.profile_facts``.
"""

from __future__ import annotations

from ._model import IniEntry, derive, frozen
from .php82 import PHP_8_2

__all__ = ["PHP_8_4"]

#: The ini entries ``php -n`` 8.4 reports that 8.2's does not, or with another
#: default (the rest are 8.2's; ``python -m compat_tests.profile_facts`` lists them all).
_INI_CHANGED_84 = {
    "extension_dir": IniEntry("/usr/lib/php/20240924", 4, "core"),
    "zend.max_allowed_stack_size": IniEntry("0", 4, "core"),
    "zend.reserved_stack_size": IniEntry("0", 4, "core"),
}

# Message texts that differ from 8.2, by area (kept apart so that each area's
# entries stay together): stream and socket functions; PHP's argument parser and
# argument-error model; TLS (xp_ssl.c).
_MESSAGES_84: dict[str, str] = {
    # 8.2 names the argument "#6" with no name (GH-14780's check was off by one);
    # 8.4 numbers and names it right.
    "timeout_range": "Argument #5 ($timeout) must be -1 or between 0 and {max}",
    # only with port_range_checked
    "parse_port": 'Failed to parse port of address "{address}"',
    # zend_error, no "func(): " prefix; only when deprecates_set_option_two_args.
    "set_option_two_args": (
        "Calling stream_context_set_option() with 2 arguments is deprecated, "
        "use stream_context_set_options() instead"
    ),
}
_ARG_MESSAGES_84: dict[str, str] = {}
_TLS_MESSAGES_84: dict[str, str] = {
    "path_empty": "Path must not be empty",
    "tls_alpn_empty_name": "Failed setting TLS ALPN protocols, protocol names must not be empty",
}

PHP_8_4 = derive(
    PHP_8_2,
    version="8.4",
    messages={**_MESSAGES_84, **_ARG_MESSAGES_84, **_TLS_MESSAGES_84},
    version_id=80428,
    constants={
        "E_ALL": 30719,
        "PHP_VERSION_ID": 80428,
        "PHP_MAJOR_VERSION": 8,
        "PHP_MINOR_VERSION": 4,
        "PHP_RELEASE_VERSION": 28,
    },
    string_constants=frozen({**PHP_8_2.string_constants, "PHP_VERSION": "8.4.28"}),
    default_error_reporting=30719,
    functions_added=frozenset({"stream_context_set_options"}),  # 8.3
    type_error_names_bool_value=True,  # 8.3
    ini_changed=_INI_CHANGED_84,
    openssl_texts="3.5",
    legacy_tls_needs_security_level0=True,
    alpn_rejects_empty_names=True,
    tls_write_after_close_queues_errno=True,
    tls_handshake_timeout_restores_blocking=True,
    accept_crypto_failure_errstr="Cannot enable crypto",
    socket_streams_keep_uri=True,
    deprecates_set_option_two_args=True,
    port_range_checked=True,
    memory_seek_past_end=True,
    fread_blocks_when_buffered=False,
    zero_timeout_reads_without_wait=True,
)
