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
``readbuflen - writepos`` bytes gave. The C core (``_speedups.StreamCore``) keeps
exactly that layout. A fill (``_php_stream_fill_read_buffer``):

1. if enough is buffered, do nothing;
2. if less than ``chunk_size`` is free past writepos, compact (readpos -> 0);
3. if still less than ``chunk_size`` is free, grow ``readbuflen`` by ``chunk_size``;
4. do exactly one low-level read of ``readbuflen - writepos`` bytes.

``fread`` on a socket copies what is buffered, fills **once** if more was asked for
(in 8.2 even when part was already buffered: bug #51056), and returns -- a short read
is normal. ``fgets`` fills repeatedly until a newline, EOF or a timeout. Only memory
streams read greedily.

Why C: ``fgets`` on buffered lines and bulk ``fread`` are the hot paths of every
ported script; in C they cost about what Python's own ``readline``/``recv`` cost
(see the README's Performance section), with PHP's bookkeeping unchanged.
"""

from __future__ import annotations

import errno as errno_mod
import os
import select
import socket
from collections.abc import Callable
from typing import Any, ClassVar, Self

from ._errors import E_NOTICE, Note
from ._fastpaths import FAST_PATHS
from ._profiles import Profile
from ._resources import PHPResource, ResourceIds
from ._speedups import StreamBusyError, StreamCore
from ._transport import Timeout, TransportSpec, poll_ms, wait_for

__all__ = ["TEMP_MAX_MEMORY", "MemoryStream", "SocketStream", "Stream", "StreamBusyError"]

_TRANSIENT = frozenset({errno_mod.EAGAIN, errno_mod.EWOULDBLOCK, errno_mod.EINTR})
_POLLIN = select.POLLIN | select.POLLPRI
_MSG_DONTWAIT = socket.MSG_DONTWAIT


class Stream(StreamCore, PHPResource):
    """Base of every PHP stream resource.

    The generic buffer layer (streams.c) is :class:`StreamCore`, in C: ``read``,
    ``read_line``, ``read_record``, ``write``, ``_fill``, ``unread_bytes`` and the
    flags ``eof``, ``no_buffer``, ``chunk_size``, ``notes``. Subclasses provide the
    low-level ops below (plain socket reads and writes are done in C directly when
    ``_direct_fd`` is set).
    """

    __slots__ = (
        "__weakref__",
        "context",
        "mode",
        "persistent_key",
        "resource_id",
        "resource_type",
        "resources",
        "stream_type",
    )

    seekable = False

    def __init__(self, mode: str, chunk_size: int, resources: ResourceIds) -> None:
        # php_stream_alloc registers the resource: the number is taken now, whatever
        # happens to the stream next (a failed connect still used it).
        self.resources = resources
        self.resource_id = resources.allocate()
        self.resource_type = "stream"
        self.stream_type = "generic"
        self.mode = mode
        self.chunk_size = chunk_size
        self.context: Any = None
        self.persistent_key: str | None = None

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

    # -- reading helpers on top of the C core ---------------------------------------

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
        if self.unread_bytes > 0:
            return False
        if not self.eof and not self.alive():
            self.eof = True
        return self.eof

    # -- lifecycle ------------------------------------------------------------------

    def __repr__(self) -> str:
        # var_dump()'s words; a closed stream's type is "Unknown".
        if self.closed:
            return f"<resource({self.resource_id}) of type (Unknown)>"
        return f"<resource({self.resource_id}) of type ({self.resource_type}) {self.stream_type}>"

    # -- Python's with statement: leaving the block is fclose() ---------------------

    #: The PHP-facing layer's ``fclose``, installed by ``_php_streams`` (this layer
    #: does not know PHP's conventions: persistent registry, warnings).
    fclose_hook: ClassVar[Callable[[Any], object] | None] = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.closed:
            hook = Stream.fclose_hook
            if hook is None:
                self.close()
            else:
                hook(self)

    def __del__(self) -> None:
        # PHP frees (and closes) a stream when its last reference goes away.
        if not self.closed:
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True  # StreamBusyError while another call on the stream runs
        self.resource_type = "Unknown"  # what get_resource_type() says of a freed resource
        self.discard_buffer()
        self._op_close()

    def meta(self) -> dict[str, Any]:
        """``stream_get_meta_data`` minus the fields the PHP layer adds itself."""
        return {"timed_out": False, "blocked": True, "eof": self.at_eof()}


class SocketStream(Stream):
    """A socket stream (xp_socket.c ops, and xp_ssl.c's when crypto is attached).

    Plain socket reads and writes run in C on ``_direct_fd`` (``php_sockop_read`` /
    ``php_sockop_write``); while TLS is active ``_direct_fd`` is -1 and the C core calls
    :meth:`_op_read` / :meth:`_op_write`, which go through the TLS engine.
    ``is_blocked``, ``timed_out`` and ``eof`` live in the C core.
    """

    __slots__ = (
        "_crypto",
        "_family",
        "_fd",
        "_poller",
        "_poller_events",
        "_sock",
        "_timeout",
        "address",
        "connect_timeout",
        "fd_nonblocking",
        "is_server",
        "profile",
        "spec",
        "uri",
    )

    def __init__(
        self,
        sock: socket.socket | None,
        spec: TransportSpec,
        *,
        timeout: Timeout,
        chunk_size: int,
        profile: Profile,
        resources: ResourceIds,
        connect_timeout: Timeout = None,
        stream_type: str | None = None,
    ) -> None:
        super().__init__("r+", chunk_size, resources)
        #: The release whose I/O rules and texts the stream follows (its notes, and
        #: the C core's per-stream switches below).
        self.profile = profile
        self.apply_read_rules(profile)
        self._crypto: Any = None
        self._poller: Any = None
        self._poller_events = 0
        self._sock: socket.socket | None = sock
        if sock is None:  # the C core starts with direct_fd -1 and no fast reader
            self._fd = -1
            self._family = 0
        else:
            self._fd = sock.fileno()
            self._family = sock.family
            if FAST_PATHS:
                self._direct_fd = self._fd
        self.spec = spec
        self._timeout = timeout
        self._timeout_ms = poll_ms(timeout)
        self.zero_timeout = timeout == (0, 0)
        self.connect_timeout = connect_timeout
        #: The address part of the spec it was opened with (TLS derives the peer name).
        self.address: str | None = None
        #: What PHP's descriptor really is: O_NONBLOCK after an async connect or
        #: stream_set_blocking(false). Matters only for the raw recvfrom/sendto ops.
        self.fd_nonblocking = False
        self.is_server = False
        self.stream_type = stream_type if stream_type is not None else spec.stream_type
        #: PHP's ``stream->orig_path``: the name the stream was opened with, when the
        #: profile's ``socket_streams_keep_uri`` says the transport layer keeps it
        #: (stream_get_meta_data() then has a "uri" key).
        self.uri: str | None = None

    # The descriptor is what the stream owns; a Python socket object is made for it
    # only when Python code needs one (names, shutdown, liveness peeks). Connected
    # inet streams start from a bare descriptor (see _transport.connect_inet), which
    # keeps a connect + close free of socket-object overhead.

    @property
    def sock(self) -> socket.socket | None:
        sock = self._sock
        if sock is None and self._fd >= 0:
            sock = self._sock = socket.socket(self._family, self.spec.socktype, 0, self._fd)
            sock.setblocking(False)  # what every socket of _transport is
        return sock

    @sock.setter
    def sock(self, sock: socket.socket | None) -> None:
        self._sock = sock
        self._fd = -1 if sock is None else sock.fileno()
        self._family = 0 if sock is None else sock.family
        self._poller = None
        self.refresh_direct()

    def apply_read_rules(self, profile: Profile) -> None:
        """Set the C core's per-stream read rules from ``profile``: PHP 7's empty read
        on a timeout; 8.3+'s bug #51056 fix (no wait when the read already has
        buffered data) and no wait on a zero timeout."""
        self.timeout_empty = profile.read_timeout_is_empty
        self.no_wait_if_buffered = not profile.fread_blocks_when_buffered
        self.no_wait_zero_timeout = profile.zero_timeout_reads_without_wait

    def adopt_fd(self, fd: int, family: int) -> None:
        """Own a connected descriptor (no socket object until one is needed)."""
        self._sock = None
        self._fd = fd
        self._family = family
        self._poller = None
        if self._crypto is None and FAST_PATHS:
            self._direct_fd = fd
        else:
            self.refresh_direct()

    @property
    def timeout(self) -> Timeout:
        return self._timeout

    @timeout.setter
    def timeout(self, timeout: Timeout) -> None:
        self._timeout = timeout
        self._timeout_ms = poll_ms(timeout)
        self.zero_timeout = timeout == (0, 0)

    def refresh_direct(self) -> None:
        """Plain I/O in C unless TLS is active (or there is no socket, or the fast
        paths are off)."""
        crypto = self._crypto
        active = crypto is not None and crypto.active
        self._direct_fd = -1 if active or not FAST_PATHS else self._fd
        # Active TLS: the engine's C first pass of a read, before _op_read.
        if active and FAST_PATHS:
            self._attach_tls_reader(crypto, crypto.read_handle)
        else:
            self._attach_tls_reader(None, 0)

    # -- the ops the C core calls when TLS is active --------------------------------

    def _wait(self, events: int, timeout: Timeout) -> bool:
        """poll() the socket; False on timeout."""
        poller = self._poller
        if poller is None or self._poller_events != events:
            poller = select.poll()
            poller.register(self._fd, events)
            self._poller = poller
            self._poller_events = events
        return bool(poller.poll(poll_ms(timeout)))

    def _op_read(self, size: int) -> bytes | None:
        crypto = self._crypto
        if crypto is not None and crypto.active:
            return crypto.read(self, size)  # type: ignore[no-any-return]
        if self._fd < 0:
            return None  # no socket: PHP's sockop_read returns -1
        return self._sock_read(size)

    def _op_write(self, data: memoryview) -> int:
        crypto = self._crypto
        if crypto is not None and crypto.active:
            return crypto.write(self, data)  # type: ignore[no-any-return]
        if self._fd < 0:
            return 0  # no socket: PHP's sockop_write returns 0
        return self._sock_write(data)

    # The reference route of plain socket I/O (php_sockop_read/write), used when the
    # fast paths are off; with them on, StreamCore does the same in C on direct_fd.

    def _sock_read(self, size: int) -> bytes | None:
        sock = self.sock
        assert sock is not None
        if self.is_blocked:
            self.timed_out = False
        for attempt in (1, 2):
            try:
                data = sock.recv(size, _MSG_DONTWAIT)
            except OSError as exc:
                if exc.errno not in _TRANSIENT:
                    self.eof = True
                    return None
                if attempt == 2 or not self.is_blocked or self._read_dont_wait():
                    return b""
                if not self._wait(_POLLIN, self._timeout):
                    self.timed_out = True
                    return b"" if self.timeout_empty else None
                continue
            if not data:
                self.eof = True
            return data
        return b""  # pragma: no cover - the loop always returns

    def _read_dont_wait(self) -> bool:
        """The C core's read_dont_wait: the 8.3+ rules when the profile set them."""
        return (self.no_wait_if_buffered and self.has_buffered_data) or (
            self.no_wait_zero_timeout and self.zero_timeout
        )

    def _sock_write(self, data: memoryview) -> int:
        sock = self.sock
        assert sock is not None
        while True:
            try:
                return sock.send(data, _MSG_DONTWAIT)
            except OSError as exc:
                err = exc.errno or 0
                if err in _TRANSIENT:
                    if not self.is_blocked:
                        return 0
                    self.timed_out = False
                    if self._wait(select.POLLOUT, self._timeout):
                        continue
                    self.timed_out = True
                self._send_failed(len(data), err)
                return -1

    def _send_failed(self, count: int, err: int) -> None:
        """The E_NOTICE php_sockop_write raises (the C write path calls this)."""
        text = self.profile.msg("send_failed", count=count, errno=err, reason=os.strerror(err))
        self.notes.append(Note(E_NOTICE, text))

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
            return errno_mod.errorcode.get(exc.errno or 0) in self.profile.liveness_alive_errnos
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
        if not flags & socket.MSG_OOB:  # recv(MSG_OOB) never waits: no urgent data fails
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
        self.refresh_direct()

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
            self._attach_tls_reader(None, 0)
        sock = self._sock
        if sock is not None:
            sock.close()
            self._sock = None
        elif self._fd >= 0:
            os.close(self._fd)
        self._fd = -1
        self._poller = None
        self._direct_fd = -1

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
        return self._fd


#: php://temp's memory limit without ``/maxmemory:N`` (PHP_STREAM_MAX_MEM, 2 MiB).
TEMP_MAX_MEMORY = 2 * 1024 * 1024


class MemoryStream(Stream):
    """``php://memory`` and ``php://temp`` (main/streams/memory.c, PHP 8.2).

    Unbuffered (``fread`` reads the data directly; ``fgets`` still fills the buffer),
    greedy, seekable only within the data, and opened in one of three modes derived
    from the fopen mode: append (any "a"), read-write ("w" or "+"), else read-only.
    """

    __slots__ = (
        "_data",
        "_fpos",
        "_position",
        "_select_file",
        "_spill_at",
        "append",
        "read_only",
        "seek_past_end",
        "uri",
    )

    seekable = True

    def __init__(
        self,
        kind: str,
        chunk_size: int,
        uri: str,
        *,
        resources: ResourceIds,
        fopen_mode: str = "w+b",
        seek_past_end: bool = False,
        max_memory: int = TEMP_MAX_MEMORY,
    ) -> None:
        self.append = "a" in fopen_mode
        self.read_only = not self.append and not any(c in fopen_mode for c in "w+")
        mode = "a+b" if self.append else ("rb" if self.read_only else "w+b")
        super().__init__(mode, chunk_size, resources)
        #: php://temp only: the size at which PHP moves the data into a temporary file
        #: (``php://temp/maxmemory:N``, 2 MiB by default); None once it has. The data
        #: stays in memory here, but the file stream PHP opens takes a resource number.
        self._spill_at: int | None = None
        if kind == "TEMP":
            resources.allocate()  # the memory stream inside the temp stream
            self._spill_at = max_memory
        self.no_buffer = True
        self.greedy = True
        self.stream_type = kind
        self.uri = uri
        self._data = bytearray()
        self._fpos = 0
        #: PHP's stream->position (-1 after a failed seek, so ftell() is false).
        self._position = 0
        self._select_file: Any = None
        #: ``Profile.memory_seek_past_end``: the newer seek rules (see :meth:`seek`).
        self.seek_past_end = seek_past_end

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

    def write(self, data: bytes) -> int:
        # A seekable stream drops its read buffer and seeks to the logical position.
        if self.unread_bytes:
            self.discard_buffer()
            self._fpos = max(self._position, 0)
        return super().write(data)

    def _op_write(self, data: memoryview) -> int:
        if self.read_only:
            return -1
        if self.append:
            self._fpos = len(self._data)
        if self._spill_at is not None and len(self._data) + len(data) >= self._spill_at:
            self._spill()
        if self._fpos > len(self._data):  # after a seek past the end: NUL-fill the gap
            self._data.extend(bytes(self._fpos - len(self._data)))
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
        if self.seek_past_end:
            return self._seek_past_end(offset, whence)
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
            # An unknown whence: memory.c reports the data offset as the new position.
            self.discard_buffer()
            self._position = self._fpos
            return False
        self.discard_buffer()
        if ok:
            self._position = self._fpos
            self.eof = False
        else:
            self._position = -1
        return ok

    def _seek_past_end(self, offset: int, whence: int) -> bool:
        """The later rules (``Profile.memory_seek_past_end``): any offset from 0 up is
        valid; a negative SEEK_SET fails and changes nothing (not even the buffer);
        a SEEK_CUR/SEEK_END target before 0 fails with the position -1 and the data
        offset 0 (php://temp: unchanged); an unknown whence fails with the position at
        the data offset."""
        if whence == 0 and offset < 0:
            return False
        if whence == 1:
            offset, whence = self._position + offset, 0
            if offset < 0 and self.stream_type == "TEMP":
                # php://temp hands the inner memory stream a negative SEEK_SET,
                # which refuses it untouched; only the outer buffer goes.
                self.discard_buffer()
                return False
        elif whence == 2:
            offset, whence = len(self._data) + offset, 0
        self.discard_buffer()
        if whence != 0:
            self._position = self._fpos
            return False
        if offset < 0:
            self._fpos, self._position = 0, -1
            return False
        self._fpos = self._position = offset
        self.eof = False
        return True

    def _spill(self) -> None:
        """php://temp turns into a temporary file stream (``php_stream_temp_write``
        past the memory limit, ``php_stream_temp_cast``): one more resource."""
        self._spill_at = None
        self.resources.allocate()

    def select_fileno(self) -> int:
        """php://temp becomes a real temporary file when PHP needs a descriptor."""
        if self._spill_at is not None:
            self._spill()
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

    # -- ftruncate / fstat (php_stream_memory_set_option, php_stream_memory_stat) ----

    def truncate(self, size: int) -> bool:
        """TRUNCATE_SET_SIZE: grow with NUL bytes or cut; the data offset is pulled
        back to the new end (the stream position is not: ``ftell`` keeps it)."""
        if self.read_only:
            return False
        if size <= len(self._data):
            del self._data[size:]
            self._fpos = min(self._fpos, size)
        else:
            self._data.extend(bytes(size - len(self._data)))
        return True

    def stat_fields(self) -> tuple[int, ...]:
        """The 13 ``stat`` fields PHP reports: st_dev 0xC, a regular file 0666 (0444
        read-only), rdev/blksize/blocks -1, times 0."""
        mode = 0o100444 if self.read_only else 0o100666
        return (12, 0, mode, 1, 0, 0, -1, len(self._data), 0, 0, 0, -1, -1)
