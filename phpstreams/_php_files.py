"""PHP's file functions (ext/standard/file.c, streamsfuncs.c) that apply to socket and
memory streams: ``fstat``, ``ftruncate``, ``flock``, ``fsync``/``fdatasync``,
``fpassthru``, ``stream_copy_to_stream``, ``stream_isatty``,
``stream_supports_lock``, ``set_file_buffer``.

Layering rule: PHP-facing layer (see ``_php_sockets``). What PHP answers for these
depends on which "ops" a stream has: sockets stat their descriptor and support
neither truncation, locking nor sync; php://memory and php://temp truncate and stat
their data. Each answer here was read off PHP 8.2 ``-n`` and is pinned by
``compat_tests/cases/files``.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ._errors import E_WARNING
from ._php_args import (
    OMITTED,
    Ref,
    arg_error,
    arg_int,
    arg_ref,
    arg_resource,
    arg_stream,
    php_function,
)
from ._php_errors import emit, emit_notes
from ._php_state import runtime
from ._php_streams import set_write_buffer
from ._stream import MemoryStream, SocketStream, Stream

__all__ = [
    "fdatasync",
    "fpassthru",
    "fstat",
    "fsync",
    "ftruncate",
    "flock",
    "set_file_buffer",
    "stream_copy_to_stream",
    "stream_isatty",
    "stream_supports_lock",
]

_STAT_KEYS = (
    "dev",
    "ino",
    "mode",
    "nlink",
    "uid",
    "gid",
    "rdev",
    "size",
    "atime",
    "mtime",
    "ctime",
    "blksize",
    "blocks",
)
#: ``php_stream_copy_to_stream_ex`` and ``_php_stream_passthru`` move 8 KiB at a time.
_COPY_CHUNK = 8192
_LOCK_SH, _LOCK_EX, _LOCK_UN, _LOCK_NB = 1, 2, 3, 4


def _stream(func: str, value: object, argnum: int = 1, name: str = "stream") -> Stream:
    return arg_stream(func, argnum, name, arg_resource(func, argnum, name, value))


def _drain(stream: Stream, func: str) -> None:
    if stream.notes:
        notes, stream.notes = stream.notes, []
        emit_notes(notes, func)


@php_function
def fstat(stream: Any) -> dict[int | str, int] | bool:
    """PHP: ``fstat(resource $stream): array|false``

    The 13 stat fields twice, under 0..12 and under their names (``dev``, ``ino``,
    ``mode`` ... ``blocks``), as PHP builds the array. A socket stream reports its
    descriptor's ``fstat`` (mode ``0140777``, size 0); php://memory and php://temp
    report PHP's synthetic entry (dev 12, a regular file of the data's size, -1 for
    rdev, blksize and blocks).
    """
    s = _stream("fstat", stream)
    if isinstance(s, MemoryStream):
        fields = s.stat_fields()
    elif isinstance(s, SocketStream):
        try:
            st = os.fstat(s.fileno())
        except OSError:
            return False
        # whole-second times, as PHP's zend_fstat gives them
        fields = (
            st.st_dev,
            st.st_ino,
            st.st_mode,
            st.st_nlink,
            st.st_uid,
            st.st_gid,
            st.st_rdev,
            st.st_size,
            int(st.st_atime),
            int(st.st_mtime),
            int(st.st_ctime),
            st.st_blksize,
            st.st_blocks,
        )
    else:
        return False
    out: dict[int | str, int] = dict(enumerate(fields))
    out.update(zip(_STAT_KEYS, fields, strict=True))
    return out


@php_function
def ftruncate(stream: Any, size: int) -> bool:
    """PHP: ``ftruncate(resource $stream, int $size): bool``

    php://memory and php://temp grow with NUL bytes or are cut to ``size`` (the
    position is left alone, as in PHP); read-only ones answer False. A socket cannot
    be truncated: PHP's warning "Can't truncate this stream!" and False.
    """
    func = "ftruncate"
    res = arg_resource(func, 1, "stream", stream)
    n = arg_int(func, 2, "size", size)
    assert n is not None
    s = arg_stream(func, 1, "stream", res)
    if n < 0:
        raise arg_error(
            ValueError(
                f"{func}(): "
                + runtime().profile.msg("arg_greater_or_equal_zero", argnum=2, name="size")
            ),
            func,
            "ftruncate_negative",
        )
    if not isinstance(s, MemoryStream):
        emit(E_WARNING, runtime().profile.msg("truncate_unsupported"), func)
        return False
    return s.truncate(n)


@php_function
def flock(stream: Any, operation: int, would_block: Ref | None = None) -> bool:
    """PHP: ``flock(resource $stream, int $operation, int &$would_block = null): bool``

    Socket and memory streams have no locking: always False (``would_block``, a
    :class:`Ref`, is set to 0). ``operation`` must still name LOCK_SH, LOCK_EX or
    LOCK_UN (optionally ``| LOCK_NB``), else PHP's ValueError.
    """
    func = "flock"
    res = arg_resource(func, 1, "stream", stream)
    op = arg_int(func, 2, "operation", operation)
    ref = arg_ref(func, 3, "would_block", would_block)
    assert op is not None
    arg_stream(func, 1, "stream", res)
    act = op & _LOCK_UN
    if act < _LOCK_SH or act > _LOCK_UN:
        raise arg_error(
            ValueError(
                f"{func}(): " + runtime().profile.msg("flock_operation", argnum=2, name="operation")
            ),
            func,
            "flock_illegal_operation",
        )
    if ref is not None:
        ref.value = 0
    return False


@php_function
def stream_supports_lock(stream: Any) -> bool:
    """PHP: ``stream_supports_lock(resource $stream): bool``

    False for socket and memory streams (only plain files lock).
    """
    _stream("stream_supports_lock", stream)
    return False


@php_function
def stream_isatty(stream: Any) -> bool:
    """PHP: ``stream_isatty(resource $stream): bool``

    ``isatty()`` of the stream's descriptor: False for sockets, and for memory
    streams (no descriptor).
    """
    s = _stream("stream_isatty", stream)
    if isinstance(s, SocketStream) and s.fileno() >= 0:
        return os.isatty(s.fileno())
    return False


def _sync(func: str, stream: Any) -> bool:
    _stream(func, stream)
    # Neither socket nor memory streams implement PHP_STREAM_OPTION_SYNC_API.
    emit(E_WARNING, runtime().profile.msg("fsync_unsupported"), func)
    return False


@php_function
def fsync(stream: Any) -> bool:
    """PHP: ``fsync(resource $stream): bool``

    Socket and memory streams cannot be synced: PHP's warning "Can't fsync this
    stream!" and False.
    """
    return _sync("fsync", stream)


@php_function
def fdatasync(stream: Any) -> bool:
    """PHP: ``fdatasync(resource $stream): bool``

    As :func:`fsync` (PHP's warning text also says "fsync").
    """
    return _sync("fdatasync", stream)


@php_function
def set_file_buffer(stream: Any, size: int) -> int:
    """PHP: ``set_file_buffer(resource $stream, int $size): int``

    Alias of ``stream_set_write_buffer``: -1 for socket and memory streams.
    """
    return set_write_buffer("set_file_buffer", stream, size)


def _output(data: bytes) -> None:
    """PHP's output layer is the process's standard output: bytes go to
    ``sys.stdout.buffer`` (after flushing the text layer), or are decoded as
    Latin-1 for a text-only ``sys.stdout`` (each byte one character)."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(data)
        buffer.flush()
    else:
        out.write(data.decode("latin-1"))


@php_function
def fpassthru(stream: Any) -> int:
    """PHP: ``fpassthru(resource $stream): int``

    Reads the stream to EOF (8 KiB reads) and writes everything to standard output;
    returns the number of bytes passed. On a socket this blocks until the peer
    closes or a read times out. Difference from PHP: PHP's output buffering
    (``ob_start``) does not exist; the bytes go to ``sys.stdout`` (see
    :func:`contextlib.redirect_stdout` to capture them).
    """
    func = "fpassthru"
    s = _stream(func, stream)
    total = 0
    while True:
        data = s.read(_COPY_CHUNK)
        if not data:
            _drain(s, func)
            if data is None and total == 0:
                return -1
            return total
        _output(data)
        total += len(data)


@php_function
def stream_copy_to_stream(
    from_: Any, to: Any, length: int | None = OMITTED, offset: int = 0
) -> int | bool:
    """PHP: ``stream_copy_to_stream(resource $from, resource $to, ?int $length = null,
    int $offset = 0): int|false``

    Copies up to ``length`` bytes (all until EOF for None or a negative length) from
    ``from_`` to ``to``, after seeking ``from_`` to ``offset`` when it is positive
    (a failed seek -- any socket, or past the end of a memory stream -- is PHP's
    warnings and False). Returns the number of bytes copied; False when a write
    fails. Reads are PHP's 8 KiB reads, so on a socket the copy ends at EOF or at a
    read timeout. (``from`` is a Python keyword, hence ``from_``.)
    """
    func = "stream_copy_to_stream"
    src_res = arg_resource(func, 1, "from", from_)
    dst_res = arg_resource(func, 2, "to", to)
    maxlen = None if length is OMITTED else arg_int(func, 3, "length", length, nullable=True)
    pos = arg_int(func, 4, "offset", offset)
    assert pos is not None
    src = arg_stream(func, 1, "from", src_res)
    dst = arg_stream(func, 2, "to", dst_res)
    msg = runtime().profile.msg
    if pos > 0:
        if not isinstance(src, MemoryStream):
            emit(E_WARNING, msg("seek_unsupported"), func)  # _php_stream_seek
        if not (isinstance(src, MemoryStream) and src.seek(pos, 0)):
            emit(E_WARNING, msg("seek_to_failed", offset=pos), func)
            return False
    if maxlen == 0:
        return 0
    limit = None if maxlen is None or maxlen < 0 else maxlen  # a negative is (size_t) huge
    copied = 0
    ok = True
    while limit is None or copied < limit:
        chunk = _COPY_CHUNK if limit is None else min(_COPY_CHUNK, limit - copied)
        data = src.read(chunk)
        _drain(src, func)
        if not data:
            ok = data is not None
            break
        view = data
        while view:
            written = dst.write(view)
            _drain(dst, func)
            if written <= 0:
                return False
            view = view[written:]
        copied += len(data)
    return copied if ok else False
