"""PHP 7.4's I/O rules, as its profile switches them on (``phpstreams.php74``); each
expectation was measured on the php7.4 oracle (strace for the poll() timeouts)."""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

import pytest

import phpstreams.php74 as php74
import phpstreams.php82 as php82
from phpstreams._phpvalues import double_to_ull, fsock_timeval, zend_atol
from phpstreams._transport import poll_ms


@pytest.mark.parametrize(
    ("seconds", "ms"),
    [
        (-1.0, 1271309319),
        (-0.25, 1271310069),
        (1e20, 0),
        (math.nan, -1511828489),
        (math.inf, 0),
        (-math.inf, -1511828489),
        (0.5, 500),
        (18446744073709.0, 1271309768),
        (18446744073710.0, 0),
        (2147483.648, -2147483648),
    ],
)
def test_timeout_c_cast(seconds: float, ms: int) -> None:
    """The poll() timeout PHP 7.4's stream_socket_client used for these timeouts."""
    micros = double_to_ull(seconds * 1_000_000.0)
    assert poll_ms((micros // 1_000_000, micros % 1_000_000)) == ms


@pytest.mark.parametrize(
    ("seconds", "ms"), [(-1.0, -1000), (-0.25, -250), (1e20, 1511828489), (0.5, 500)]
)
def test_fsockopen_timeout_cast(seconds: float, ms: int) -> None:
    """The poll() timeout PHP 7.4's fsockopen used (a signed cast: negative waits)."""
    assert poll_ms(fsock_timeval(seconds)) == ms


@pytest.mark.parametrize(
    ("text", "value"),
    [("10", 10), ("1k", 1024), ("1 K", 1024), ("1kb", 1), ("0x10", 16), ("010", 8),
     ("08", 0), ("0b11", 0), ("abc", 0), (" 0x1fk", 31744), ("-5", -5),
     ("99999999999999999999", 2**63 - 1), ("9999999999999999g", -7210192635749728256)],
)  # fmt: skip
def test_zend_atol(text: str, value: int) -> None:
    """PHP 7's reading of integer ini entries: strtol base 0, then a k/m/g last char."""
    assert zend_atol(text) == value


def _pair(f: Any) -> tuple[Any, Any, Any]:
    srv = f.stream_socket_server("tcp://127.0.0.1:0")
    name = f.stream_socket_get_name(srv, False)
    cli = f.stream_socket_client(f"tcp://{name}")
    acc = f.stream_socket_accept(srv)
    return srv, cli, acc


@pytest.mark.parametrize(("facade", "result"), [(php74, b""), (php82, False)])
def test_read_timeout_result(facade: Any, result: object) -> None:
    """A read that times out: "" in 7.4 (php_sockop_read returned 0), false in 8.x."""
    f = facade
    srv, cli, acc = _pair(f)
    f.stream_set_timeout(cli, 0, 50_000)
    assert f.fread(cli, 10) == result
    assert f.stream_get_meta_data(cli)["timed_out"] is True
    assert f.fgets(cli) is False
    for s in (cli, acc, srv):
        f.fclose(s)


def test_accept_huge_timeout_is_none_in_74() -> None:
    """stream_socket_accept($s, 1e20): 2**64 microseconds or more cast to 0 in 7.4."""
    f: Any = php74
    srv = f.stream_socket_server("tcp://127.0.0.1:0")
    t0 = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert f.stream_socket_accept(srv, 1e20) is False
    assert time.monotonic() - t0 < 1.0
    assert [str(w.message) for w in caught] == [
        "stream_socket_accept(): accept failed: Connection timed out"
    ]
    f.fclose(srv)


def test_listening_socket_with_pending_connection_is_not_eof_in_74() -> None:
    """The liveness peek of a listening TCP socket fails with ENOTCONN: alive in 7.4."""
    f: Any
    for f, eof in ((php74, False), (php82, True)):
        srv = f.stream_socket_server("tcp://127.0.0.1:0")
        name = f.stream_socket_get_name(srv, False)
        cli = f.stream_socket_client(f"tcp://{name}")
        assert f.feof(srv) is eof
        f.fclose(cli)
        f.fclose(srv)
