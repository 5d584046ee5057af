"""Stream contexts: the option store and the coercion of ``socket`` options.

Layering rule: pure. Holds data and applies PHP's coercion rules; performs no I/O.
The ``ssl`` options are resolved by the TLS layer from the same store.

A context is a two-level ordered mapping ``wrapper -> option -> value`` (PHP arrays keep
insertion order, and options PHP itself writes -- ``peer_certificate`` -- are appended)
plus ``params`` (the ``notification`` callback). An accepted stream shares its
listening socket's context object, so options written through one are visible through
the other (php-src test bug46127).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._phpvalues import as_text, to_bool, to_long
from ._resources import PHPResource, ResourceIds

__all__ = ["SocketOptions", "StreamContext", "socket_options"]


class StreamContext(PHPResource):
    """A PHP ``stream-context`` resource (``php_stream_context_alloc`` registers it)."""

    __slots__ = ("__weakref__", "notification", "options", "resource_id")

    resource_type = "stream-context"

    def __init__(self, resources: ResourceIds) -> None:
        self.resource_id = resources.allocate()
        self.options: dict[Any, dict[Any, Any]] = {}
        self.notification: Any = None

    def get(self, wrapper: str, name: str) -> Any:
        """The option value, or ``None`` when it is not set (PHP's NULL zval*)."""
        opts = self.options.get(wrapper)
        if opts is None:
            return None
        return opts.get(name)

    def has(self, wrapper: str, name: str) -> bool:
        opts = self.options.get(wrapper)
        return opts is not None and name in opts

    def set(self, wrapper: Any, name: Any, value: Any) -> None:
        self.options.setdefault(wrapper, {})[name] = value

    def merge(self, options: Mapping[Any, Mapping[Any, Any]]) -> None:
        for wrapper, opts in options.items():
            for name, value in opts.items():
                self.set(wrapper, name, value)

    def __repr__(self) -> str:
        return f"<resource({self.resource_id}) of type (stream-context) {self.options!r}>"


@dataclass(frozen=True, slots=True)
class SocketOptions:
    """The ``socket`` context options, coerced as ``xp_socket.c`` / ``network.c`` do.

    ``bindto`` is ``None`` when absent; ``bindto_invalid`` records a non-string value,
    which aborts a connect ("local_addr context option is not a string.").
    """

    bindto: str | None = None
    bindto_invalid: bool = False
    backlog: int | None = None
    ipv6_v6only: bool | None = None
    so_reuseport: bool = False
    so_broadcast: bool = False
    tcp_nodelay: bool = False


NO_SOCKET_OPTIONS = SocketOptions()


def socket_options(ctx: StreamContext | None) -> SocketOptions:
    if ctx is None or "socket" not in ctx.options:
        return NO_SOCKET_OPTIONS
    opts = ctx.options["socket"]
    # Presence matters, not truthiness: PHP finds an option set to null and uses it.
    bindto = opts.get("bindto")
    v6only = opts.get("ipv6_v6only")
    is_string = isinstance(bindto, str | bytes)
    return SocketOptions(
        bindto=as_text(bindto) if isinstance(bindto, str | bytes) else None,
        bindto_invalid="bindto" in opts and not is_string,
        backlog=to_long(opts["backlog"]) if "backlog" in opts else None,
        ipv6_v6only=None if v6only is None else to_bool(v6only),
        so_reuseport=to_bool(opts.get("so_reuseport")),
        so_broadcast=to_bool(opts.get("so_broadcast")),
        tcp_nodelay=to_bool(opts.get("tcp_nodelay")),
    )
