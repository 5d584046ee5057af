"""Feature flag -> the binding names that exist only when the flag is 1, and the pruning helper.

The flags are ``static const long PHPSTREAMS_HAS_<X>`` values computed by the C compiler (see
``_cdefs/prelude.py``).  When a flag is 0 the dependent names are C stubs that only exist so the
cdef compiles; ``build_conditional_library`` drops them, so using a missing feature is an
AttributeError instead of a silent no-op.  Layering rule: only the TLS engine and
``phpstreams._native`` touch ``lib``.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from typing import Any

# An empty tuple means the flag only reports a property of the linked OpenSSL (read it through
# phpstreams._native.HAS); nothing in the binding depends on it.
CONDITIONAL_NAMES: Mapping[str, tuple[str, ...]] = types.MappingProxyType(
    {
        # No SSLv3_method is bound; the flag tells the engine whether sslv3:// can ever work.
        "PHPSTREAMS_HAS_SSL3_METHOD": (),
        # TLS 1.0 / 1.1 version constants and SSL_OP_NO_* always exist; the flags say whether
        # the library was built with those protocols at all.
        "PHPSTREAMS_HAS_TLS1_METHOD": (),
        "PHPSTREAMS_HAS_TLS1_1_METHOD": (),
        "PHPSTREAMS_HAS_TLS1_3": (
            "TLS1_3_VERSION",
            "SSL_OP_NO_TLSv1_3",
        ),
        "PHPSTREAMS_HAS_SECURITY_LEVEL": (
            "SSL_CTX_set_security_level",
            "SSL_CTX_get_security_level",
        ),
        "PHPSTREAMS_HAS_SSL_OP_IGNORE_UNEXPECTED_EOF": ("SSL_OP_IGNORE_UNEXPECTED_EOF",),
        "PHPSTREAMS_HAS_SSL_R_UNEXPECTED_EOF_WHILE_READING": (
            "SSL_R_UNEXPECTED_EOF_WHILE_READING",
        ),
        # SSL_get1_peer_certificate is always usable: on 1.1.1 it is #defined to
        # SSL_get_peer_certificate, which has the same (new reference) semantics.
        "PHPSTREAMS_HAS_SSL_GET1_PEER_CERTIFICATE": (),
        "PHPSTREAMS_HAS_SSL_CTX_SET0_TMP_DH_PKEY": ("SSL_CTX_set0_tmp_dh_pkey",),
    }
)


def build_conditional_library(
    lib: Any, conditional_names: Mapping[str, Iterable[str]]
) -> types.ModuleType:
    """Return a module holding every public name of ``lib`` except those whose flag is 0.

    A flag listed in ``conditional_names`` but missing from ``lib`` raises AttributeError: the
    table and the cdef are out of sync, which must not pass silently.
    """
    excluded: set[str] = set()
    for flag, names in conditional_names.items():
        if not getattr(lib, flag):
            excluded.update(names)

    module = types.ModuleType(
        "phpstreams._native.lib",
        "The compiled OpenSSL binding without the names this OpenSSL lacks.",
    )
    for name in dir(lib):
        if name.startswith("__") or name in excluded:
            continue
        setattr(module, name, getattr(lib, name))
    return module
