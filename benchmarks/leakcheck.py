"""10 000 TLS handshakes through phpstreams, half of them failing verification, then
10 000 plain TCP connects (the C fast path), half of them refused, while watching open
descriptors, live TLS connections and RSS. They must stay flat.

    python benchmarks/leakcheck.py [--count 10000]

Loopback only: a threaded stdlib ``ssl`` server on 127.0.0.1:0 with a run-time CA.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import socket
import ssl
import threading
import warnings

import trustme

import phpstreams as ps
from phpstreams import _tls


def _serve(listener: socket.socket, ctx: ssl.SSLContext) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return

        def run(c: socket.socket = conn) -> None:
            with contextlib.suppress(OSError, ssl.SSLError), c:
                c.settimeout(5)
                with ctx.wrap_socket(c, server_side=True) as tls:
                    tls.sendall(b"hello\n")

        threading.Thread(target=run, daemon=True).start()


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

    ca = trustme.CA()
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    with ca.cert_pem.tempfile() as cafile:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        threading.Thread(target=_serve, args=(listener, server_ctx), daemon=True).start()
        good = ps.stream_context_create({"ssl": {"cafile": cafile}})
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
        listener.close()
    _plain_connects(args.count)
    return 0


def _accept_and_close(listener: socket.socket) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.close()


def _plain_connects(count: int) -> None:
    """Connect + fclose through the C stream_socket_client/fclose, alternating with
    refused connects (a bound port that does not listen)."""
    with socket.socket() as listener, socket.socket() as refusing:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        refusing.bind(("127.0.0.1", 0))
        threading.Thread(target=_accept_and_close, args=(listener,), daemon=True).start()
        good = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        bad = f"tcp://127.0.0.1:{refusing.getsockname()[1]}"
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
