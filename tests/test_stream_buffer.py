"""Unit tests for the read buffer of :mod:`phpstreams._stream` (``main/streams/streams.c``).

The sizes PHP asks the socket for are observable (``fread`` is a short read of one
``recv``), so these tests drive :class:`~phpstreams._stream.Stream` through a fake
whose ``_op_read`` records every requested size and returns scripted data. Also
:class:`~phpstreams._stream.MemoryStream` (``php://memory``)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from phpstreams._fastpaths import FAST_PATHS
from phpstreams._profiles import PHP_8_2
from phpstreams._resources import ResourceIds
from phpstreams._stream import MemoryStream, SocketStream, Stream

CHUNK = 8192

#: Script entries besides bytes: the peer closed (recv() == 0), a non-blocking read
#: found nothing (EAGAIN: "" without EOF), and a failed read (timeout/error: -1).
EOF = "EOF"
AGAIN = "AGAIN"
ERROR = "ERROR"

Step = bytes | str


class FakeStream(Stream):
    """A stream whose low-level reads come from a script; it records each size asked."""

    def __init__(self, script: Iterable[Step] = (), *, chunk_size: int = CHUNK) -> None:
        super().__init__("r+", chunk_size, ResourceIds())
        self.script: list[Step] = list(script)
        self.asked: list[int] = []
        self.written: list[bytes] = []
        self.write_results: list[int] = []
        self.is_alive = True

    def _op_read(self, size: int) -> bytes | None:
        self.asked.append(size)
        step = self.script.pop(0) if self.script else EOF
        if step == EOF:
            self.eof = True
            return b""
        if step == AGAIN:
            return b""
        if step == ERROR:
            return None
        assert isinstance(step, bytes)
        assert len(step) <= size, f"script sends {len(step)} bytes, only {size} asked"
        return step

    def _op_write(self, data: memoryview) -> int:
        result = self.write_results.pop(0) if self.write_results else len(data)
        if result > 0:
            self.written.append(bytes(data[:result]))
        return result

    def alive(self) -> bool:
        return self.is_alive


class TestFillSizes:
    def test_first_fill_asks_a_chunk(self) -> None:
        """The first fill allocates one chunk and asks for all of it: fread(100) reads
        8192 and keeps 8092 buffered (unread_bytes)."""
        s = FakeStream([b"a" * CHUNK])
        assert s.read(100) == b"a" * 100
        assert s.asked == [CHUNK]
        assert s.unread_bytes == CHUNK - 100

    def test_buffered_then_one_fill(self) -> None:
        """fread(100) then fread(100000) returns the 8092 buffered bytes plus one more
        fill of 8192: 16284 bytes, and no second recv."""
        s = FakeStream([b"a" * CHUNK, b"b" * CHUNK, b"c" * CHUNK])
        assert len(s.read(100) or b"") == 100
        data = s.read(100000)
        assert data == b"a" * 8092 + b"b" * CHUNK
        assert len(data) == 16284
        assert s.asked == [CHUNK, CHUNK]
        assert s.unread_bytes == 0

    def test_large_read_is_one_recv(self) -> None:
        """fread of more than a chunk on an empty buffer is one recv of 8192 (short read)."""
        s = FakeStream([b"x" * CHUNK, b"y" * CHUNK])
        assert s.read(100000) == b"x" * CHUNK
        assert s.asked == [CHUNK]

    def test_short_data_is_a_short_read(self) -> None:
        """Whatever one recv brings is returned; the stream does not wait for more."""
        s = FakeStream([b"abc", b"def"])
        assert s.read(100) == b"abc"
        assert s.asked == [CHUNK]

    def test_bug51056_buffered_part_still_blocks_in_8_2(self) -> None:
        """PHP 8.2 (bug #51056, fixed in 8.3): with part of the request buffered, fread
        still fills once more. Bursts of 8, 301 and 8 bytes read with fread(256) give
        8, 256, 53."""
        s = FakeStream([b"1" * 8, b"2" * 301, b"3" * 8])
        sizes = [len(s.read(256) or b"") for _ in range(3)]
        assert sizes == [8, 256, 53]
        assert s.asked == [CHUNK, CHUNK, CHUNK]

    def test_compaction_before_refill(self) -> None:
        """When less than a chunk is free past writepos, the buffer is compacted and a
        full chunk is asked for again (no growth)."""
        s = FakeStream([b"a" * 10, b"b" * 20, b"c" * 30])
        assert s.read(5) == b"aaaaa"
        assert s.read(100) == b"aaaaa" + b"b" * 20
        assert s.read(100) == b"c" * 30
        assert s.asked == [CHUNK, CHUNK, CHUNK]

    def test_growth_and_free_space(self) -> None:
        """Data kept buffered across fills (stream_get_line searching for a delimiter)
        cannot be compacted away: the buffer grows by one chunk and asks for all its
        free space (16384 - 4); later fills ask for the space left (16384 - 11)."""
        s = FakeStream([b"ab--", b"-cd---e"])
        assert s.read_record(100, b"---") == b"ab"
        assert s.asked == [CHUNK, 2 * CHUNK - 4]
        assert s.read_record(100, b"---") == b"cd"
        assert s.asked == [CHUNK, 2 * CHUNK - 4]  # found in the buffer: no recv
        assert s.read_record(100, b"---") == b"e"
        assert s.asked == [CHUNK, 2 * CHUNK - 4, 2 * CHUNK - 11]

    def test_chunk_size_change(self) -> None:
        """A larger chunk size (stream_set_chunk_size) grows the buffer to hold it."""
        s = FakeStream([b"a", b"b"], chunk_size=100)
        assert s.read(1) == b"a"
        s.chunk_size = 1000
        assert s.read(1) == b"b"
        assert s.asked == [100, 1100]


class TestReadResults:
    def test_eof_returns_empty(self) -> None:
        """At EOF fread returns "" (not false) and sets the EOF flag."""
        s = FakeStream([EOF])
        assert s.read(10) == b""
        assert s.eof is True

    def test_eagain_returns_empty_without_eof(self) -> None:
        """A non-blocking read with nothing ready returns "" and is not EOF."""
        s = FakeStream([AGAIN])
        assert s.read(10) == b""
        assert s.eof is False

    def test_error_returns_none(self) -> None:
        """A failed read (timeout) with nothing read returns false (None)."""
        s = FakeStream([ERROR])
        assert s.read(10) is None

    def test_error_after_buffered_data_returns_the_data(self) -> None:
        """If some bytes were already copied, a failed fill returns them instead."""
        s = FakeStream([b"abcdef", ERROR])
        assert s.read(2) == b"ab"
        assert s.read(10) == b"cdef"
        assert s.asked == [CHUNK, CHUNK]

    def test_getc(self) -> None:
        """fgetc reads one byte through the buffer; false at EOF."""
        s = FakeStream([b"xy"])
        assert s.getc() == b"x"
        assert s.getc() == b"y"
        assert s.getc() is None
        assert s.asked == [CHUNK, CHUNK]


class TestUnbuffered:
    def test_no_buffer_reads_callers_size(self) -> None:
        """With read buffering off (stream_set_read_buffer 0) each read asks exactly
        the caller's size."""
        s = FakeStream([b"abc"])
        s.no_buffer = True
        assert s.read(100) == b"abc"
        assert s.asked == [100]
        assert s.unread_bytes == 0

    def test_chunk_size_one_reads_callers_size(self) -> None:
        """chunk_size 1 also bypasses the buffer."""
        s = FakeStream([b"abc"], chunk_size=1)
        assert s.read(100) == b"abc"
        assert s.asked == [100]

    def test_no_buffer_drains_buffer_first(self) -> None:
        """Data buffered before switching buffering off is returned first, then the rest
        is read with the remaining size."""
        s = FakeStream([b"abcdef", b"XYZ"])
        assert s.read(2) == b"ab"
        s.no_buffer = True
        assert s.read(10) == b"cdefXYZ"
        assert s.asked == [CHUNK, 6]

    def test_no_buffer_error_after_data(self) -> None:
        """A failing unbuffered read after buffered bytes returns the bytes."""
        s = FakeStream([b"abcdef", ERROR])
        assert s.read(2) == b"ab"
        s.no_buffer = True
        assert s.read(10) == b"cdef"

    def test_no_buffer_error_first(self) -> None:
        """A failing unbuffered read with nothing buffered is false."""
        s = FakeStream([ERROR])
        s.no_buffer = True
        assert s.read(10) is None


class TestReadLine:
    def test_line_across_fills(self) -> None:
        """fgets fills repeatedly until a newline, then returns the line with it; the
        rest of the last fill stays buffered."""
        s = FakeStream([b"ab", b"cd\nef", b"gh"])
        assert s.read_line() == b"abcd\n"
        assert s.unread_bytes == 2
        assert s.read_line() == b"efgh"  # partial line at EOF
        assert s.read_line() is None
        assert s.asked == [CHUNK] * 4

    def test_buffered_line_needs_no_read(self) -> None:
        """A complete buffered line is returned without touching the socket."""
        s = FakeStream([b"one\ntwo\n"])
        assert s.read_line() == b"one\n"
        assert s.read_line() == b"two\n"
        assert s.asked == [CHUNK]

    def test_long_line(self) -> None:
        """Without a length, a line may span any number of chunks."""
        s = FakeStream([b"a" * CHUNK, b"b" * CHUNK, b"c\n"])
        assert s.read_line() == b"a" * CHUNK + b"b" * CHUNK + b"c\n"

    def test_maxlen(self) -> None:
        """fgets($s, $len) returns at most $len - 1 bytes; a fill still asks a chunk."""
        s = FakeStream([b"abcdef\n"])
        assert s.read_line(4) == b"abc"
        assert s.read_line(4) == b"def"
        assert s.read_line(4) == b"\n"
        assert s.asked == [CHUNK]

    def test_maxlen_stops_at_newline(self) -> None:
        """A newline before the length limit ends the line."""
        s = FakeStream([b"ab\ncdef"])
        assert s.read_line(10) == b"ab\n"

    @pytest.mark.parametrize("maxlen", [0, 1])
    def test_no_room(self, maxlen: int) -> None:
        """With no room for a byte (length 1, or a zero-size buffer) nothing is read."""
        s = FakeStream([b"abc"])
        assert s.read_line(maxlen) is None
        assert s.asked == []

    def test_partial_at_eof(self) -> None:
        """At EOF the trailing partial line is returned, then false."""
        s = FakeStream([b"partial", EOF])
        assert s.read_line() == b"partial"
        assert s.read_line() is None
        assert s.eof is True

    def test_partial_on_timeout(self) -> None:
        """On a timeout the part read so far is returned; nothing read is false."""
        s = FakeStream([b"partial", ERROR, ERROR])
        assert s.read_line() == b"partial"
        assert s.read_line() is None
        assert s.eof is False

    def test_eof_flag_stops_without_reading(self) -> None:
        """Once EOF is known and the buffer is empty, fgets does not read again."""
        s = FakeStream([EOF])
        assert s.read(1) == b""
        assert s.read_line() is None
        assert s.asked == [CHUNK]


class TestReadRecord:
    def test_single_byte_delimiter_across_fills(self) -> None:
        """stream_get_line returns the record without its delimiter, across fills."""
        s = FakeStream([b"ab", b"c\nde", b"f\n"])
        assert s.read_record(100, b"\n") == b"abc"
        assert s.read_record(100, b"\n") == b"def"
        assert s.read_record(100, b"\n") is None

    def test_multi_byte_delimiter_split_across_fills(self) -> None:
        """A delimiter split between two fills is found (the search re-covers the last
        len(delim) - 1 bytes); the data after the last delimiter comes at EOF."""
        s = FakeStream([b"ab--", b"-cd---e"])
        assert s.read_record(100, b"---") == b"ab"
        assert s.read_record(100, b"---") == b"cd"
        assert s.read_record(100, b"---") == b"e"
        assert s.read_record(100, b"---") is None

    def test_delimiter_split_over_three_fills(self) -> None:
        """Each byte of the delimiter may arrive in its own fill."""
        s = FakeStream([b"x\r", b"\n", b"y"])
        assert s.read_record(100, b"\r\n") == b"x"
        assert s.read_record(100, b"\r\n") == b"y"

    def test_not_found_yet_is_false(self) -> None:
        """No delimiter, fewer than maxlen bytes and no EOF: false, data kept buffered."""
        s = FakeStream([b"abc", AGAIN, b"d\n"])
        assert s.read_record(100, b"\n") is None
        assert s.unread_bytes == 3
        assert s.read_record(100, b"\n") == b"abcd"

    def test_maxlen_without_delimiter(self) -> None:
        """maxlen bytes without the delimiter are returned as a record."""
        s = FakeStream([b"abcdef"])
        assert s.read_record(3, b"\n") == b"abc"
        assert s.read_record(3, b"\n") == b"def"

    def test_delimiter_beyond_maxlen(self) -> None:
        """A delimiter past maxlen is not seen: the first maxlen bytes are returned."""
        s = FakeStream([b"abcd\n"])
        assert s.read_record(3, b"\n") == b"abc"
        assert s.read_record(3, b"\n") == b"d"

    def test_no_delimiter(self) -> None:
        """With an empty delimiter the records are maxlen-byte slices."""
        s = FakeStream([b"abcdef", EOF])
        assert s.read_record(4, b"") == b"abcd"
        assert s.read_record(4, b"") == b"ef"
        assert s.read_record(4, b"") is None

    def test_zero_maxlen(self) -> None:
        """maxlen 0 is false without reading."""
        s = FakeStream([b"abc"])
        assert s.read_record(0, b"\n") is None
        assert s.asked == []

    def test_recv_size_is_not_bounded_by_maxlen(self) -> None:
        """A small maxlen bounds the record, not the recv: with 2 bytes kept buffered
        the buffer grows and the fill asks for all its free space (16384 - 2)."""
        s = FakeStream([b"ab", b"cd", EOF])
        assert s.read_record(3, b"\n") == b"abc"
        assert s.asked == [CHUNK, 2 * CHUNK - 2]
        assert s.unread_bytes == 1


class TestEof:
    def test_buffered_data_is_not_eof(self) -> None:
        """feof is false while the buffer holds data, even with the EOF flag set."""
        s = FakeStream([b"abc", EOF])
        assert s.read(1) == b"a"
        s.eof = True
        assert s.at_eof() is False

    def test_flag_with_empty_buffer(self) -> None:
        """An empty buffer with the EOF flag set is EOF."""
        s = FakeStream()
        s.eof = True
        assert s.at_eof() is True

    def test_liveness_probe(self) -> None:
        """With an empty buffer and no flag, a dead peer (liveness probe) sets EOF."""
        s = FakeStream()
        assert s.at_eof() is False
        s.is_alive = False
        assert s.at_eof() is True
        assert s.eof is True
        s.is_alive = True
        assert s.at_eof() is True  # the flag sticks

    def test_meta(self) -> None:
        """The generic meta data: not timed out, blocking, and the EOF state."""
        s = FakeStream()
        assert s.meta() == {"timed_out": False, "blocked": True, "eof": False}


class TestReadAll:
    def test_until_eof(self) -> None:
        """stream_get_contents reads chunk by chunk until EOF."""
        s = FakeStream([b"a" * 10, b"b" * 20, EOF])
        assert s.read_all(None) == b"a" * 10 + b"b" * 20

    def test_maxlen(self) -> None:
        """With a length it stops once that many bytes are read."""
        s = FakeStream([b"abc", b"defgh"])
        assert s.read_all(5) == b"abcde"
        assert s.unread_bytes == 3


class TestWrite:
    def test_loops_until_written(self) -> None:
        """fwrite loops the low-level write until everything is sent."""
        s = FakeStream()
        s.write_results = [3, 2, 5]
        assert s.write(b"0123456789") == 10
        assert s.written == [b"012", b"34", b"56789"]

    def test_partial_then_error(self) -> None:
        """A failure after some bytes were written returns the partial count."""
        s = FakeStream()
        s.write_results = [4, -1]
        assert s.write(b"0123456789") == 4

    @pytest.mark.parametrize("result", [0, -1])
    def test_first_write_fails(self, result: int) -> None:
        """0 (would block) or -1 (error) on the first write is returned as is."""
        s = FakeStream()
        s.write_results = [result]
        assert s.write(b"data") == result

    def test_empty(self) -> None:
        """Writing nothing returns 0 without a low-level write."""
        s = FakeStream()
        s.write_results = [-1]
        assert s.write(b"") == 0
        assert s.write_results == [-1]


class TestLifecycle:
    def test_close(self) -> None:
        """close() drops the buffer and is idempotent."""
        s = FakeStream([b"abc"])
        assert s.read(1) == b"a"
        s.close()
        s.close()
        assert s.closed is True
        assert s.unread_bytes == 0

    def test_repr(self) -> None:
        """The repr is var_dump()'s (with the stream type); a closed stream's type is
        "Unknown" and it keeps its number, as do str() and int() (PHP's casts)."""
        s = FakeStream()
        assert repr(s) == "<resource(4) of type (stream) generic>"
        s.close()
        assert repr(s) == "<resource(4) of type (Unknown)>"
        assert (str(s), int(s)) == ("Resource id #4", 4)


def _unconnected_tcp_stream() -> SocketStream:
    """A tcp stream with no descriptor yet (as xport_create allocates one)."""
    from phpstreams._transport import TRANSPORTS

    return SocketStream(
        None,
        TRANSPORTS["tcp"],
        timeout=(5, 0),
        chunk_size=8192,
        profile=PHP_8_2,
        resources=ResourceIds(),
    )


def _memory(data: bytes = b"") -> MemoryStream:
    """A read-write php://memory stream holding ``data``, positioned at 0."""
    m = MemoryStream("MEMORY", CHUNK, "php://memory", resources=ResourceIds())
    if data:
        assert m.write(data) == len(data)
        assert m.seek(0, 0)
    return m


class TestMemoryStream:
    def test_identity(self) -> None:
        """php://memory: stream_type MEMORY, seekable, mode w+b."""
        m = _memory()
        assert m.stream_type == "MEMORY"
        assert m.seekable is True
        assert m.mode == "w+b"
        assert m.uri == "php://memory"

    def test_write_tell_read(self) -> None:
        """Writes advance the position; reads return the data after a rewind."""
        m = _memory()
        assert m.write(b"hello ") == 6
        assert m.write(b"world") == 5
        assert m.tell() == 11
        assert m.seek(0, 0) is True
        assert m.read(100) == b"hello world"

    def test_read_is_greedy(self) -> None:
        """Memory streams read until the request is met (not one chunk per call)."""
        m = _memory(b"x" * (3 * CHUNK))
        assert m.read(3 * CHUNK) == b"x" * (3 * CHUNK)

    @pytest.mark.parametrize(
        ("offset", "whence", "position"),
        [(2, 0, 2), (0, 0, 0), (6, 0, 6), (-1, 2, 5), (0, 2, 6), (-6, 2, 0)],
    )
    def test_seek(self, offset: int, whence: int, position: int) -> None:
        """fseek with SEEK_SET / SEEK_END positions within the data."""
        m = _memory(b"abcdef")
        assert m.seek(offset, whence) is True
        assert m.tell() == position
        assert m.read(100) == b"abcdef"[position:]

    def test_seek_cur_accounts_for_buffer(self) -> None:
        """SEEK_CUR is relative to the logical position, not to what was buffered."""
        m = _memory(b"abcdef")
        assert m.read_line(3) == b"ab"
        assert m.tell() == 2
        assert m.seek(1, 1) is True
        assert m.read(1) == b"d"

    @pytest.mark.parametrize(("offset", "whence"), [(-1, 0), (-7, 2), (-10, 1), (0, 3)])
    def test_seek_invalid(self, offset: int, whence: int) -> None:
        """A negative target position or an unknown whence fails."""
        m = _memory(b"abcdef")
        assert m.seek(offset, whence) is False

    @pytest.mark.parametrize(("offset", "whence"), [(7, 0), (1, 2)])
    def test_seek_past_end_fails(self, offset: int, whence: int) -> None:
        """Seeking beyond the end of a memory stream fails in PHP 8.2."""
        m = _memory(b"abcdef")
        assert m.seek(offset, whence) is False

    def test_write_overwrites_at_position(self) -> None:
        """A write after a partial read lands at the logical position (the read buffer
        is dropped first)."""
        m = _memory(b"abcdef")
        assert m.read_line(3) == b"ab"
        assert m.write(b"XY") == 2
        assert m.seek(0, 0)
        assert m.read(100) == b"abXYef"

    @pytest.mark.parametrize(
        ("fopen_mode", "mode", "read_only", "append"),
        [
            ("r", "rb", True, False),
            ("rb", "rb", True, False),
            ("x", "rb", True, False),
            ("r+", "w+b", False, False),
            ("w", "w+b", False, False),
            ("c+", "w+b", False, False),
            ("a", "a+b", False, True),
            ("a+", "a+b", False, True),
        ],
    )
    def test_modes(self, fopen_mode: str, mode: str, read_only: bool, append: bool) -> None:
        """php_stream_mode_from_str: any "a" appends, else "w" or "+" is read-write, else
        read-only; the stream's mode string follows (rb, w+b, a+b)."""
        m = MemoryStream(
            "MEMORY", CHUNK, "php://memory", resources=ResourceIds(), fopen_mode=fopen_mode
        )
        assert (m.mode, m.read_only, m.append) == (mode, read_only, append)

    def test_read_only_write(self) -> None:
        """A read-only memory stream (mode "r") refuses writes with -1."""
        m = MemoryStream("MEMORY", CHUNK, "php://memory", resources=ResourceIds(), fopen_mode="r")
        assert m.write(b"xyz") == -1
        assert m.read(10) == b""

    def test_append_write(self) -> None:
        """In append mode every write goes to the end, whatever the position."""
        m = MemoryStream("MEMORY", CHUNK, "php://memory", resources=ResourceIds(), fopen_mode="a+")
        assert m.write(b"abc") == 3
        assert m.seek(0, 0)
        assert m.write(b"X") == 1
        assert m.seek(0, 0)
        assert m.read(10) == b"abcX"

    def test_eof_after_reading_past_end(self) -> None:
        """A read that runs into the end sets EOF; seeking clears it."""
        m = _memory(b"abc")
        assert m.read(100) == b"abc"
        assert m.at_eof() is True
        assert m.seek(0, 0)
        assert m.at_eof() is False

    def test_eof_only_when_a_read_starts_at_end(self) -> None:
        """Reading exactly the remaining bytes is not EOF yet; the next read returns ""
        and sets it (the classic feof loop behaviour)."""
        m = _memory(b"abc")
        assert m.read(3) == b"abc"
        assert m.at_eof() is False
        assert m.read(3) == b""
        assert m.at_eof() is True

    def test_fread_is_unbuffered(self) -> None:
        """fread on php://memory reads straight from the data: nothing is left in the
        read buffer (unread_bytes stays 0)."""
        m = _memory(b"abcdef")
        assert m.read(2) == b"ab"
        assert m.unread_bytes == 0

    def test_meta(self) -> None:
        """Memory streams report timed_out false, blocked true and their EOF flag."""
        m = _memory(b"a")
        assert m.meta() == {"timed_out": False, "blocked": True, "eof": False}
        temp = MemoryStream("TEMP", CHUNK, "php://temp", resources=ResourceIds())
        assert temp.meta() == {}


# ---------------------------------------------------------------------------
# stream_select over socket streams


def _pair() -> list[SocketStream]:
    from phpstreams import STREAM_PF_UNIX, STREAM_SOCK_STREAM, stream_socket_pair

    pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
    assert isinstance(pair, list)
    return pair


def test_select_keeps_ready_streams_in_order_and_counts_per_array() -> None:
    """Ready streams are kept in order; a stream in two arrays counts once per array."""
    from phpstreams import Ref, fwrite, stream_select

    a, b = _pair()
    c, _c_peer = _pair()  # the peer stays open: a closed one would make c readable
    r, w, e = Ref([a, c]), Ref(None), Ref([])
    assert stream_select(r, w, e, 0) == 0
    assert (r.value, w.value, e.value) == ([], None, [])
    fwrite(b, "x")
    r, w, e = Ref([a, c, a]), Ref([a]), Ref(None)
    assert stream_select(r, w, e, 1) == 2
    assert (r.value, w.value, e.value) == ([a, a], [a], None)


def test_select_dict_keys_and_the_buffered_shortcut() -> None:
    """Dicts keep their keys; a read stream with buffered data returns at once, alone."""
    from phpstreams import Ref, fwrite, stream_select

    a, b = _pair()
    fwrite(b, "xy")
    r = Ref({"k": a})
    assert stream_select(r, None, None, 1) == 1 and r.value == {"k": a}
    assert a.read(1) == b"x" and a.unread_bytes == 1
    c, _c_peer = _pair()
    r, w = Ref([c, a]), Ref([a])
    assert stream_select(r, w, None, 0) == 1  # PHP's buffered shortcut
    assert (r.value, w.value) == ([a], [])


# ---------------------------------------------------------------------------
# a stream that owns a bare descriptor (connected inet streams start this way)


def _sock_of(s: SocketStream) -> object:
    return s.sock


def test_adopted_descriptor_gets_a_socket_object_only_when_asked_and_is_closed() -> None:
    import os
    import socket

    left, right = socket.socketpair()
    with right:
        fd = left.detach()
        os.set_blocking(fd, False)
        s = _unconnected_tcp_stream()
        s.adopt_fd(fd, socket.AF_UNIX)
        assert (s.fileno(), s._direct_fd) == (fd, fd if FAST_PATHS else -1)
        assert s._sock is None
        right.sendall(b"hello\n")
        assert s.read_line() == b"hello\n"  # plain I/O in C on the descriptor (fast)
        sock = s.sock
        assert sock is not None and sock is s.sock  # made once, on demand
        assert (sock.fileno(), sock.getblocking()) == (fd, False)
        s.close()
        assert (s.fileno(), s._direct_fd, _sock_of(s)) == (-1, -1, None)
        with pytest.raises(OSError):
            os.fstat(fd)


def test_adopted_descriptor_is_closed_without_a_socket_object() -> None:
    import os
    import socket

    left, right = socket.socketpair()
    right.close()
    fd = left.detach()
    s = _unconnected_tcp_stream()
    s.adopt_fd(fd, socket.AF_UNIX)
    del s  # PHP frees (and closes) an unreferenced stream
    with pytest.raises(OSError):
        os.fstat(fd)
