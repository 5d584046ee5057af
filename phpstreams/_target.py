"""Transport and address parsing, exactly as PHP's stream layer does it.

Layering rule: pure. No DNS, no sockets; raises :class:`AddressError` and appends
:class:`Note` records. Imports only the profile, errors and value helpers.

Theory of operation
-------------------
PHP splits ``"scheme://rest"`` in ``php_stream_xport_create``: the scheme is the
leading run of ``[A-Za-z0-9+.-]``, and only counts when it is **longer than one
character** and followed by ``://`` (one-letter schemes are left alone because they
look like Windows drive letters). Anything else is ``tcp`` with the whole string as
the address.

An inet address (tcp, udp and the TLS transports) is then parsed by
``parse_ip_address_ex`` in ``main/streams/xp_socket.c``:

1. a NUL byte anywhere is refused (8.2.29+);
2. ``[v6]:port`` -- a ``]`` must appear before the last character and be followed by
   ``:``; otherwise "Failed to parse IPv6 address";
3. otherwise the **first** colon (not counting one in the last position) splits host
   from port; no colon is "Failed to parse address".

The port is C ``atoi`` of what follows, truncated to 16 bits by ``htons``: ``:80abc``
is 80, ``:+80`` is 80, ``:x`` is 0, 84541 wraps to 19005, and a trailing ``/suffix``
is ignored (persistent-id trick, php-src test socket_bug74429). PHP 8.4 reads it with
``strtol`` and refuses one outside 0..65535 ("Failed to parse port of address",
``Profile.port_range_checked``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ._errors import E_NOTICE, AddressError, Note
from ._phpvalues import atoi_port, strtol_port
from ._profiles import Profile

__all__ = [
    "InetAddress",
    "port_number",
    "split_transport",
    "parse_inet_address",
    "unix_path",
    "unknown_transport_error",
]

_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")


@functools.lru_cache(maxsize=1024)
def split_transport(spec: str) -> tuple[str, str, bool]:
    """Split ``spec`` into ``(transport, address, explicit)``.

    ``explicit`` is False when PHP defaulted to tcp (the whole spec is the address).
    """
    n = 0
    for ch in spec:
        if ch not in _SCHEME_CHARS:
            break
        n += 1
    if n > 1 and spec.startswith("://", n):
        return spec[:n], spec[n + 3 :], True
    return "tcp", spec, False


def unknown_transport_error(name: str, profile: Profile) -> AddressError:
    """PHP copies the name into a 32-byte buffer, so it shows at most 31 characters."""
    return AddressError(profile.msg("unknown_transport", name=name[:31]))


@dataclass(frozen=True, slots=True)
class InetAddress:
    host: str
    port: int  # already reduced to 16 bits, as htons() leaves it


def _c_string(text: str) -> str:
    """What ``%s`` prints: the text up to the first NUL."""
    return text.split("\0", 1)[0]


#: Successful parses, per profile version (a script connects to the same few addresses
#: over and over). Addresses with a NUL byte are never remembered: profiles differ there.
_parsed: dict[tuple[str, str], InetAddress] = {}


def parse_inet_address(address: str, profile: Profile) -> InetAddress:
    """Parse ``host:port`` / ``[v6]:port`` the way ``parse_ip_address_ex`` does."""
    key = (profile.version, address)
    known = _parsed.get(key)
    if known is None:
        known = _parse_inet_address(address, profile)
        if len(_parsed) < 1024 and "\0" not in address:
            _parsed[key] = known
    return known


def _parse_inet_address(address: str, profile: Profile) -> InetAddress:
    if profile.rejects_nul_in_hostname and "\0" in address:
        raise AddressError(profile.msg("hostname_nul"))
    if address.startswith("[") and len(address) > 1:
        close = address.find("]", 1, len(address) - 1)
        if close < 0 or address[close + 1 : close + 2] != ":":
            raise AddressError(profile.msg("parse_ipv6_address", address=_c_string(address)))
        return InetAddress(address[1:close], _port(address[close + 2 :], address, profile))
    colon = address.find(":", 0, max(len(address) - 1, 0))
    if colon < 0:
        raise AddressError(profile.msg("parse_address", address=_c_string(address)))
    return InetAddress(address[:colon], _port(address[colon + 1 :], address, profile))


def port_number(text: str, profile: Profile) -> int | None:
    """A port as PHP reads it: ``atoi`` wrapped to 16 bits, or -- with
    ``Profile.port_range_checked`` -- strtol, None outside 0..65535."""
    if not profile.port_range_checked:
        return atoi_port(text)
    port = strtol_port(text)
    return port if 0 <= port <= 0xFFFF else None


def _port(text: str, address: str, profile: Profile) -> int:
    """The port of ``address`` (``text`` follows its colon)."""
    port = port_number(text, profile)
    if port is None:
        raise AddressError(profile.msg("parse_port", address=_c_string(address)))
    return port


def unix_path(address: str, profile: Profile, notes: list[Note]) -> bytes:
    """The ``sun_path`` bytes PHP uses for a unix/udg address.

    Binary-safe; an abstract-namespace name (leading NUL) may use all of ``sun_path``,
    a filesystem path one byte less (room for its terminating NUL). Longer names are
    truncated with an E_NOTICE.
    """
    raw = address.encode("utf-8", "surrogateescape")
    limit = profile.unix_path_max - 1
    said = limit
    if profile.unix_path_abstract_full_length:
        if raw.startswith(b"\0"):
            limit = said = profile.unix_path_max
    else:
        said = profile.unix_path_max  # PHP 7 prints sizeof(sun_path)
    if len(raw) > limit:
        notes.append(Note(E_NOTICE, profile.msg("unix_path_truncated", max=said)))
        raw = raw[:limit]
    return raw
