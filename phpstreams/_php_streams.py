"""PHP-facing stream functions: ``fread``/``fwrite``/``fgets``/..., meta data, timeouts,
blocking, buffers, ``stream_select``, and ``fopen`` for ``php://memory``/``php://temp``.

Layering rule: PHP-facing layer (see ``_php_sockets``). ``fread`` and ``fgets`` are the
hot paths: one argument check and a call into the stream's buffer, nothing else.
"""

from __future__ import annotations

import os
import re
import select
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

from . import _speedups
from ._errors import E_WARNING
from ._fastpaths import FAST_PATHS
from ._php_args import (
    OMITTED,
    Ref,
    arg_bool,
    arg_bytes,
    arg_error,
    arg_int,
    arg_ref,
    arg_resource,
    arg_stream,
    arg_string,
    not_a_stream,
    php_function,
    type_error,
)
from ._php_errors import emit, emit_notes
from ._php_state import runtime
from ._phpvalues import is_array
from ._resources import PHPResource
from ._stream import TEMP_MAX_MEMORY, MemoryStream, SocketStream, Stream

__all__ = [
    "fclose",
    "feof",
    "fflush",
    "fgetc",
    "fgets",
    "fopen",
    "fputs",
    "fread",
    "fseek",
    "ftell",
    "fwrite",
    "get_resource_id",
    "get_resource_type",
    "is_resource",
    "rewind",
    "socket_get_status",
    "socket_set_blocking",
    "socket_set_timeout",
    "stream_get_contents",
    "stream_get_line",
    "stream_get_meta_data",
    "stream_is_local",
    "stream_select",
    "stream_set_blocking",
    "stream_set_chunk_size",
    "stream_set_read_buffer",
    "stream_set_timeout",
    "stream_set_write_buffer",
]

_INT_MAX = 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_Entry = TypeVar("_Entry")


def _stream(func: str, value: object, name: str = "stream") -> Stream:
    """Fast path of ``Z_PARAM_RESOURCE`` + ``php_stream_from_zval``."""
    if type(value) is SocketStream or type(value) is MemoryStream:
        if value.closed:
            raise not_a_stream(func)
        return value
    return arg_stream(func, 1, name, arg_resource(func, 1, name, value))


def _drain(stream: Stream, func: str) -> None:
    notes = stream.notes
    if notes:
        stream.notes = []
        emit_notes(notes, func)


# ---------------------------------------------------------------------------
# reading


def _msg(key: str, **fields: object) -> str:
    """Message ``key`` of the active release."""
    return runtime().profile.msg(key, **fields)


@php_function
def _fread_args(stream: Any, length: Any) -> tuple[Stream, int]:
    """fread()'s argument rules (``_speedups.fread`` runs the body): the stream and a
    length > 0, or PHP's TypeError/ValueError, in PHP's order."""
    res = arg_resource("fread", 1, "stream", stream)
    n = arg_int("fread", 2, "length", length)
    assert n is not None
    s = arg_stream("fread", 1, "stream", res)
    if n <= 0:
        raise arg_error(
            ValueError("fread(): " + _msg("arg_greater_than_zero", argnum=2, name="length")),
            "fread",
            "length_positive",
        )
    return s, n


@php_function
def _fgets_args(stream: Any, length: Any = OMITTED) -> tuple[Stream, int | None]:
    """fgets()'s argument rules (``_speedups.fgets`` runs the body): the stream and
    the C buffer size (None: no limit)."""
    if length is OMITTED:
        return _stream("fgets", stream), None
    res = arg_resource("fgets", 1, "stream", stream)
    n = arg_int("fgets", 2, "length", length, nullable=True)
    s = arg_stream("fgets", 1, "stream", res)
    if n is not None and n <= 0:
        raise arg_error(
            ValueError("fgets(): " + _msg("arg_greater_than_zero", argnum=2, name="length")),
            "fgets",
            "length_positive",
        )
    return s, n


@php_function
def fgetc(stream: Any) -> bytes | bool:
    """PHP: ``fgetc(resource $stream): string|false``

    One byte (as ``bytes`` of length 1), or False at EOF.
    """
    s = _stream("fgetc", stream)
    data = s.getc()
    _drain(s, "fgetc")
    return False if data is None else data


@php_function
def stream_get_line(stream: Any, length: int, ending: str | bytes = "") -> bytes | bool:
    """PHP: ``stream_get_line(resource $stream, int $length, string $ending = ""): string|false``

    Reads up to ``length`` bytes (0 means 8192) or up to the delimiter ``ending``,
    which is consumed but not returned; False when nothing was read.
    """
    func = "stream_get_line"
    res = arg_resource(func, 1, "stream", stream)
    n = arg_int(func, 2, "length", length)
    delim = arg_bytes(func, 3, "ending", ending)
    assert n is not None
    if n < 0:
        raise arg_error(
            ValueError(f"{func}(): " + _msg("arg_greater_or_equal_zero", argnum=2, name="length")),
            func,
            "get_line_length_negative",
        )
    if n == 0:
        n = runtime().profile.chunk_size
    s = arg_stream(func, 1, "stream", res)
    data = s.read_record(n, delim)
    _drain(s, func)
    return False if data is None else data


@php_function
def stream_get_contents(
    stream: Any, length: int | None = OMITTED, offset: int = -1
) -> bytes | bool:
    """PHP: ``stream_get_contents(resource $stream, ?int $length = null,
    int $offset = -1): string|false``

    Reads until EOF (or ``length`` bytes; -1/None is all), after seeking to ``offset``
    if it is >= 0 (a failed seek: PHP's warning and False). On a socket this blocks
    until the peer closes, ``length`` bytes arrived, or a read times out.
    """
    func = "stream_get_contents"
    res = arg_resource(func, 1, "stream", stream)
    n = None if length is OMITTED else arg_int(func, 2, "length", length, nullable=True)
    off = arg_int(func, 3, "offset", offset)
    assert off is not None
    if n is not None and n < -1:  # checked before the resource is (streamsfuncs.c)
        raise arg_error(
            ValueError(
                f"{func}(): " + _msg("arg_greater_or_equal_minus_one", argnum=2, name="length")
            ),
            func,
            "get_contents_length",
        )
    s = arg_stream(func, 1, "stream", res)
    if n == -1:
        n = None
    if off >= 0:
        # Forward as a relative seek, which socket streams emulate by reading.
        position = _position(s)
        moved = 0
        if position >= 0 and off > position:
            moved = _seek(func, s, off - position, _SEEK_CUR)
        elif off < position:
            moved = _seek(func, s, off, _SEEK_SET)
        if moved != 0:
            emit(E_WARNING, runtime().profile.msg("seek_to_failed", offset=off), func)
            return False
    if n == 0:
        return b""
    data = s.read_all(n)
    _drain(s, func)
    return data


@php_function
def feof(stream: Any) -> bool:
    """PHP: ``feof(resource $stream): bool``

    True at end of stream. Buffered data is not EOF; otherwise a zero-timeout liveness
    probe decides (a peer that closed with nothing pending is EOF).
    """
    s = _stream("feof", stream)
    return s.at_eof()


# ---------------------------------------------------------------------------
# writing


@php_function
def _fwrite_args(
    func: str, stream: Any, data: Any, length: Any = OMITTED
) -> tuple[Stream, bytes] | int:
    """fwrite()/fputs()'s argument rules (``_speedups.fwrite``/``fputs`` run the body):
    the stream and the bytes to write, or 0 when PHP returns before it even looks at
    the stream (nothing to write)."""
    res = arg_resource(func, 1, "stream", stream)
    payload = data if type(data) is bytes else arg_bytes(func, 2, "data", data)
    if length is not OMITTED:
        n = arg_int(func, 3, "length", length, nullable=True)
        if n is not None:
            payload = payload[: max(n, 0)]
    if not payload:
        return 0
    return _stream(func, res), payload


@php_function
def fflush(stream: Any) -> bool:
    """PHP: ``fflush(resource $stream): bool``

    True: socket and memory writes are unbuffered, so there is nothing to flush.
    """
    _stream("fflush", stream)
    return True


# ---------------------------------------------------------------------------
# lifecycle and introspection


@php_function
def fclose(stream: Any) -> bool:
    """PHP: ``fclose(resource $stream): bool``

    Closes the stream (a TLS stream sends its close_notify first) and returns True; a
    persistent stream is really closed and forgotten. Leaving a ``with stream:`` block
    does the same. Raises ``StreamBusyError`` (a RuntimeError) when called from a
    signal handler or another thread while a blocking call on the same stream runs.
    """
    s = _stream("fclose", stream)
    if s.persistent_key is not None and runtime().persistent.get(s.persistent_key) is s:
        del runtime().persistent[s.persistent_key]
    s.close()
    _drain(s, "fclose")
    return True


@php_function
def get_resource_type(resource: Any) -> str:
    """PHP: ``get_resource_type(resource $resource): string``

    ``"stream"``, ``"stream-context"`` ..., or ``"Unknown"`` once closed.
    """
    res = arg_resource("get_resource_type", 1, "resource", resource)
    rtype = getattr(res, "resource_type", "Unknown")
    return rtype if isinstance(rtype, str) else "Unknown"


@php_function
def get_resource_id(resource: Any) -> int:
    """PHP: ``get_resource_id(resource $resource): int`` (PHP 8.0+)

    The resource's number, as ``(int)$resource`` gives it (``int(resource)`` here);
    it stays the same after the resource is closed. ``str(resource)`` is PHP's
    ``"Resource id #N"``.
    """
    res = arg_resource("get_resource_id", 1, "resource", resource)
    return cast(PHPResource, res).resource_id


@php_function
def is_resource(value: Any) -> bool:
    """PHP: ``is_resource(mixed $value): bool``

    True for an open stream or context resource; False for anything else, including
    a closed stream.
    """
    rtype = getattr(value, "resource_type", None)
    return isinstance(rtype, str) and rtype != "Unknown"


@php_function
def stream_get_meta_data(stream: Any) -> dict[str, Any]:
    """PHP: ``stream_get_meta_data(resource $stream): array``

    The stream's meta data with PHP's keys and key order (``timed_out``, ``blocked``,
    ``eof``, ``crypto`` for TLS, ``stream_type``, ``mode``, ``unread_bytes``,
    ``seekable`` ...).
    """
    return _meta_data("stream_get_meta_data", stream)


def _meta_data(func: str, stream: Any) -> dict[str, Any]:
    s = _stream(func, stream)
    out = s.meta()
    if isinstance(s, MemoryStream):
        out["wrapper_type"] = "PHP"
    out["stream_type"] = s.stream_type
    out["mode"] = s.mode
    out["unread_bytes"] = s.unread_bytes
    out["seekable"] = s.seekable
    uri = getattr(s, "uri", None)
    if uri is not None:
        # orig_path is a C string: a NUL in the name ends it.
        out["uri"] = uri.split("\0", 1)[0]
    return out


@php_function
def socket_get_status(stream: Any) -> dict[str, Any]:
    """PHP: ``socket_get_status(resource $stream): array``

    Alias of ``stream_get_meta_data`` (errors carry the alias's name, as in PHP).
    """
    return _meta_data("socket_get_status", stream)


_URL_WRAPPERS = {"https": True, "ftps": True, "http": True, "ftp": True, "data": True}
_LOCAL_WRAPPERS = {"php", "file", "glob", "compress.zlib"}


@php_function
def stream_is_local(stream: Any) -> bool:
    """PHP: ``stream_is_local(resource|string $stream): bool``

    For a stream: False for sockets, True for memory streams. For a URL: False for
    network wrappers (``http://``, ``ftp://``, ``data:`` ...), True otherwise (with PHP's
    warning for an unknown wrapper).
    """
    func = "stream_is_local"
    if isinstance(getattr(stream, "resource_type", None), str):
        s = _stream(func, stream)
        return isinstance(s, MemoryStream)
    # A mixed parameter: anything else is converted to a string (null silently,
    # arrays with a warning).
    if stream is None:
        stream = ""
    elif is_array(stream):
        profile = runtime().profile
        emit(profile.array_to_string_level, profile.msg("array_to_string"))
        stream = "Array"
    url = arg_string(func, 1, "stream", stream)
    assert url is not None
    if url.startswith("data:"):
        return False
    m = re.match(r"([A-Za-z0-9+.-]+)://", url)
    if m is None or len(m.group(1)) < 2:
        return True
    scheme = m.group(1).lower()
    if scheme in _URL_WRAPPERS:
        return False
    if scheme == "file":
        return url.startswith("file:///") or url.lower().startswith("file://localhost/")
    if scheme not in _LOCAL_WRAPPERS:
        emit(
            E_WARNING,
            runtime().profile.msg("wrapper_not_found", name=m.group(1)),
            func,
        )
    return True


# ---------------------------------------------------------------------------
# options


@php_function
def stream_set_blocking(stream: Any, enable: bool) -> bool:
    """PHP: ``stream_set_blocking(resource $stream, bool $enable): bool``

    Switches a socket stream between blocking and non-blocking mode; True.
    """
    func = "stream_set_blocking"
    res = arg_resource(func, 1, "stream", stream)
    flag = arg_bool(func, 2, "enable", enable)
    s = arg_stream(func, 1, "stream", res)
    if isinstance(s, SocketStream):
        return s.set_blocking(bool(flag))
    return True


@php_function
def socket_set_blocking(stream: Any, enable: bool) -> bool:
    """PHP: ``socket_set_blocking(resource $stream, bool $enable): bool``

    Alias of ``stream_set_blocking``.
    """
    return stream_set_blocking(stream, enable)


@php_function
def stream_set_timeout(stream: Any, seconds: float, microseconds: float = 0) -> bool:
    """PHP: ``stream_set_timeout(resource $stream, int $seconds, int $microseconds = 0): bool``

    Sets the read/write timeout of a socket stream and clears ``timed_out``; False
    for streams without timeouts (memory). ``seconds`` may be a float, as PHP code
    passes one: PHP converts it to int (a fractional value with PHP's "Implicit
    conversion ... loses precision" deprecation); use ``microseconds`` for fractions.
    ``microseconds`` is a plain int in PHP: null is deprecated (and 0).
    """
    return _set_timeout("stream_set_timeout", stream, seconds, microseconds)


def _set_timeout(func: str, stream: Any, seconds: Any, microseconds: Any) -> bool:
    res = arg_resource(func, 1, "stream", stream)
    sec = arg_int(func, 2, "seconds", seconds)
    assert sec is not None
    usec = 0
    if microseconds != 0 or type(microseconds) is not int:
        u = arg_int(func, 3, "microseconds", microseconds)
        assert u is not None
        # C division and remainder truncate toward zero.
        q = abs(u) // 1_000_000
        sec += q if u >= 0 else -q
        usec = u - (q if u >= 0 else -q) * 1_000_000
    s = arg_stream(func, 1, "stream", res)
    if not isinstance(s, SocketStream):
        return False
    s.set_timeout((sec, usec))
    return True


@php_function
def socket_set_timeout(stream: Any, seconds: float, microseconds: float = 0) -> bool:
    """PHP: ``socket_set_timeout(resource $stream, int $seconds, int $microseconds = 0): bool``

    Alias of ``stream_set_timeout`` (PHP reports errors under this name).
    """
    return _set_timeout("socket_set_timeout", stream, seconds, microseconds)


@php_function
def stream_set_read_buffer(stream: Any, size: int) -> int:
    """PHP: ``stream_set_read_buffer(resource $stream, int $size): int``

    0 switches read buffering off (reads go straight to the socket with the caller's
    size); returns 0.
    """
    func = "stream_set_read_buffer"
    res = arg_resource(func, 1, "stream", stream)
    n = arg_int(func, 2, "size", size)
    s = arg_stream(func, 1, "stream", res)
    s.no_buffer = n == 0
    return 0


@php_function
def stream_set_write_buffer(stream: Any, size: int) -> int:
    """PHP: ``stream_set_write_buffer(resource $stream, int $size): int``

    -1: socket and memory streams have no write buffer to configure (PHP's answer).
    """
    return set_write_buffer("stream_set_write_buffer", stream, size)


def set_write_buffer(func: str, stream: Any, size: int) -> int:
    """stream_set_write_buffer under the name it was called by (``set_file_buffer``)."""
    res = arg_resource(func, 1, "stream", stream)
    arg_int(func, 2, "size", size)
    arg_stream(func, 1, "stream", res)
    return -1


@php_function
def stream_set_chunk_size(stream: Any, size: int) -> int:
    """PHP: ``stream_set_chunk_size(resource $stream, int $size): int``

    Sets the stream's chunk size (how much one buffer fill asks the socket for) and
    returns the previous one; ``size`` must be > 0.
    """
    func = "stream_set_chunk_size"
    res = arg_resource(func, 1, "stream", stream)
    n = arg_int(func, 2, "size", size)
    assert n is not None
    if n <= 0:
        raise arg_error(
            ValueError(f"{func}(): " + _msg("arg_greater_than_zero", argnum=2, name="size")),
            func,
            "chunk_size_positive",
            size=n,
        )
    if n > _INT_MAX:
        raise arg_error(
            ValueError(f"{func}(): " + _msg("arg_too_large", argnum=2, name="size")),
            func,
            "chunk_size_too_large",
            max=_INT_MAX,
        )
    s = arg_stream(func, 1, "stream", res)
    old = s.chunk_size
    s.chunk_size = n
    return min(old, _INT_MAX)


# ---------------------------------------------------------------------------
# stream_select


_READ_EVENTS = select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR
_WRITE_EVENTS = select.POLLOUT | select.POLLERR
_EXCEPT_EVENTS = select.POLLPRI


class _SelectArray:
    """One of stream_select()'s arrays: its entries (key, value) in order, and PHP's
    ``php_stream_from_zval_no_verify`` over them. A closed resource or a non-resource
    entry does not stop the select: PHP records a TypeError for it on every pass and
    throws the last one when the function returns. The array is scanned once; each
    pass replays the scan's errors in PHP's order."""

    __slots__ = ("_errors", "_streams", "func", "ref")

    def __init__(self, ref: Ref, func: str) -> None:
        self.ref = ref
        self.func = func
        value = ref.value
        entries = value.items() if isinstance(value, Mapping) else enumerate(value)
        self._streams: list[tuple[Any, Stream]] = []
        self._errors: list[str] = []
        for key, item in entries:
            if isinstance(item, Stream) and not item.closed:
                self._streams.append((key, item))
            elif isinstance(getattr(item, "resource_type", None), str):
                self._errors.append(f"{func}(): " + _msg("not_a_stream"))
            else:
                self._errors.append(f"{func}(): " + _msg("not_a_stream_argument"))

    def streams(self, errors: list[str]) -> list[tuple[Any, Stream]]:
        if self._errors:
            if runtime().profile.arg_errors == "throw":
                errors.extend(self._errors)
            else:  # PHP 7: zend_fetch_resource warns on each pass; the entry is skipped
                for text in self._errors:
                    emit(E_WARNING, text)
        return self._streams

    def replace(self, kept: list[tuple[Any, Stream]]) -> None:
        if isinstance(self.ref.value, Mapping):
            self.ref.value = {k: v for k, v in kept}
        else:
            self.ref.value = [v for _, v in kept]


def _select_fd(func: str, stream: Stream) -> int:
    """``php_stream_cast(... PHP_STREAM_AS_FD_FOR_SELECT)``: the descriptor, or -1 with
    PHP's warning. A TLS stream first pulls decrypted bytes into its buffer; php://temp
    turns into a real temporary file (always ready), php://memory has no descriptor."""
    if isinstance(stream, SocketStream):
        crypto = stream.crypto
        if crypto is not None and crypto.active:
            crypto.pull_pending(stream)
        return stream.fileno()
    if isinstance(stream, MemoryStream) and stream.stream_type == "TEMP":
        return stream.select_fileno()
    emit(
        E_WARNING,
        runtime().profile.msg("select_cannot_represent", type=stream.stream_type),
        func,
    )
    return -1


@php_function
def stream_select(
    read: Ref | None,
    write: Ref | None,
    except_: Ref | None,
    seconds: int | None,
    microseconds: int | None = OMITTED,
) -> int | bool:
    """PHP: ``stream_select(?array &$read, ?array &$write, ?array &$except,
    ?int $seconds, ?int $microseconds = null): int|false``

    Waits until streams are readable/writable. The arrays are :class:`Ref` objects
    holding a list or a dict (a dict keeps its keys, as PHP arrays do); on return each
    holds only the ready streams. Returns how many are ready (0 on timeout), or False
    with PHP's warning. Streams with data already in their read buffer make the call
    return at once with only those streams readable and the other arrays emptied
    (PHP's shortcut). ``seconds`` None waits forever.
    """
    func = "stream_select"
    refs: list[Ref | None] = []
    for argnum, (name, ref) in enumerate(
        (("read", read), ("write", write), ("except", except_)), start=1
    ):
        r = ref if type(ref) is Ref else arg_ref(func, argnum, name, ref)
        if r is None or r.value is None:
            refs.append(None)
            continue
        if type(r.value) is not list and not isinstance(r.value, Mapping | list | tuple):
            raise type_error(func, argnum, name, "?array", r.value)
        refs.append(r)
    # Plain ints in range are what arg_int would return; anything else goes through it.
    sec = (
        seconds
        if type(seconds) is int and _LONG_MIN <= seconds <= _LONG_MAX
        else arg_int(func, 4, "seconds", seconds, nullable=True)
    )
    usec = (
        None
        if microseconds is OMITTED
        else microseconds
        if type(microseconds) is int and _LONG_MIN <= microseconds <= _LONG_MAX
        else arg_int(func, 5, "microseconds", microseconds, nullable=True)
    )
    masks = (_READ_EVENTS, _WRITE_EVENTS, _EXCEPT_EVENTS)

    # Plain socket streams in lists and a valid timeout: one poll() in C, then the same
    # result rules as below (the general route handles everything else, in PHP's order).
    if FAST_PATHS and _timeout_error(func, sec, usec) is None:
        timeout_ms = _poll_timeout_ms(sec, usec)
        values = (
            None if refs[0] is None else refs[0].value,
            None if refs[1] is None else refs[1].value,
            None if refs[2] is None else refs[2].value,
        )
        try:
            polled = _speedups.poll_streams(values, masks, timeout_ms)
        except OSError as exc:
            return _select_failed(func, exc, max(s._direct_fd for v in values if v for s in v))
        if polled is not None:
            total = 0
            for r, got in zip(refs, polled, strict=True):
                if r is not None and got is not None:
                    items, fds, ready_at = got
                    r.value, count = _keep_ready(items, fds, ready_at)
                    total += count
            return total

    arrays = [None if r is None else _SelectArray(r, func) for r in refs]

    errors: list[str] = []
    registered: dict[int, int] = {}
    socket_fds: dict[int, int] = {}  # id(socket stream) -> its descriptor, cast once
    sets = 0
    for arr, mask in zip(arrays, masks, strict=True):  # stream_array_to_fd_set
        if arr is None:
            continue
        counted = False
        for _, s in arr.streams(errors):
            fd = _select_fd(func, s)
            if type(s) is SocketStream:
                socket_fds[id(s)] = fd
            if fd >= 0:
                registered[fd] = registered.get(fd, 0) | mask
                counted = True
        sets += counted
    try:
        if not sets:
            raise arg_error(ValueError(_msg("select_no_arrays")), func, "select_no_arrays")
        problem = _timeout_error(func, sec, usec)
        if problem is not None:
            text, key, argnum = problem
            raise arg_error(ValueError(text), func, key, argnum=argnum)
        timeout_ms = _poll_timeout_ms(sec, usec)
    except ValueError as exc:
        if errors and str(exc).startswith(f"{func}(): Argument #"):
            # zend_argument_value_error does nothing while the TypeError of a bad
            # array element is pending: that TypeError is what PHP throws.
            raise TypeError(errors[-1]) from None
        if errors:
            raise exc from TypeError(errors[-1])
        raise

    result = _select_run(func, arrays, masks, registered, socket_fds, timeout_ms, errors)
    if errors:
        raise TypeError(errors[-1])
    return result


def _timeout_error(func: str, sec: int | None, usec: int | None) -> tuple[str, str, int] | None:
    """stream_select's timeout rules, in PHP's order: the ValueError text, the message
    key of PHP 7's warning and the argument number; or None."""
    if sec is None:
        if usec and "stream_select:usec_needs_null" not in runtime().profile.unchecked_args:
            return (
                f"{func}(): Argument #5 ($microseconds) must be null when argument #4 "
                "($seconds) is null",
                "select_usec_needs_null",
                5,
            )
        return None
    if sec < 0:
        return (
            f"{func}(): Argument #4 ($seconds) must be greater than or equal to 0",
            "select_timeout_negative",
            4,
        )
    if (usec or 0) < 0:
        return (
            f"{func}(): Argument #5 ($microseconds) must be greater than or equal to 0",
            "select_usec_negative",
            5,
        )
    return None


def _poll_timeout_ms(sec: int | None, usec: int | None) -> int:
    """stream_select's timeout for poll(): microseconds rounded up, capped at INT_MAX,
    -1 (forever) without seconds."""
    if sec is None:
        return -1
    return min(sec * 1000 + ((usec or 0) + 999) // 1000, _INT_MAX)


def _select_failed(func: str, exc: OSError, max_fd: int) -> bool:
    code = exc.errno or 0
    reason = os.strerror(code)
    emit(
        E_WARNING,
        runtime().profile.msg("unable_to_select", errno=code, reason=reason, max_fd=max_fd),
        func,
    )
    return False


def _select_run(
    func: str,
    arrays: list[_SelectArray | None],
    masks: tuple[int, int, int],
    registered: dict[int, int],
    socket_fds: dict[int, int],
    timeout_ms: int,
    errors: list[str],
) -> int | bool:
    # The buffered-data shortcut (stream_array_emulate_read_fd_set).
    read_arr = arrays[0]
    if read_arr is not None:
        buffered = [(k, s) for k, s in read_arr.streams(errors) if s.unread_bytes > 0]
        if buffered:
            read_arr.replace(buffered)
            for arr in arrays[1:]:
                if arr is not None:
                    arr.replace([])
            return len(buffered)

    poller = select.poll()
    register = poller.register
    for fd, events in registered.items():
        register(fd, events)
    try:
        ready = dict(poller.poll(timeout_ms))
    except OSError as exc:
        return _select_failed(func, exc, max(registered))
    total = 0
    for arr, mask in zip(arrays, masks, strict=True):  # stream_array_from_fd_set
        if arr is None:
            continue
        entries = arr.streams(errors)
        # A socket's second cast would change nothing (its TLS pending bytes were pulled
        # by the first); other streams are cast again, for PHP's warnings.
        fds = [socket_fds.get(id(s), -2) for _, s in entries]
        fds = [
            _select_fd(func, s) if fd == -2 else fd for fd, (_, s) in zip(fds, entries, strict=True)
        ]
        ready_at = [i for i, fd in enumerate(fds) if fd >= 0 and ready.get(fd, 0) & mask]
        kept, count = _keep_ready(entries, fds, ready_at)
        arr.replace(kept)
        total += count
    return total


def _keep_ready(
    entries: Sequence[_Entry], fds: Sequence[int], ready_at: Sequence[int]
) -> tuple[list[_Entry], int]:
    """``stream_array_from_fd_set``: keep the entries at the positions whose descriptor
    is ready for the array's events; each ready descriptor counts once per array."""
    return [entries[i] for i in ready_at], len({fds[i] for i in ready_at})


# ---------------------------------------------------------------------------
# php://memory and php://temp


_MEMORY_RE = re.compile(r"php://(memory|temp(?:/maxmemory:(\d+))?)\Z", re.IGNORECASE)


@php_function
def fopen(filename: str, mode: str, use_include_path: bool = False, context: Any = None) -> Any:
    """PHP: ``fopen(string $filename, string $mode, bool $use_include_path = false,
    ?resource $context = null): resource|false``

    Opens ``php://memory`` or ``php://temp`` (``php://temp/maxmemory:N``) with PHP's
    mode rules. Differs from PHP: phpstreams emulates PHP's *socket* layer; file and
    URL wrappers are out of scope and raise ``NotImplementedError`` rather than pretend.
    """
    func = "fopen"
    name = arg_string(func, 1, "filename", filename)
    m = arg_string(func, 2, "mode", mode)
    assert name is not None and m is not None
    match = _MEMORY_RE.match(name)
    if match is None:
        raise NotImplementedError(
            f"fopen({name!r}): phpstreams only provides php://memory and php://temp"
        )
    kind = "MEMORY" if match.group(1).lower() == "memory" else "TEMP"
    rt = runtime()
    if context is None:
        rt.get_default_context()  # php_stream_context_from_zval(zcontext, 0)
    limit = match.group(2)  # php://temp/maxmemory:N
    return MemoryStream(
        kind,
        rt.profile.chunk_size,
        name,
        resources=rt.resources,
        fopen_mode=m,
        seek_past_end=rt.profile.memory_seek_past_end,
        max_memory=int(limit) if limit else TEMP_MAX_MEMORY,
    )


_SEEK_SET, _SEEK_CUR = 0, 1


def _position(s: Stream) -> int:
    """PHP's ``stream->position``: bytes read by the caller plus bytes written."""
    if isinstance(s, MemoryStream):
        return s.tell()
    received, sent = s.io_totals
    return received - s.unread_bytes + sent


def _seek(func: str, s: Stream, offset: int, whence: int) -> int:
    """``_php_stream_seek``: 0, or -1 (with PHP's warning when the stream cannot move
    that way). Socket streams have no seek op: PHP moves forward inside the read
    buffer, or -- relative seeks only -- by reading and discarding."""
    if isinstance(s, MemoryStream):
        return 0 if s.seek(offset, whence) else -1
    if not s.no_buffer:
        ahead = -1
        if whence == _SEEK_CUR and 0 < offset <= s.unread_bytes:
            ahead = offset
        elif whence == _SEEK_SET:
            position = _position(s)
            if position < offset <= position + s.unread_bytes:
                ahead = offset - position
        if ahead > 0:
            s.read(ahead)  # all buffered: no I/O
            s.eof = False
            return 0
    if whence == _SEEK_CUR and offset >= 0:
        while offset > 0:
            data = s.read(min(offset, 1024))
            _drain(s, func)
            if not data:
                return -1
            offset -= len(data)
        s.eof = False
        return 0
    emit(E_WARNING, runtime().profile.msg("seek_unsupported"), func)
    return -1


@php_function
def rewind(stream: Any) -> bool:
    """PHP: ``rewind(resource $stream): bool``

    Seeks to 0: memory streams move; a socket cannot go back (PHP's "Stream does not
    support seeking" warning and False).
    """
    s = _stream("rewind", stream)
    return _seek("rewind", s, 0, _SEEK_SET) == 0


@php_function
def ftell(stream: Any) -> int | bool:
    """PHP: ``ftell(resource $stream): int|false``

    The stream position: in a memory stream, or on a socket the bytes read plus the
    bytes written; False after a failed seek.
    """
    position = _position(_stream("ftell", stream))
    return False if position < 0 else position


@php_function
def fseek(stream: Any, offset: int, whence: int = _SEEK_SET) -> int:
    """PHP: ``fseek(resource $stream, int $offset, int $whence = SEEK_SET): int``

    0 on success, -1 on failure. Memory streams move within their data; a socket
    moves forward only (inside its read buffer, or relative seeks by reading), and
    otherwise warns "Stream does not support seeking".
    """
    func = "fseek"
    res = arg_resource(func, 1, "stream", stream)
    off = arg_int(func, 2, "offset", offset)
    wh = arg_int(func, 3, "whence", whence)
    s = arg_stream(func, 1, "stream", res)
    assert off is not None and wh is not None
    return _seek(func, s, off, wh)


# The bodies of fread/fgets/fwrite/fputs are C (``_speedups``): they recognise the plain
# argument shape themselves and hand every other shape to the coercion helpers above,
# so each function has one body and one set of argument rules.
_speedups.install(SocketStream, _fread_args, _fgets_args, _fwrite_args, _drain, FAST_PATHS)
fread = _speedups.fread
fgets = _speedups.fgets
fwrite = _speedups.fwrite
fputs = _speedups.fputs
Stream.fclose_hook = fclose  # ``with stream:`` closes as fclose() does
