"""Loopback peers shared by the PHP and the Python side of every behaviour-diff case.

Each peer runs in daemon threads of the calling process, bound to port 0 on 127.0.0.1
(``::1`` when IPv6 is there) or to a path in a private temp directory. Both clients of
a case talk to the *same* peer, so ports and paths in messages match without any
normalisation. Nothing here needs more than the standard library; TLS peers and
certificates are in :mod:`phpstreams.testing.tls_peers` and :mod:`~phpstreams.testing.certs`.

The ``control`` peer makes timing deterministic without sleeps: the client writes a
command line and the peer acts on it, so "the peer sends 8 bytes now" happens exactly
when the snippet says so.

    SEND <n> [<char>]     n bytes of <char> (default "x")
    LINES <n> <len>       n lines of <len> bytes each, "\\n" included
    RAW <hex>             the bytes given in hex
    CLOSE                 close (FIN; over TLS, close_notify first)
    DROP                  close the TCP connection (over TLS: no close_notify)
    RESET                 close with SO_LINGER 0 (RST)
    SHUTWR                shutdown(SHUT_WR), keep reading commands
    ECHO                  echo everything from now on
    SINK                  read and discard until EOF
    DIAL <port> <opts>    connect to 127.0.0.1:<port> from a thread as a TLS (or plain)
                          client, then write "ping\n" and read the answer; replies "OK"
    WAIT                  wait (bounded) for the last DIAL; replies "RESULT <outcome>"

DIAL options, ";"-separated: ``v=1.0|1.1|1.2|1.3`` (pin the version), ``sni=<name>``,
``alpn=<p1>/<p2>``, ``cert=1`` (present the client certificate), ``plain=1`` (no TLS),
``silent=1`` (connect and say nothing), ``ca=1`` (verify the server against the test CA),
``reneg=1`` (``openssl s_client`` over TLS 1.2: write "ping", wait for the answer, then
ask for a renegotiation -- stdlib ``ssl`` cannot renegotiate).
The outcome is ``ok <protocol> <alpn or -> <first line of the answer>`` or
``error <reason>``, so a case can record how the server side behaved.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "Handler",
    "Peers",
    "start_peers",
    "echo",
    "control",
    "greet_close",
    "greet_wait",
    "reset_now",
    "silent",
    "slow_body",
]

Handler = Callable[[socket.socket], None]


def _serve(listener: socket.socket, handler: Handler, inline: bool, timeout: float | None) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        if inline:
            _run_handler(handler, conn, timeout)
        else:
            args = (handler, conn, timeout)
            threading.Thread(target=_run_handler, args=args, daemon=True).start()


def _run_handler(handler: Handler, conn: socket.socket, timeout: float | None = 120) -> None:
    with contextlib.suppress(OSError):
        conn.settimeout(timeout)
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


#: Certificate paths for DIAL (set by the TLS peers).
DIAL_CERTS: dict[str, str] = {}


class _Dial:
    """A TLS (or plain) client run from a thread on behalf of a compat case."""

    def __init__(self, port: int, opts: str) -> None:
        self.port = port
        self.opts = dict(item.split("=", 1) for item in opts.split(";") if "=" in item)
        self.outcome = "error timeout"
        self.done = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def wait(self) -> str:
        self.done.wait(20)
        return self.outcome

    def _run(self) -> None:
        import ssl

        if self.opts.get("reneg") == "1":
            self._renegotiate()
            return
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        except OSError as exc:
            self.outcome = f"error {exc.strerror or exc}"
            self.done.set()
            return
        try:
            if self.opts.get("silent") == "1":
                sock.recv(1)
                self.outcome = "ok silent"
                return
            if self.opts.get("plain") == "1":
                sock.sendall(b"ping\n")
                answer = sock.makefile("rb").readline().decode(errors="replace").strip()
                self.outcome = f"ok plain - {answer or '-'}"
                return
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            if self.opts.get("ca") == "1":
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(DIAL_CERTS["ca"])
            version = self.opts.get("v")
            if version:
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    v = {
                        "1.0": ssl.TLSVersion.TLSv1,
                        "1.1": ssl.TLSVersion.TLSv1_1,
                        "1.2": ssl.TLSVersion.TLSv1_2,
                        "1.3": ssl.TLSVersion.TLSv1_3,
                    }[version]
                    if version in ("1.0", "1.1"):
                        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
                    ctx.minimum_version = v
                    ctx.maximum_version = v
            if "alpn" in self.opts:
                ctx.set_alpn_protocols(self.opts["alpn"].split("/"))
            if self.opts.get("cert") == "1":
                ctx.load_cert_chain(DIAL_CERTS["client"])
            tls = ctx.wrap_socket(sock, server_hostname=self.opts.get("sni"))
            with tls:
                tls.sendall(b"ping\n")
                answer = tls.makefile("rb").readline().decode(errors="replace").strip()
                self.outcome = (
                    f"ok {tls.version()} {tls.selected_alpn_protocol() or '-'} {answer or '-'}"
                )
        except ssl.SSLError as exc:
            self.outcome = f"error {exc.reason or exc}"
        except OSError as exc:
            self.outcome = f"error {exc.strerror or type(exc).__name__}"
        finally:
            sock.close()
            self.done.set()

    def _renegotiate(self) -> None:
        """``openssl s_client`` reads stdin lines; one that is just "R" renegotiates (only
        when stdin is not read as data, hence no -quiet/-ign_eof). The "R" is written
        after the server's answer to "ping" arrived, so it cannot share a read with it."""
        import subprocess

        cmd = ["openssl", "s_client", "-tls1_2", "-brief", "-connect", f"127.0.0.1:{self.port}"]
        with subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        ) as proc:
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(b"ping\n")
                proc.stdin.flush()
                answer = b""
                deadline = time.monotonic() + 10
                while not answer.startswith(b"pong") and time.monotonic() < deadline:
                    answer = proc.stdout.readline()
                    if not answer:
                        break
                proc.stdin.write(b"R\n")
                proc.stdin.flush()
                proc.wait(timeout=10)  # the server ends the connection either way
                self.outcome = f"ok reneg {answer.decode(errors='replace').strip() or '-'}"
            except (OSError, subprocess.TimeoutExpired) as exc:
                self.outcome = f"error {type(exc).__name__}"
            finally:
                if proc.poll() is None:
                    proc.kill()
                with contextlib.suppress(OSError):  # s_client may be gone: broken pipe
                    proc.stdin.close()
            self.done.set()


def control(conn: socket.socket) -> None:
    dials: list[_Dial] = []
    buf = b""
    while True:
        while b"\n" not in buf:
            data = conn.recv(65536)
            if not data:
                return
            buf += data
        line, _, buf = buf.partition(b"\n")
        words = line.decode("latin-1").split()  # any bytes: a fuzzer may send them
        if not words:
            continue  # a blank line, like an unknown command, is ignored
        cmd, *args = words
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
            unwrap = getattr(conn, "unwrap", None)
            if unwrap is not None:  # TLS: close_notify first
                with contextlib.suppress(OSError):
                    unwrap()
            conn.close()
            return
        elif cmd == "DROP":
            # Close the TCP connection (for TLS: without close_notify).
            raw = socket.socket(fileno=os.dup(conn.fileno()))
            raw.shutdown(socket.SHUT_RDWR)
            raw.close()
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
        elif cmd == "DIAL":
            job = _Dial(int(args[0]), args[1] if len(args) > 1 else "")
            dials.append(job)
            conn.sendall(b"OK\n")
        elif cmd == "WAIT":
            outcome = dials[-1].wait() if dials else "error no dial"
            conn.sendall(f"RESULT {outcome}\n".encode())


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
    """Reset (RST) the connection as soon as it is accepted."""
    _reset(conn)


def slow_body(
    body: bytes = b"x" * 64, *, chunk: int = 1, interval: float = 0.01, header: bytes = b""
) -> Handler:
    """A peer that sends ``header`` at once, then ``body`` in ``chunk``-byte pieces
    ``interval`` seconds apart, then closes: a slow server, for read loops and timeouts.
    The pacing is the peer's behaviour under test, never a synchronisation point."""

    def handler(conn: socket.socket) -> None:
        pause = threading.Event()
        if header:
            conn.sendall(header)
        for i in range(0, len(body), chunk):
            conn.sendall(body[i : i + chunk])
            pause.wait(interval)

    return handler


def silent(conn: socket.socket) -> None:
    """Accept, read and never answer."""
    while conn.recv(65536):
        pass


class Peers:
    """The running peers; :meth:`env` is what both sides of a case receive."""

    def __init__(self) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="phpstreams-peers-")
        self.info: dict[str, Any] = {"tmp": self.tmpdir}
        self._sockets: list[socket.socket] = []
        self.ipv6 = _has_ipv6()

    def tcp(
        self,
        name: str,
        handler: Handler,
        host: str = "127.0.0.1",
        *,
        backlog: int = 128,
        inline: bool = False,
        timeout: float | None = 120,
    ) -> int:
        """Serve ``handler`` on ``host`` port 0, one thread per connection (``inline``:
        in the accept loop, for handlers that only close, so that a connect rate is the
        client's and not thread start-up's); each connection gets ``timeout`` (None:
        blocking, as a load generator wants). Returns the port."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, 0))
        listener.listen(backlog)
        self._sockets.append(listener)
        port: int = listener.getsockname()[1]
        self.info[name] = port
        args = (listener, handler, inline, timeout)
        threading.Thread(target=_serve, args=args, daemon=True).start()
        return port

    def unix(self, name: str, handler: Handler) -> str:
        """Serve ``handler`` on a unix socket in the private directory; returns its path."""
        path = os.path.join(self.tmpdir, f"{name}.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(128)
        self._sockets.append(listener)
        self.info[name] = path
        threading.Thread(target=_serve, args=(listener, handler, False, 120), daemon=True).start()
        return path

    def udp_echo(
        self, name: str, family: int = socket.AF_INET, addr: Any = ("127.0.0.1", 0)
    ) -> None:
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
        else:
            raise RuntimeError("could not fill the accept queue of a listen(0) socket")

    def env(self) -> dict[str, Any]:
        return dict(self.info)

    def close(self) -> None:
        """Stop listening (connections already accepted end with their handlers) and
        remove the private directory."""
        for s in self._sockets:
            with contextlib.suppress(OSError):
                s.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self) -> Peers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@contextlib.contextmanager
def start_peers() -> Iterator[Peers]:
    """The plain (non-TLS) peer set of the compat suite; add TLS ones with
    :func:`phpstreams.testing.tls_peers.start_tls_peers`."""
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
    peers.udp_echo("udg_echo", socket.AF_UNIX, os.path.join(peers.tmpdir, "udg_echo.sock"))
    if peers.ipv6:
        peers.tcp("echo6", echo, host="::1")
        peers.tcp("control6", control, host="::1")
    peers.info["ipv6"] = peers.ipv6
    try:
        yield peers
    finally:
        peers.close()
