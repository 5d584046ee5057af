"""Unit tests for :func:`phpstreams._ssl_options.resolve_ssl`: PHP's GET_VER_OPT rules
(an option set to null is present), coercions, and the defaults of absent options."""

from __future__ import annotations

from phpstreams._context import StreamContext
from phpstreams._resources import ResourceIds
from phpstreams._ssl_options import SSLSettings, resolve_ssl


def _ctx(**ssl: object) -> StreamContext:
    ctx = StreamContext(ResourceIds())
    ctx.merge({"ssl": ssl})
    return ctx


def test_no_context_and_empty_context() -> None:
    assert resolve_ssl(None) == SSLSettings()
    assert resolve_ssl(StreamContext(ResourceIds())) == SSLSettings(has_context=True)
    assert resolve_ssl(_ctx()) == SSLSettings(has_context=True)


def test_absent_options_keep_phps_defaults() -> None:
    s = resolve_ssl(_ctx(cafile="/ca.pem"))
    assert (s.cafile, s.verify_peer, s.disable_compression, s.sni_enabled) == (
        "/ca.pem",
        None,
        True,
        True,
    )
    assert (s.min_proto_version, s.max_proto_version, s.verify_depth) == (0, 0, None)


def test_null_is_present_and_coerced() -> None:
    s = resolve_ssl(
        _ctx(verify_peer=None, peer_name=None, verify_depth=None, disable_compression=None)
    )
    assert (s.verify_peer, s.peer_name, s.verify_depth, s.disable_compression) == (
        False,
        "",
        0,
        False,
    )


def test_coercions() -> None:
    s = resolve_ssl(
        _ctx(
            verify_peer="0",
            allow_self_signed=1,
            ciphers=["x"],
            security_level="3abc",
            SNI_enabled=0,
            local_cert=b"/c.pem",
            min_proto_version=8.9,
        )
    )
    assert (s.verify_peer, s.allow_self_signed, s.ciphers) == (False, True, "Array")
    assert (s.security_level, s.sni_enabled, s.local_cert) == (3, False, "/c.pem")
    assert s.min_proto_version == 8


def test_presence_only_options() -> None:
    s = resolve_ssl(_ctx(SNI_server_certs=None, peer_fingerprint="ab", rsa_key_size=None))
    assert (s.sni_server_certs_set, s.sni_server_certs) == (True, None)
    assert (s.peer_fingerprint_set, s.peer_fingerprint) == (True, "ab")
    assert s.rsa_key_size_set is True
    assert resolve_ssl(_ctx(cafile="x")).sni_server_certs_set is False


def test_unknown_and_non_string_keys_are_ignored() -> None:
    ctx = StreamContext(ResourceIds())
    ctx.merge({"ssl": {"no_such_option": 1, 5: "x"}})
    assert resolve_ssl(ctx) == SSLSettings(has_context=True)
