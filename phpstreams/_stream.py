"""The stream object: PHP's ``php_stream`` (read buffer, EOF flag, chunk size) and the
socket / memory "ops" underneath it.

Layering rule: below the PHP-facing layer. Uses ``_transport`` for socket waits; the
TLS engine plugs in through :meth:`SocketStream.attach_crypto` and never the other
way round. Non-fatal diagnostics (the E_NOTICE of a failed send, TLS warnings during
I/O) are appended to ``stream.notes``; the PHP-facing layer drains them after every
call under its own function name.

Theory of operation: the read buffer
------------------------------------
PHP keeps one read buffer per stream, ``readbuf[readpos:writepos]`` inside an
allocation of ``readbuflen`` bytes, and *the sizes PHP asks the socket for are
observable*: ``fread($s, 100000)`` returns at most what one ``recv`` of
``readbuflen - writepos`` bytes gave. So we keep PHP's bookkeeping as numbers
(``_wpos`` = writepos, ``_rcap`` = readbuflen) and the unread bytes as
``_buf[_pos:]``. A fill (``_php_stream_fill_read_buffer``):

1. if enough is buffered, do nothing;
2. if less than ``chunk_size`` is free past writepos, compact (readpos -> 0);
3. if still less than ``chunk_size`` is free, grow ``readbuflen`` by ``chunk_size``;
4. do exactly one low-level read of ``readbuflen - writepos`` bytes.

``fread`` on a socket copies what is buffered, fills **once** if more was asked for
(in 8.2 even when part was already buffered: bug #51056), and returns -- a short read
is normal. ``fgets`` fills repeatedly until a newline, EOF or a timeout. Only memory
streams read greedily.

The hot paths (``read`` with an empty buffer, ``read_line`` with a buffered line)
return slices of ``_buf`` without touching the bookkeeping more than needed.
"""

from __future__ import annotations

import errno as errno_mod
import os
import select
import socket
from typing import Any

from ._errors import E_NOTICE, Note
from ._transport import Timeout, TransportSpec, poll_ms, wait_for

__all__ = ["MemoryStream", "SocketStream", "Stream"]

_TRANSIENT = frozenset({errno_mod.EAGAIN, errno_mod.EWOULDBLOCK, errno_mod.EINTR})
_POLLIN = select.POLLIN | select.POLLPRI
_MSG_DONTWAIT = socket.MSG_DONTWAIT


class Stream:
    """Base of every PHP stream resource: the generic buffer layer (streams.c)."""

    __slots__ = (
        "__weakref__",
        "_buf",
        "_pos",
        "_rcap",
        "_wpos",
        "chunk_size",
        "closed",
        "context",
        "eof",
        "mode",
        "no_buffer",
        "notes",
        "persistent_key",
        "resource_type",
        "stream_type",
    )

    seekable = False

    def __init__(self, mode: str, chunk_size: int) -> None:
        self.resource_type = "stream"
        self.stream_type = "generic"
        self.mode = mode
        self.chunk_size = chunk_size
        self.context: Any = None
        self.persistent_key: str | None = None
        self.closed = False
        self.eof = False
        self.no_buffer = False
        self.notes: list[Note] = []
        self._buf = b""
        self._pos = 0
        self._wpos = 0
        self._rcap = 0

    # -- low-level ops, overridden by subclasses ------------------------------------

    def _op_read(self, size: int) -> bytes | None:
        """One low-level read: bytes (``b""`` for none), or None for an error (-1)."""
        raise NotImplementedError

    def _op_write(self, data: memoryview) -> int:
        """One low-level write: bytes written, 0 (would block) or -1."""
        raise NotImplementedError

    def _op_close(self) -> None:
        pass

    def alive(self) -> bool:
        """PHP_STREAM_OPTION_CHECK_LIVENESS with a zero timeout; True if unsupported."""
        return True

    @property
    def greedy(self) -> bool:
        """Plain files and memory streams keep reading until the request is met."""
        return False

    # -- buffer ---------------------------------------------------------------------

    @property
    def unread_bytes(self) -> int:
        return len(self._buf) - self._pos

    def _fill(self, size: int) -> bool:
        """``_php_stream_fill_read_buffer``; False when the low-level read failed."""
        unread = len(self._buf) - self._pos
        if unread >= size:
            return True
        chunk = self.chunk_size
        if self._rcap - self._wpos < chunk:
            self._wpos = unread  # compact: readpos becomes 0
        if self._rcap - self._wpos < chunk:
            self._rcap += chunk
        data = self._op_read(self._rcap - self._wpos)
        if data is None:
            return False
        if data:
            self._wpos += len(data)
            self._buf = self._buf[self._pos :] + data if unread else data
            self._pos = 0
        return True

    def _take(self, n: int) -> bytes:
        pos = self._pos
        end = pos + n
        self._pos = end
        return self._buf[pos:end]

    def read(self, size: int) -> bytes | None:
        """``_php_stream_read``: data (possibly short, ``b""`` at EOF), or None (false)."""
        unread = len(self._buf) - self._pos
        if unread == 0 and not self.greedy and not self.no_buffer and self.chunk_size != 1:
            # Fast path: nothing buffered, one fill. When the fill would be consumed
            # whole, hand the bytes over without buffering them.
            chunk = self.chunk_size
            if self._rcap - self._wpos < chunk:
                self._wpos = 0
            if self._rcap - self._wpos < chunk:
                self._rcap += chunk
            want = self._rcap - self._wpos
            if size >= want:
                data = self._op_read(want)
                if data is None:
                    return None
                self._wpos += len(data)
                return data
        parts: list[bytes] = []
        didread = 0
        while size > 0:
            unread = len(self._buf) - self._pos
            if unread:
                n = min(unread, size)
                parts.append(self._take(n))
                size -= n
                didread += n
                if size == 0:
                    break
            if self.no_buffer or self.chunk_size == 1:
                data = self._op_read(size)
                if data is None:
                    if didread == 0:
                        return None
                    break
                toread = len(data)
                if toread:
                    parts.append(data)
            else:
                if not self._fill(size):
                    if didread == 0:
                        return None
                    break
                toread = min(len(self._buf) - self._pos, size)
                if toread:
                    parts.append(self._take(toread))
            if toread <= 0:
                break
            didread += toread
            size -= toread
            if not self.greedy:
                break
        if len(parts) == 1:
            return parts[0]
        return b"".join(parts)

    def read_line(self, maxlen: int | None = None) -> bytes | None:
        """``_php_stream_get_line`` (fgets): up to and including ``\\n``; ``maxlen`` is
        the C buffer size, so at most ``maxlen - 1`` bytes. None when nothing was read."""
        buf = self._buf
        pos = self._pos
        if maxlen is None:
            i = buf.find(b"\n", pos)
            if i >= 0:
                self._pos = i + 1
                return buf[pos : i + 1]
        return self._read_line_slow(maxlen)

    def _read_line_slow(self, maxlen: int | None) -> bytes | None:
        parts: list[bytes] = []
        room = maxlen
        if room is not None and room == 0:
            return None
        while True:
            avail = len(self._buf) - self._pos
            if avail > 0:
                i = self._buf.find(b"\n", self._pos)
                done = i >= 0
                cpysz = (i + 1 - self._pos) if done else avail
                if room is not None and cpysz >= room - 1:
                    cpysz = room - 1
                    done = True
                if cpysz:
                    parts.append(self._take(cpysz))
                if room is not None:
                    room -= cpysz
                if done:
                    break
            elif self.eof:
                break
            else:
                if room is None:
                    toread = self.chunk_size
                else:
                    toread = min(room - 1, self.chunk_size)
                self._fill(toread)
                if len(self._buf) - self._pos == 0:
                    break
        if not parts:
            return None
        return b"".join(parts)

    def read_record(self, maxlen: int, delim: bytes) -> bytes | None:
        """``php_stream_get_record`` (stream_get_line)."""
        if maxlen == 0:
            return None
        found = -1
        if delim:
            found = self._search_delim(maxlen, 0, delim)
        buffered = len(self._buf) - self._pos
        while found < 0 and buffered < maxlen:
            to_read = min(maxlen - buffered, self.chunk_size)
            self._fill(buffered + to_read)
            just_read = (len(self._buf) - self._pos) - buffered
            if just_read <= 0:
                break
            if delim:
                skip = buffered - (len(delim) - 1) if buffered >= len(delim) - 1 else 0
                found = self._search_delim(maxlen, skip, delim)
                if found >= 0:
                    break
            buffered += just_read
        amount = len(self._buf) - self._pos
        if delim and found >= 0:
            length = found
        elif not delim and amount >= maxlen:
            length = maxlen
        else:
            if amount < maxlen and not self.eof:
                return None
            if amount == 0 and self.eof:
                return None
            length = min(amount, maxlen)
        data = self._take(length)
        if delim and found >= 0:
            self._pos += len(delim)
        return data

    def _search_delim(self, maxlen: int, skip: int, delim: bytes) -> int:
        """Offset (from readpos) of ``delim`` within the first ``maxlen`` buffered bytes."""
        seek_len = min(len(self._buf) - self._pos, maxlen)
        if seek_len <= skip:
            return -1
        start = self._pos + skip
        end = self._pos + seek_len
        # bytes.find wants the whole delimiter inside the window, as php_memnstr does.
        i = self._buf.find(delim, start, end)
        return i - self._pos if i >= 0 else -1

    def getc(self) -> bytes | None:
        data = self.read(1)
        if not data:
            return None
        return data

    def read_all(self, maxlen: int | None) -> bytes:
        """``_php_stream_copy_to_mem`` (stream_get_contents)."""
        parts: list[bytes] = []
        if maxlen is not None:
            total = 0
            while total < maxlen and not self.at_eof():
                data = self.read(maxlen - total)
                if not data:
                    break
                parts.append(data)
                total += len(data)
            return b"".join(parts)
        while True:
            data = self.read(self.chunk_size)
            if not data:
                break
            parts.append(data)
        return b"".join(parts)

    def at_eof(self) -> bool:
        """``_php_stream_eof``: buffered data means not EOF; otherwise probe liveness."""
        if len(self._buf) - self._pos > 0:
            return False
        if not self.eof and not self.alive():
            self.eof = True
        return self.eof

    # -- writing --------------------------------------------------------------------

    def write(self, data: bytes) -> int:
        """``_php_stream_write``: bytes written (partial on a later error), or -1."""
        if not data:
            return 0
        self._before_write()
        view = memoryview(data)
        didwrite = 0
        while view:
            n = self._op_write(view)
            if n <= 0:
                return didwrite if didwrite else n
            view = view[n:]
            didwrite += n
        return didwrite

    def _before_write(self) -> None:
        pass

    # -- lifecycle ------------------------------------------------------------------

    def __repr__(self) -> str:
        if self.closed:
            return "<resource (closed)>"
        return f"<{self.resource_type} resource {self.stream_type}>"

    def __del__(self) -> None:
        # PHP frees (and closes) a stream when its last reference goes away.
        if not self.closed:
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.resource_type = "Unknown"  # what get_resource_type() says of a freed resource
        self._buf = b""
        self._pos = 0
        self._op_close()

    def meta(self) -> dict[str, Any]:
        """``stream_get_meta_data`` minus the fields the PHP layer adds itself."""
        return {"timed_out": False, "blocked": True, "eof": self.at_eof()}


class SocketStream(Stream):
    """A socket stream (xp_socket.c ops, and xp_ssl.c's when crypto is attached)."""

    __slots__ = (
        "_crypto",
        "_poller",
        "_poller_events",
        "address",
        "connect_timeout",
        "fd_nonblocking",
        "is_blocked",
        "is_server",
        "sock",
        "spec",
        "timed_out",
        "timeout",
    )

    def __init__(
        self,
        sock: socket.socket | None,
        spec: TransportSpec,
        *,
        timeout: Timeout,
        chunk_size: int,
        connect_timeout: Timeout = None,
        stream_type: str | None = None,
    ) -> None:
        super().__init__("r+", chunk_size)
        self.sock = sock
        self.spec = spec
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        #: The address part of the spec it was opened with (TLS derives the peer name).
        self.address: str | None = None
        self.is_blocked = True
        #: What PHP's descriptor really is: O_NONBLOCK after an async connect or
        #: stream_set_blocking(false). Matters only for the raw recvfrom/sendto ops.
        self.fd_nonblocking = False
        self.is_server = False
        self.timed_out = False
        self._crypto: Any = None
        self._poller: Any = None
        self._poller_events = 0
        self.stream_type = stream_type if stream_type is not None else spec.stream_type

    # -- plain socket ops (php_sockop_read / php_sockop_write) --------------------

    def _wait(self, events: int, timeout: Timeout) -> bool:
        """poll() the socket; False on timeout."""
        poller = self._poller
        if poller is None or self._poller_events != events:
            poller = select.poll()
            assert self.sock is not None
            poller.register(self.sock, events)
            self._poller = poller
            self._poller_events = events
        return bool(poller.poll(poll_ms(timeout)))

    def _op_read(self, size: int) -> bytes | None:
        crypto = self._crypto
        if crypto is not None and crypto.active:
            return crypto.read(self, size)  # type: ignore[no-any-return]
        sock = self.sock
        if sock is None:
            return None
        if self.is_blocked:
            # PHP polls first and then recv()s with MSG_DONTWAIT. Reading first and
            # polling only when nothing is there is observably the same and saves a
            # system call whenever data is already waiting.
            self.timed_out = False
            try:
                data = sock.recv(size, _MSG_DONTWAIT)
            except OSError as exc:
                if exc.errno not in _TRANSIENT:
                    self.eof = True
                    return None
                if not self._wait(_POLLIN, self.timeout):
                    self.timed_out = True
                    return None
                try:
                    data = sock.recv(size, _MSG_DONTWAIT)
                except OSError as exc2:
                    if exc2.errno in _TRANSIENT:
                        return b""
                    self.eof = True
                    return None
        else:
            try:
                data = sock.recv(size, _MSG_DONTWAIT)
            except OSError as exc:
                if exc.errno in _TRANSIENT:
                    return b""
                self.eof = True
                return None
        if not data:
            self.eof = True
        return data

    def _op_write(self, data: memoryview) -> int:
        crypto = self._crypto
        if crypto is not None and crypto.active:
            return crypto.write(self, data)  # type: ignore[no-any-return]
        sock = self.sock
        if sock is None:
            return 0
        while True:
            try:
                return sock.send(data, _MSG_DONTWAIT)
            except OSError as exc:
                err = exc.errno or 0
                if err in _TRANSIENT:
                    if not self.is_blocked:
                        return 0  # EAGAIN on a non-blocking stream is not an error
                    self.timed_out = False
                    if self._wait(select.POLLOUT, self.timeout):
                        continue
                    self.timed_out = True
                self.notes.append(
                    Note(
                        E_NOTICE,
                        f"Send of {len(data)} bytes failed with errno={err} {os.strerror(err)}",
                    )
                )
                return -1

    def alive(self) -> bool:
        crypto = self._crypto
        if crypto is not None and crypto.active:
            return crypto.alive(self)  # type: ignore[no-any-return]
        return self.socket_alive()

    def socket_alive(self) -> bool:
        sock = self.sock
        if sock is None:
            return False
        if self.is_server and not wait_for(sock, _POLLIN, (0, 0)):
            # GH-10406: listening sockets skip the zero-timeout peek.
            return True
        try:
            data = sock.recv(1, socket.MSG_PEEK | _MSG_DONTWAIT)
        except OSError as exc:
            return exc.errno in (errno_mod.EAGAIN, errno_mod.EWOULDBLOCK, errno_mod.EMSGSIZE)
        return len(data) > 0

    # -- raw datagram helpers (bypass the buffer) -------------------------------

    def _raw_wait(self) -> None:
        """A PHP blocking descriptor blocks in recvfrom()/sendto() with no timeout."""
        if self.is_blocked and not self.fd_nonblocking and self.sock is not None:
            self._wait(_POLLIN, None)

    def recvfrom(self, size: int, flags: int, want_addr: bool) -> tuple[bytes, str | None] | None:
        sock = self.sock
        if sock is None:
            return None
        self._raw_wait()
        try:
            if want_addr:
                data, addr = sock.recvfrom(size, flags | _MSG_DONTWAIT)
            else:
                data, addr = sock.recv(size, flags | _MSG_DONTWAIT), None
        except OSError:
            return None
        if not want_addr:
            return data, None
        from ._transport import sockaddr_text

        return data, ("" if addr is None else sockaddr_text(sock.family, addr))

    def sendto(self, data: bytes, flags: int, addr: object) -> tuple[int, int]:
        """Returns ``(result, errno)``; result -1 on failure."""
        sock = self.sock
        if sock is None:
            return -1, errno_mod.EBADF
        while True:
            try:
                if addr is None:
                    return sock.send(data, flags | _MSG_DONTWAIT), 0
                return sock.sendto(data, flags | _MSG_DONTWAIT, addr), 0  # type: ignore[call-overload]
            except OSError as exc:
                err = exc.errno or 0
                if err in _TRANSIENT and self.is_blocked and not self.fd_nonblocking:
                    self._wait(select.POLLOUT, None)
                    continue
                return -1, err

    # -- crypto plug ------------------------------------------------------------

    @property
    def crypto(self) -> Any:
        return self._crypto

    def attach_crypto(self, engine: Any) -> None:
        self._crypto = engine

    # -- options ------------------------------------------------------------------

    def set_blocking(self, blocking: bool) -> bool:
        self.is_blocked = blocking
        self.fd_nonblocking = not blocking
        return True

    def set_timeout(self, timeout: Timeout) -> None:
        self.timeout = timeout
        self.timed_out = False

    def shutdown(self, how: int) -> bool:
        if self.sock is None:
            return False
        try:
            self.sock.shutdown(how)
        except OSError:
            return False
        return True

    def _op_close(self) -> None:
        crypto = self._crypto
        if crypto is not None:
            crypto.close(self)
            self._crypto = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self._poller = None

    def meta(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        crypto = self._crypto
        if crypto is not None and crypto.active:
            out["crypto"] = crypto.meta()
        out["timed_out"] = self.timed_out
        out["blocked"] = self.is_blocked
        out["eof"] = self.eof
        return out

    def fileno(self) -> int:
        return self.sock.fileno() if self.sock is not None else -1


class MemoryStream(Stream):
    """``php://memory`` and ``php://temp`` (main/streams/memory.c, PHP 8.2).

    Unbuffered (``fread`` reads the data directly; ``fgets`` still fills the buffer),
    greedy, seekable only within the data, and opened in one of three modes derived
    from the fopen mode: append (any "a"), read-write ("w" or "+"), else read-only.
    """

    __slots__ = ("_data", "_fpos", "_position", "_select_file", "append", "read_only", "uri")

    seekable = True

    def __init__(self, kind: str, chunk_size: int, uri: str, *, fopen_mode: str = "w+b") -> None:
        self.append = "a" in fopen_mode
        self.read_only = not self.append and not any(c in fopen_mode for c in "w+")
        mode = "a+b" if self.append else ("rb" if self.read_only else "w+b")
        super().__init__(mode, chunk_size)
        self.no_buffer = True
        self.stream_type = kind
        self.uri = uri
        self._data = bytearray()
        self._fpos = 0
        #: PHP's stream->position (-1 after a failed seek, so ftell() is false).
        self._position = 0
        self._select_file: Any = None

    @property
    def greedy(self) -> bool:
        return True

    def _op_read(self, size: int) -> bytes | None:
        if self._fpos >= len(self._data):
            self.eof = True
            return b""
        chunk = bytes(self._data[self._fpos : self._fpos + size])
        self._fpos += len(chunk)
        return chunk

    def read(self, size: int) -> bytes | None:
        data = super().read(size)
        if data:
            self._position += len(data)
        return data

    def read_line(self, maxlen: int | None = None) -> bytes | None:
        line = super().read_line(maxlen)
        if line:
            self._position += len(line)
        return line

    def read_record(self, maxlen: int, delim: bytes) -> bytes | None:
        before = self.unread_bytes + (len(self._data) - self._fpos)
        record = super().read_record(maxlen, delim)
        self._position += before - (self.unread_bytes + (len(self._data) - self._fpos))
        return record

    def _before_write(self) -> None:
        # A seekable stream drops its read buffer and seeks to the logical position.
        if len(self._buf) - self._pos:
            self._buf = b""
            self._pos = 0
            self._fpos = max(self._position, 0)

    def _op_write(self, data: memoryview) -> int:
        if self.read_only:
            return -1
        if self.append:
            self._fpos = len(self._data)
        end = self._fpos + len(data)
        self._data[self._fpos : end] = data
        self._fpos = end
        self._position = end
        return len(data)

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int) -> bool:
        """``_php_stream_seek`` + ``php_stream_memory_seek``: no seeking outside the
        data; a failed seek leaves the position at -1 (and the data offset at an end)."""
        if whence == 1:
            offset, whence = self._position + offset, 0
        size = len(self._data)
        ok = True
        if whence == 0:
            if offset < 0 or offset > size:
                self._fpos, ok = size, False
            else:
                self._fpos = offset
        elif whence == 2:
            if offset > 0:
                self._fpos, ok = size, False
            elif -offset > size:
                self._fpos, ok = 0, False
            else:
                self._fpos = size + offset
        else:
            ok = False
        self._buf = b""
        self._pos = 0
        self._wpos = 0
        if ok:
            self._position = self._fpos
            self.eof = False
        else:
            self._position = -1
        return ok

    def select_fileno(self) -> int:
        """php://temp becomes a real temporary file when PHP needs a descriptor."""
        if self._select_file is None:
            import tempfile

            self._select_file = tempfile.TemporaryFile()
            self._select_file.write(bytes(self._data))
            self._select_file.flush()
        return int(self._select_file.fileno())

    def _op_close(self) -> None:
        if self._select_file is not None:
            self._select_file.close()
            self._select_file = None

    def meta(self) -> dict[str, Any]:
        if self.stream_type == "TEMP":
            return {}
        return {"timed_out": False, "blocked": True, "eof": self.eof}
