"""Unit tests for :mod:`phpstreams._context`: the stream-context option store and the
coercion of ``socket`` options as ``xp_socket.c`` / ``transports.c`` read them."""

from __future__ import annotations

import pytest

from phpstreams._context import SocketOptions, StreamContext, socket_options
from phpstreams._resources import ResourceIds


class TestStreamContext:
    def test_empty(self) -> None:
        """A new context has no options and no notification callback."""
        ctx = StreamContext(ResourceIds())
        assert ctx.options == {}
        assert ctx.notification is None
        assert ctx.resource_type == "stream-context"

    def test_get_unset(self) -> None:
        """An unset option (or wrapper) reads as None, PHP's NULL zval pointer."""
        ctx = StreamContext(ResourceIds())
        ctx.set("ssl", "verify_peer", False)
        assert ctx.get("ssl", "peer_name") is None
        assert ctx.get("socket", "bindto") is None
        assert ctx.has("ssl", "verify_peer")
        assert not ctx.has("ssl", "peer_name")
        assert not ctx.has("socket", "bindto")

    def test_has_distinguishes_explicit_null(self) -> None:
        """An option explicitly set to null exists, although it reads as None."""
        ctx = StreamContext(ResourceIds())
        ctx.set("socket", "bindto", None)
        assert ctx.has("socket", "bindto")
        assert ctx.get("socket", "bindto") is None

    def test_set_overwrites_in_place(self) -> None:
        """Setting an existing option replaces its value and keeps its position."""
        ctx = StreamContext(ResourceIds())
        ctx.set("ssl", "a", 1)
        ctx.set("ssl", "b", 2)
        ctx.set("ssl", "a", 3)
        assert list(ctx.options["ssl"].items()) == [("a", 3), ("b", 2)]

    def test_merge_order(self) -> None:
        """Wrappers and options keep insertion order, as PHP arrays do; a merge appends
        new options after the existing ones and updates old ones in place."""
        ctx = StreamContext(ResourceIds())
        ctx.merge({"ssl": {"verify_peer": True, "cafile": "/a"}, "socket": {"bindto": "0:0"}})
        ctx.merge({"ssl": {"peer_name": "x", "verify_peer": False}, "http": {"method": "GET"}})
        assert list(ctx.options) == ["ssl", "socket", "http"]
        assert list(ctx.options["ssl"].items()) == [
            ("verify_peer", False),
            ("cafile", "/a"),
            ("peer_name", "x"),
        ]
        assert ctx.get("socket", "bindto") == "0:0"

    def test_php_written_options_are_appended(self) -> None:
        """Options PHP writes itself (peer_certificate) land after the user's."""
        ctx = StreamContext(ResourceIds())
        ctx.merge({"ssl": {"capture_peer_cert": True}})
        ctx.set("ssl", "peer_certificate", object())
        assert list(ctx.options["ssl"]) == ["capture_peer_cert", "peer_certificate"]

    def test_repr(self) -> None:
        """The repr is var_dump()'s with the options; str() and int() are PHP's casts."""
        ctx = StreamContext(ResourceIds())
        ctx.set("socket", "backlog", 5)
        assert repr(ctx) == "<resource(4) of type (stream-context) {'socket': {'backlog': 5}}>"
        assert (str(ctx), int(ctx)) == ("Resource id #4", 4)


def _ctx(**socket: object) -> StreamContext:
    ctx = StreamContext(ResourceIds())
    ctx.merge({"socket": socket})
    return ctx


class TestSocketOptions:
    def test_no_context(self) -> None:
        """Without a context (fsockopen) every option is at its default."""
        assert socket_options(None) == SocketOptions()

    def test_no_socket_wrapper(self) -> None:
        """A context without "socket" options changes nothing."""
        ctx = StreamContext(ResourceIds())
        ctx.set("ssl", "verify_peer", False)
        assert socket_options(ctx) == SocketOptions()

    def test_defaults(self) -> None:
        """Defaults: no bindto, backlog unset (PHP uses 32), v6only untouched, flags off."""
        opts = SocketOptions()
        assert opts.bindto is None
        assert opts.bindto_invalid is False
        assert opts.backlog is None
        assert opts.ipv6_v6only is None
        assert (opts.so_reuseport, opts.so_broadcast, opts.tcp_nodelay) == (False, False, False)

    @pytest.mark.parametrize(
        ("value", "bindto"),
        [("127.0.0.1:0", "127.0.0.1:0"), (b"[::1]:0", "[::1]:0"), ("", ""), ("0", "0")],
        ids=repr,
    )
    def test_bindto_string(self, value: str | bytes, bindto: str) -> None:
        """A string bindto is kept as text (whether it parses is decided at connect)."""
        opts = socket_options(_ctx(bindto=value))
        assert opts.bindto == bindto
        assert opts.bindto_invalid is False

    @pytest.mark.parametrize("value", [0, 1, 8080, 1.5, True, False, ["127.0.0.1:0"]], ids=repr)
    def test_bindto_not_string(self, value: object) -> None:
        """Any non-string bindto makes the connect fail ("local_addr context option is
        not a string."), so it is flagged, not converted."""
        opts = socket_options(_ctx(bindto=value))
        assert opts.bindto is None
        assert opts.bindto_invalid is True

    def test_bindto_null_is_not_a_string(self) -> None:
        """An explicit null bindto is present and not a string, so PHP refuses it."""
        opts = socket_options(_ctx(bindto=None))
        assert opts.bindto_invalid is True

    @pytest.mark.parametrize(
        ("value", "backlog"),
        [
            (5, 5),
            ("5", 5),
            ("12abc", 12),
            ("abc", 0),
            (5.9, 5),
            (True, 1),
            (False, 0),
            (-1, -1),
            ([], 0),
            ([1, 2], 1),
        ],
        ids=repr,
    )
    def test_backlog(self, value: object, backlog: int) -> None:
        """backlog goes through zval_get_long."""
        assert socket_options(_ctx(backlog=value)).backlog == backlog

    def test_backlog_null(self) -> None:
        """An explicit null backlog is converted like any value: zval_get_long gives 0."""
        assert socket_options(_ctx(backlog=None)).backlog == 0

    @pytest.mark.parametrize(
        ("value", "v6only"),
        [
            (None, None),
            (True, True),
            (False, False),
            (1, True),
            (0, False),
            ("0", False),
            ("yes", True),
            ("", False),
            ([], False),
        ],
        ids=repr,
    )
    def test_ipv6_v6only(self, value: object, v6only: bool | None) -> None:
        """Any non-null ipv6_v6only sets IPV6_V6ONLY to its truthiness; null leaves the
        socket alone."""
        assert socket_options(_ctx(ipv6_v6only=value)).ipv6_v6only is v6only

    @pytest.mark.parametrize("name", ["so_reuseport", "so_broadcast", "tcp_nodelay"])
    @pytest.mark.parametrize(
        ("value", "enabled"),
        [
            (True, True),
            (1, True),
            ("1", True),
            (False, False),
            (0, False),
            ("0", False),
            (None, False),
            ("", False),
        ],
        ids=repr,
    )
    def test_flags(self, name: str, value: object, enabled: bool) -> None:
        """The boolean socket options are enabled by any truthy value."""
        opts = socket_options(_ctx(**{name: value}))
        assert getattr(opts, name) is enabled

    def test_unrelated_options_ignored(self) -> None:
        """Unknown socket options are carried by the context but have no effect."""
        assert socket_options(_ctx(so_keepalive=True)) == SocketOptions()
