"""The TLS engine's I/O design choice, measured: OpenSSL driving the socket descriptor
(``SSL_set_fd``, what PHP does and what phpstreams does) against memory BIOs (the
sans-IO design: Python moves bytes between the socket and two ``BIO_s_mem``).

    python benchmarks/bio_vs_fd.py [--mib 256] [--rounds 3]

A third variant, the descriptor with ``SSL_set_read_ahead``, shows where the memory-BIO
gain comes from (one large recv() instead of a header and a body read per record).

Each round reads ``--mib`` MiB of TLS 1.3 (AES-256-GCM) application data from a
loopback server running in another process, with 65536-byte reads, once per design,
alternating. The loop is the engine's read loop stripped to its I/O.
"""

from __future__ import annotations

import argparse
import multiprocessing
import select
import socket
import ssl
import statistics
import tempfile
import threading
import time
from typing import Any

from phpstreams._native import ffi, lib
from phpstreams.testing.certs import CertificateFactory
from phpstreams.testing.peers import Peers
from phpstreams.testing.tls_peers import server_context, tls_handler


def _server(port_q: Any, certfile: str, total: int) -> None:
    """The TLS peer (phpstreams.testing's, in its own process): ``total`` bytes of
    application data per connection."""
    chunk = b"x" * 65536

    def send_total(tls: ssl.SSLSocket) -> None:
        sent = 0
        while sent < total:
            tls.sendall(chunk)
            sent += len(chunk)

    peers = Peers()
    port_q.put(peers.tcp("bulk", tls_handler(server_context(certfile), send_total), timeout=None))
    threading.Event().wait()  # serve until the parent terminates this process


def _handshake_fd(sock: socket.socket, ctx: Any) -> Any:
    ssl_ = ffi.gc(lib.SSL_new(ctx), lib.SSL_free)
    lib.SSL_set_fd(ssl_, sock.fileno())
    lib.SSL_set_connect_state(ssl_)
    while True:
        n = lib.SSL_do_handshake(ssl_)
        if n == 1:
            return ssl_
        err = lib.SSL_get_error(ssl_, n)
        select.select(
            [sock] if err == lib.SSL_ERROR_WANT_READ else [],
            [sock] if err == lib.SSL_ERROR_WANT_WRITE else [],
            [],
            5,
        )


def read_fd(port: int, ctx: Any, total: int, read_ahead: bool = False) -> float:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setblocking(False)
    ssl_ = _handshake_fd(sock, ctx)
    if read_ahead:
        lib.SSL_set_read_ahead(ssl_, 1)
    buf = ffi.new("char[]", 65536)
    got = 0
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    start = time.perf_counter()
    while got < total:
        n = lib.SSL_read(ssl_, buf, 65536)
        if n > 0:
            _ = ffi.buffer(buf, n)[:]
            got += n
        elif lib.SSL_get_error(ssl_, n) == lib.SSL_ERROR_WANT_READ:
            poller.poll(5000)
        else:
            raise RuntimeError("read failed")
    elapsed = time.perf_counter() - start
    sock.close()
    return elapsed


def read_bio(port: int, ctx: Any, total: int) -> float:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setblocking(False)
    ssl_ = ffi.gc(lib.SSL_new(ctx), lib.SSL_free)
    rbio = lib.BIO_new(lib.BIO_s_mem())
    wbio = lib.BIO_new(lib.BIO_s_mem())
    lib.SSL_set_bio(ssl_, rbio, wbio)  # the SSL owns both BIOs now
    lib.SSL_set_connect_state(ssl_)
    netbuf = bytearray(65536 + 5 + 256)
    out = ffi.new("char[]", 65536)
    poller = select.poll()
    poller.register(sock, select.POLLIN)

    def flush() -> None:
        while lib.phpstreams_BIO_pending(wbio) > 0:
            n = lib.BIO_read(wbio, out, 65536)
            sock.sendall(ffi.buffer(out, n)[:])

    def feed() -> None:
        poller.poll(5000)
        n = sock.recv_into(netbuf)
        if n == 0:
            raise RuntimeError("eof")
        lib.BIO_write(rbio, ffi.from_buffer(netbuf), n)

    while True:
        n = lib.SSL_do_handshake(ssl_)
        flush()
        if n == 1:
            break
        if lib.SSL_get_error(ssl_, n) == lib.SSL_ERROR_WANT_READ:
            feed()
    got = 0
    start = time.perf_counter()
    while got < total:
        n = lib.SSL_read(ssl_, out, 65536)
        if n > 0:
            _ = ffi.buffer(out, n)[:]
            got += n
        elif lib.SSL_get_error(ssl_, n) == lib.SSL_ERROR_WANT_READ:
            flush()
            try:
                feed()
            except BlockingIOError:
                pass
        else:
            raise RuntimeError("read failed")
    elapsed = time.perf_counter() - start
    sock.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    total = args.mib * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="phpstreams-bio-") as tmp:
        certfile = CertificateFactory(tmp).ca().issue("127.0.0.1").pem
        q: Any = multiprocessing.Queue()
        server = multiprocessing.Process(target=_server, args=(q, certfile, total), daemon=True)
        server.start()
        port = q.get(timeout=10)
        ctx = ffi.gc(lib.SSL_CTX_new(lib.TLS_client_method()), lib.SSL_CTX_free)
        lib.SSL_CTX_set_verify(ctx, lib.SSL_VERIFY_NONE, ffi.NULL)
        results: dict[str, list[float]] = {
            "fd (SSL_set_fd)": [],
            "fd + read_ahead": [],
            "memory BIO": [],
        }
        for _ in range(args.rounds):
            results["fd (SSL_set_fd)"].append(read_fd(port, ctx, total))
            results["fd + read_ahead"].append(read_fd(port, ctx, total, read_ahead=True))
            results["memory BIO"].append(read_bio(port, ctx, total))
        server.terminate()
    mib = args.mib
    for name, times in results.items():
        med = statistics.median(times)
        print(
            f"{name:16} median {mib / med:8.1f} MiB/s  (min {min(times):.3f}s max {max(times):.3f}s)"
        )
    fd_med = statistics.median(results["fd (SSL_set_fd)"])
    bio_med = statistics.median(results["memory BIO"])
    print(f"fd / BIO throughput ratio: {bio_med / fd_med:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
