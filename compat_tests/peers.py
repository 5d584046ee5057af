"""Loopback peers shared by the PHP and the Python side of every compat case.

Each peer runs in daemon threads of the pytest process, bound to port 0 on 127.0.0.1
(``::1`` when IPv6 is there) or to a path in a private temp directory. Both clients of
a case talk to the *same* peer, so ports and paths in messages match without any
normalisation.

The ``control`` peer makes timing deterministic without sleeps: the client writes a
command line and the peer acts on it, so "the peer sends 8 bytes now" happens exactly
when the snippet says so.

    SEND <n> [<char>]     n bytes of <char> (default "x")
    LINES <n> <len>       n lines of <len> bytes each, "\\n" included
    RAW <hex>             the bytes given in hex
    CLOSE                 close (FIN)
    RESET                 close with SO_LINGER 0 (RST)
    SHUTWR                shutdown(SHUT_WR), keep reading commands
    ECHO                  echo everything from now on
    SINK                  read and discard until EOF
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Peers", "start_peers"]

Handler = Callable[[socket.socket], None]


def _serve(listener: socket.socket, handler: Handler) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_run_handler, args=(handler, conn), daemon=True).start()


def _run_handler(handler: Handler, conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.settimeout(120)
        handler(conn)
    with contextlib.suppress(OSError):
        conn.close()


def _reset(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def echo(conn: socket.socket) -> None:
    while True:
        data = conn.recv(65536)
        if not data:
            return
        conn.sendall(data)


def control(conn: socket.socket) -> None:
    buf = b""
    while True:
        while b"\n" not in buf:
            data = conn.recv(65536)
            if not data:
                return
            buf += data
        line, _, buf = buf.partition(b"\n")
        cmd, *args = line.decode().strip().split()
        if cmd == "SEND":
            char = args[1].encode() if len(args) > 1 else b"x"
            conn.sendall(char * int(args[0]))
        elif cmd == "LINES":
            n, length = int(args[0]), int(args[1])
            line_bytes = b"y" * (length - 1) + b"\n"
            conn.sendall(line_bytes * n)
        elif cmd == "RAW":
            conn.sendall(bytes.fromhex(args[0]))
        elif cmd == "CLOSE":
            conn.close()
            return
        elif cmd == "RESET":
            _reset(conn)
            return
        elif cmd == "SHUTWR":
            conn.shutdown(socket.SHUT_WR)
        elif cmd == "ECHO":
            if buf:
                conn.sendall(buf)
            echo(conn)
            return
        elif cmd == "SINK":
            while conn.recv(65536):
                pass
            return


def greet_close(conn: socket.socket) -> None:
    conn.sendall(b"220 phpstreams test peer\r\n")


def greet_wait(conn: socket.socket) -> None:
    """An SMTP-ish greeter that then answers each line with "250 ok" until QUIT."""
    conn.sendall(b"220 phpstreams test peer\r\n")
    f = conn.makefile("rb")
    for line in f:
        if line.strip().upper() == b"QUIT":
            conn.sendall(b"221 bye\r\n")
            return
        conn.sendall(b"250 ok\r\n")


def reset_now(conn: socket.socket) -> None:
    _reset(conn)


def silent(conn: socket.socket) -> None:
    """Accept, read and never answer."""
    while conn.recv(65536):
        pass


class Peers:
    """The running peers; :meth:`env` is what both sides of a case receive."""

    def __init__(self) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="phpstreams-compat-")
        self.info: dict[str, Any] = {"tmp": self.tmpdir}
        self._sockets: list[socket.socket] = []
        self.ipv6 = _has_ipv6()

    def tcp(self, name: str, handler: Handler, host: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, 0))
        listener.listen(128)
        self._sockets.append(listener)
        self.info[name] = listener.getsockname()[1]
        threading.Thread(target=_serve, args=(listener, handler), daemon=True).start()

    def unix(self, name: str, handler: Handler) -> None:
        path = os.path.join(self.tmpdir, f"{name}.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(128)
        self._sockets.append(listener)
        self.info[name] = path
        threading.Thread(target=_serve, args=(listener, handler), daemon=True).start()

    def udp_echo(self, name: str, family: int = socket.AF_INET, addr: Any = ("127.0.0.1", 0)) -> None:
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind(addr)
        self._sockets.append(sock)
        bound = sock.getsockname()
        self.info[name] = bound[1] if family != socket.AF_UNIX else bound

        def loop() -> None:
            while True:
                try:
                    data, peer = sock.recvfrom(65536)
                    if peer:
                        sock.sendto(data, peer)
                except OSError:
                    return

        threading.Thread(target=loop, daemon=True).start()

    def closed_port(self, name: str) -> None:
        """A TCP port that refuses: bound (so nobody else takes it) but not listening."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._sockets.append(sock)
        self.info[name] = sock.getsockname()[1]

    def blackhole(self, name: str) -> None:
        """A listener whose accept queue is full: connects to it time out."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        self._sockets.append(listener)
        port = listener.getsockname()[1]
        self.info[name] = port
        # Fill the queue until a non-blocking connect stays in progress: from then on
        # the kernel drops every SYN to this port and connects time out.
        for _ in range(64):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            c.connect_ex(("127.0.0.1", port))
            self._sockets.append(c)
            _, writable, _ = select.select([], [c], [], 0.3)
            if not writable:
                break

    def env(self) -> dict[str, Any]:
        return dict(self.info)

    def close(self) -> None:
        for s in self._sockets:
            with contextlib.suppress(OSError):
                s.close()


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@contextlib.contextmanager
def start_peers() -> Iterator[Peers]:
    peers = Peers()
    peers.tcp("echo", echo)
    peers.tcp("control", control)
    peers.tcp("greet", greet_close)
    peers.tcp("smtp", greet_wait)
    peers.tcp("reset", reset_now)
    peers.tcp("silent", silent)
    peers.closed_port("closed")
    peers.blackhole("blackhole")
    peers.udp_echo("udp_echo")
    peers.unix("unix_echo", echo)
    peers.unix("unix_control", control)
    peers.udp_echo(
        "udg_echo", socket.AF_UNIX, os.path.join(peers.tmpdir, "udg_echo.sock")
    )
    if peers.ipv6:
        peers.tcp("echo6", echo, host="::1")
        peers.tcp("control6", control, host="::1")
    peers.info["ipv6"] = peers.ipv6
    try:
        yield peers
    finally:
        peers.close()
