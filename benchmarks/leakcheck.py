"""10 000 TLS handshakes through phpstreams, half of them failing verification, then
10 000 plain TCP connects (planned numeric specs, the connect in C), half of them refused, while watching open
descriptors, live TLS connections and RSS. They must stay flat.

    python benchmarks/leakcheck.py [--count 10000]

Loopback only: the shared peers of ``phpstreams.testing`` (threaded stdlib ``ssl``
server on 127.0.0.1:0, run-time CA).
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import ssl
import tempfile
import warnings

import phpstreams as ps
from phpstreams import _tls
from phpstreams.testing.certs import CertificateFactory
from phpstreams.testing.peers import Peers
from phpstreams.testing.tls_peers import server_context, tls_handler


def _hello(tls: ssl.SSLSocket) -> None:
    tls.sendall(b"hello\n")


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _live() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is _tls.TLSConnection)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="phpstreams-leak-") as tmp, Peers() as peers:
        ca = CertificateFactory(tmp).ca()
        port = peers.tcp("tls", tls_handler(server_context(ca.issue("127.0.0.1").pem), _hello))
        good = ps.stream_context_create({"ssl": {"cafile": ca.cafile}})
        ok = failed = 0
        print(
            f"{'handshakes':>10} {'ok':>6} {'failed':>6} {'open fds':>8} {'live TLS':>8} {'RSS KiB':>8}"
        )
        for i in range(args.count):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                s = ps.stream_socket_client(
                    f"tls://127.0.0.1:{port}", None, None, 5, 4, good if i % 2 else None
                )
            if s is False:
                failed += 1
            else:
                ok += 1
                ps.fgets(s)
                ps.fclose(s)
            if (i + 1) % (args.count // 10) == 0:
                fds = len(os.listdir("/proc/self/fd"))
                print(f"{i + 1:>10} {ok:>6} {failed:>6} {fds:>8} {_live():>8} {_rss_kib():>8}")
    _plain_connects(args.count)
    return 0


def _close_at_once(conn: socket.socket) -> None:
    """Accept and close (the peers close the connection when the handler returns)."""


def _plain_connects(count: int) -> None:
    """Connect + fclose through the C stream_socket_client/fclose, alternating with
    refused connects (a bound port that does not listen)."""
    with Peers() as peers:
        good = f"tcp://127.0.0.1:{peers.tcp('accept_close', _close_at_once)}"
        peers.closed_port("refusing")
        bad = f"tcp://127.0.0.1:{peers.info['refusing']}"
        ok = failed = 0
        print(f"{'connects':>10} {'ok':>6} {'refused':>7} {'open fds':>8} {'RSS KiB':>8}")
        for i in range(count):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                s = ps.stream_socket_client(bad if i % 2 else good, None, None, 5)
            if s is False:
                failed += 1
            else:
                ok += 1
                ps.fclose(s)
            if (i + 1) % (count // 10) == 0:
                fds = len(os.listdir("/proc/self/fd"))
                print(f"{i + 1:>10} {ok:>6} {failed:>7} {fds:>8} {_rss_kib():>8}")


if __name__ == "__main__":
    raise SystemExit(main())
