"""The ``ssl`` context options and PHP's crypto-method algebra.

Layering rule: pure. Reads a :class:`StreamContext`, applies PHP's coercions and
defaults, and turns a ``STREAM_CRYPTO_METHOD_*`` bitmask into a protocol range.
Nothing here touches OpenSSL; the TLS engine consumes the result.

Theory of operation: method bitmasks (ext/openssl/xp_ssl.c, PHP 7.4+)
----------------------------------------------------------------------
Bit 0 says "client". The other bits are protocols: SSLv2 2, SSLv3 4, TLS 1.0 8,
TLS 1.1 16, TLS 1.2 32, TLS 1.3 64. PHP never honours gaps:

1. ``min`` is ``min_proto_version`` if non-zero, else the lowest set bit within the
   supported range; ``max`` likewise with ``max_proto_version`` and the highest bit.
   An empty mask gives TLS 1.3 for both.
2. Every supported bit with ``min <= bit <= max`` is set, every other bit cleared
   (the options override the mask in both directions; comparisons are numeric).
3. OpenSSL gets ``set_min_proto_version(lowest set)`` and ``max(highest set)``; if
   nothing is left (``min > max``), both fall back to TLS 1.3.

The supported range starts at SSLv3 only when the linked OpenSSL has SSLv3, else at
TLS 1.0, and ends at TLS 1.3.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._context import StreamContext
from ._phpvalues import as_text, is_array, to_bool, to_long, to_php_string

__all__ = [
    "IS_CLIENT",
    "PROTO_SSLv3",
    "PROTO_TLS1_0",
    "PROTO_TLS1_1",
    "PROTO_TLS1_2",
    "PROTO_TLS1_3",
    "TLS_ANY_CLIENT",
    "SSLSettings",
    "method_for_transport",
    "protocol_bounds",
    "resolve_ssl",
    "url_name",
]

IS_CLIENT = 1
PROTO_SSLv2 = 2
PROTO_SSLv3 = 4
PROTO_TLS1_0 = 8
PROTO_TLS1_1 = 16
PROTO_TLS1_2 = 32
PROTO_TLS1_3 = 64
#: The default of ssl:// and tls:// (TLS 1.0-1.3, client).
TLS_ANY_CLIENT = IS_CLIENT | PROTO_TLS1_0 | PROTO_TLS1_1 | PROTO_TLS1_2 | PROTO_TLS1_3

#: Pinned transports ignore the crypto_method option.
_PINNED = {
    "sslv3": IS_CLIENT | PROTO_SSLv3,
    "tlsv1.0": IS_CLIENT | PROTO_TLS1_0,
    "tlsv1.1": IS_CLIENT | PROTO_TLS1_1,
    "tlsv1.2": IS_CLIENT | PROTO_TLS1_2,
    "tlsv1.3": IS_CLIENT | PROTO_TLS1_3,
}


def method_for_transport(name: str, ctx: StreamContext | None) -> int:
    """The method a transport starts with (``php_openssl_ssl_socket_factory``):
    ssl:// and tls:// take ``crypto_method`` (as an int, client bit forced on)."""
    if name in _PINNED:
        return _PINNED[name]
    if ctx is not None and ctx.has("ssl", "crypto_method"):
        return to_long(ctx.get("ssl", "crypto_method")) | IS_CLIENT
    return TLS_ANY_CLIENT


@functools.lru_cache(maxsize=256)
def protocol_bounds(method: int, min_opt: int, max_opt: int, *, has_ssl3: bool) -> tuple[int, int]:
    """The (lowest, highest) protocol bit to enable, per the rules above."""
    low = PROTO_SSLv3 if has_ssl3 else PROTO_TLS1_0
    high = PROTO_TLS1_3
    bits = [
        b
        for b in (PROTO_SSLv3, PROTO_TLS1_0, PROTO_TLS1_1, PROTO_TLS1_2, PROTO_TLS1_3)
        if low <= b <= high
    ]

    def lowest(flags: int) -> int:
        return next((b for b in bits if flags & b), high)

    def highest(flags: int) -> int:
        return next((b for b in reversed(bits) if flags & b), PROTO_TLS1_3)

    flags = method & ~IS_CLIENT
    lo = min_opt or lowest(flags)
    hi = max_opt or highest(flags)
    for b in bits:
        if lo <= b <= hi:
            flags |= b
        else:
            flags &= ~b
    return lowest(flags), highest(flags)


_URL_HOST = re.compile(r"(?:[^@/?#]*@)?([^:/?#@]*):(\d{1,5})(?=[/?#]|\Z)")


def url_name(address: str) -> str | None:
    """``php_openssl_get_url_name``: the host ``php_url_parse_ex`` finds in a transport
    address (``host:port[/...]``), trailing dots removed; None when there is none (a
    bracketed IPv6 literal parses as a path, so it has no name; "[127.0.0.1]" has no
    colon inside and is a name, brackets included)."""
    m = _URL_HOST.match(address)
    if m is None or int(m.group(2)) > 65535:
        return None
    host = m.group(1).rstrip(".")
    return host or None


@dataclass(frozen=True, slots=True)
class SSLSettings:
    """The ``ssl`` options as xp_ssl.c reads them. ``None`` means "not set"."""

    verify_peer: bool | None = None
    verify_peer_name: bool | None = None
    allow_self_signed: bool = False
    cafile: str | None = None
    capath: str | None = None
    local_cert: str | None = None
    local_pk: str | None = None
    passphrase: str | None = None
    peer_name: str | None = None
    verify_depth: int | None = None
    ciphers: str | None = None
    security_level: int | None = None
    min_proto_version: int = 0
    max_proto_version: int = 0
    disable_compression: bool = True
    no_ticket: bool = False
    sni_enabled: bool = True
    sni_server_certs: Any = None
    sni_server_certs_set: bool = False
    peer_fingerprint: Any = None
    peer_fingerprint_set: bool = False
    capture_peer_cert: bool = False
    capture_peer_cert_chain: bool = False
    alpn_protocols: str | None = None
    honor_cipher_order: bool | None = None
    single_dh_use: bool | None = None
    dh_param: str | None = None
    rsa_key_size_set: bool = False
    has_context: bool = False


# PHP's GET_VER_OPT tests whether the option *exists*: an option set to null is
# present (and converts to "", 0 or false), which differs from an absent one.


def _long(value: Any) -> int:
    return to_long(value)


def _bool(value: Any) -> bool:
    return to_bool(value)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return as_text(value)
    if is_array(value):
        return "Array"
    return to_php_string(value)


def _c_text(value: Any) -> str:
    """A string option xp_ssl.c uses as a C string: it ends at the first NUL."""
    return _text(value).split("\0", 1)[0]


def _raw(value: Any) -> Any:
    return value


def _present(value: Any) -> bool:
    return True


#: ssl option -> (SSLSettings field, coercion) for each field the option sets.
#: Fields of options that are absent keep SSLSettings' defaults, which encode what
#: PHP does then (e.g. disable_compression and SNI_enabled default to on).
_SSL_FIELDS: dict[str, tuple[tuple[str, Callable[[Any], Any]], ...]] = {
    "verify_peer": (("verify_peer", _bool),),
    "verify_peer_name": (("verify_peer_name", _bool),),
    "allow_self_signed": (("allow_self_signed", _bool),),
    "cafile": (("cafile", _text),),
    "capath": (("capath", _text),),
    "local_cert": (("local_cert", _text),),
    "local_pk": (("local_pk", _text),),
    "passphrase": (("passphrase", _text),),
    "peer_name": (("peer_name", _c_text),),
    "verify_depth": (("verify_depth", _long),),
    "ciphers": (("ciphers", _text),),
    "security_level": (("security_level", _long),),
    "min_proto_version": (("min_proto_version", _long),),
    "max_proto_version": (("max_proto_version", _long),),
    "disable_compression": (("disable_compression", _bool),),
    "no_ticket": (("no_ticket", _bool),),
    "SNI_enabled": (("sni_enabled", _bool),),
    "SNI_server_certs": (("sni_server_certs", _raw), ("sni_server_certs_set", _present)),
    "peer_fingerprint": (("peer_fingerprint", _raw), ("peer_fingerprint_set", _present)),
    "capture_peer_cert": (("capture_peer_cert", _bool),),
    "capture_peer_cert_chain": (("capture_peer_cert_chain", _bool),),
    "alpn_protocols": (("alpn_protocols", _text),),
    "honor_cipher_order": (("honor_cipher_order", _bool),),
    "single_dh_use": (("single_dh_use", _bool),),
    "dh_param": (("dh_param", _text),),
    "rsa_key_size": (("rsa_key_size_set", _present),),
}


def resolve_ssl(ctx: StreamContext | None) -> SSLSettings:
    """Read every ``ssl`` option PHP 8.2 reads, with PHP's coercions (only the options
    that are set are looked at: a typical context has two or three)."""
    if ctx is None:
        return SSLSettings()
    fields: dict[str, Any] = {"has_context": True}
    opts = ctx.options.get("ssl")
    if opts:
        for name, value in opts.items():
            for field, coerce in _SSL_FIELDS.get(name, ()):
                fields[field] = coerce(value)
    return SSLSettings(**fields)
