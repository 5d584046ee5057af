"""Regression tests for the C layer's memory safety (issue: C must survive anything
Python can do while it waits).

Each scenario runs in a child interpreter with the debug allocator
(``PYTHONMALLOC=debug``), so that a use-after-free or an out-of-bounds access shows up
as a crash or garbage *in the child* and fails the test instead of killing the test
run. The child prints one JSON line with what it observed.

Timing is never used for synchronisation: a watcher thread waits (bounded) until the
main thread is inside ``poll()`` -- read from ``/proc/self/task/TID/syscall`` -- and only
then interrupts it with a signal or acts on the stream itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import phpstreams
from phpstreams import fclose, fopen, fread, fwrite, rewind, stream_socket_pair
from phpstreams._resources import ResourceIds
from phpstreams._stream import StreamBusyError

#: Shared by every child: a connected client stream and its raw server side, and a
#: helper that blocks until a thread is inside poll()/ppoll().
PRELUDE = textwrap.dedent(
    """
    import json, os, signal, socket, sys, threading, time
    from phpstreams import *
    from phpstreams._stream import StreamBusyError

    POLL_SYSCALLS = {7, 271}  # x86_64 poll, ppoll

    def in_poll(tid):
        try:
            with open(f"/proc/self/task/{tid}/syscall") as f:
                first = f.read().split()[0]
        except (OSError, IndexError):
            return False
        return first.isdigit() and int(first) in POLL_SYSCALLS

    def wait_until_polling(tid, limit=10.0):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if in_poll(tid):
                return True
            time.sleep(0.001)  # a bounded busy-wait on a kernel state, not a handover
        return False

    srv = socket.create_server(("127.0.0.1", 0))
    s = stream_socket_client(f"tcp://127.0.0.1:{srv.getsockname()[1]}", None, None, 5)
    conn, _ = srv.accept()
    stream_set_timeout(s, 10)
    main_tid = threading.get_native_id()
    main_ident = threading.get_ident()
    seen = {}

    def interrupt_when_polling(handler):
        # run handler as a signal handler once the main thread waits in poll()
        signal.signal(signal.SIGUSR1, handler)
        def watcher():
            if wait_until_polling(main_tid):
                signal.pthread_kill(main_ident, signal.SIGUSR1)
        threading.Thread(target=watcher).start()

    def select_report(arr):
        # stream_select over arr: what came back, or the exception's class
        r = Ref(arr)
        try:
            n = stream_select(r, None, None, 10)
            return {"n": n, "selected": [x is s for x in r.value]}
        except (TypeError, ValueError) as exc:
            return {"error": type(exc).__name__}

    def attempt(name, fn):
        try:
            seen[name] = repr(fn())
        except StreamBusyError:
            seen[name] = "busy"
    """
)


def run_child(body: str, *, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run PRELUDE + body in a child interpreter; its last stdout line as JSON."""
    child_env = dict(os.environ, PYTHONFAULTHANDLER="1")
    child_env.setdefault("PYTHONMALLOC", "debug")  # `tox -e asan` sets malloc, for ASan
    # The child imports the phpstreams this process imported (installed, in-place or the
    # sanitizer build): its directory is the child's working directory (first on the
    # path of `python -c`) and on PYTHONPATH.
    package_root = str(Path(phpstreams.__file__).resolve().parent.parent)
    child_env["PYTHONPATH"] = os.pathsep.join([package_root, child_env.get("PYTHONPATH", "")])
    child_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(body)],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env,
        cwd=package_root,
    )
    assert proc.returncode == 0, f"child died ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_signal_handler_reading_the_same_stream_gets_a_clean_error() -> None:
    """Bug 1: a signal handler that grows the chunk size and reads the stream while
    fread waits in poll() used to make C write into the freed buffer."""
    out = run_child(
        """
        def handler(signum, frame):
            conn.sendall(b"peer line\\n")
            attempt("chunk", lambda: stream_set_chunk_size(s, 65536))
            attempt("inner_fread", lambda: fread(s, 10))
            attempt("inner_fgets", lambda: fgets(s))
            attempt("fclose", lambda: fclose(s))

        interrupt_when_polling(handler)
        got = fgets(s)
        print(json.dumps({"got": repr(got), "seen": seen, "after": repr(fwrite(s, "ok"))}))
        """
    )
    assert out["seen"] == {
        "chunk": "8192",
        "inner_fread": "busy",
        "inner_fgets": "busy",
        "fclose": "busy",
    }
    assert out["got"] == repr(b"peer line\n")
    assert out["after"] == "2"  # the stream is intact and open


def test_second_thread_using_a_stream_during_a_blocking_read_gets_a_clean_error() -> None:
    """Bug 1, thread variant (was SIGSEGV): the other thread's read, fclose and
    stream_get_line on the busy stream raise; the blocked read gets the data."""
    out = run_child(
        """
        def other():
            if not wait_until_polling(main_tid):
                return
            attempt("chunk", lambda: stream_set_chunk_size(s, 1 << 20))
            attempt("inner_fread", lambda: fread(s, 100))
            attempt("inner_line", lambda: stream_get_line(s, 100, "\\n"))
            attempt("fclose", lambda: fclose(s))
            conn.sendall(b"from the peer")
        t = threading.Thread(target=other)
        t.start()
        got = fread(s, 100000)
        t.join(30)
        print(json.dumps({"got": repr(got), "seen": seen}))
        """
    )
    assert out["seen"] == {
        "chunk": "8192",
        "inner_fread": "busy",
        "inner_line": "busy",
        "fclose": "busy",
    }
    assert out["got"] == repr(b"from the peer")


def test_blocking_write_is_guarded_too() -> None:
    """A write waiting for buffer space: a handler's write/fclose on the same stream
    raises; once the peer drains, the outer write completes with its full count."""
    out = run_child(
        """
        payload = b"x" * (8 << 20)  # far more than the socket buffers hold
        def handler(signum, frame):
            attempt("inner_fwrite", lambda: fwrite(s, "y"))
            attempt("fclose", lambda: fclose(s))
            def drain():
                total = 0
                while total < len(payload):
                    total += len(conn.recv(1 << 20))
            threading.Thread(target=drain).start()
        interrupt_when_polling(handler)
        n = fwrite(s, payload)
        print(json.dumps({"n": n, "seen": seen}))
        """
    )
    assert out == {"n": 8 << 20, "seen": {"inner_fwrite": "busy", "fclose": "busy"}}


def test_select_survives_a_handler_that_closes_and_appends() -> None:
    """Bug 2: during stream_select's poll() a signal handler fcloses one of the streams
    and appends a non-stream to the array; the C select used to index fds[-1] and
    report the bytearray as selected."""
    out = run_child(
        """
        pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
        other = pair[0]
        arr = [s, other]
        def handler(signum, frame):
            fclose(other)
            arr.append(bytearray(b"not a stream"))
            conn.sendall(b"ready\\n")
        interrupt_when_polling(handler)
        result = select_report(arr)
        result["line"] = repr(fgets(s))
        print(json.dumps(result))
        """
    )
    assert out.get("selected", [True]) == [True] * len(out.get("selected", [True]))
    assert out["line"] == repr(b"ready\n")


def test_select_survives_a_second_thread_that_closes_and_appends() -> None:
    """Bug 2, thread variant: while stream_select waits, another thread fcloses one of
    the streams, appends a non-stream to the caller's list and wakes the wait; only
    what was selected from the streams passed in comes back, and nothing crashes."""
    out = run_child(
        """
        pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
        other = pair[0]
        arr = [s, other]
        def meddle():
            if not wait_until_polling(main_tid):
                return
            fclose(other)
            arr.append(bytearray(b"not a stream"))
            conn.sendall(b"ready\\n")
        t = threading.Thread(target=meddle)
        t.start()
        result = select_report(arr)
        t.join(30)
        result["line"] = repr(fgets(s))
        print(json.dumps(result))
        """
    )
    assert out.get("selected") == [True] and out.get("n") == 1, out
    assert out["line"] == repr(b"ready\n")


def test_no_c_function_pointer_is_taken_from_python() -> None:
    """Bug 3: ``set_fast_reader`` took any integer as a C function pointer. Now the
    stream has no such hook; the TLS reader is attached by a handle that C validates,
    so a forged handle falls back to the ordinary read."""
    out = run_child(
        """
        m = fopen("php://memory", "w+")
        fwrite(m, "abc")
        rewind(m)
        forged = hasattr(m, "set_fast_reader")
        if forged:
            m.set_fast_reader(m, 0xDEAD0000, 0x1234)  # what crashed before
        else:
            m._attach_tls_reader(m, 0xDEAD00001234)
        print(json.dumps({"had_pointer_hook": forged, "read": repr(fread(m, 3))}))
        """
    )
    assert out == {"had_pointer_hook": False, "read": repr(b"abc")}


@pytest.mark.parametrize("value", [0, -1, -(2**40), 2**31, 2**63, 10**30])
def test_chunk_size_attribute_rejects_what_stream_set_chunk_size_rejects(value: int) -> None:
    """Bug 3: the attribute accepted sizes PHP's function refuses (0 made fills of
    nothing; negatives and huge values broke the buffer arithmetic)."""
    m = fopen("php://memory", "w+")
    with pytest.raises((ValueError, OverflowError)):
        m.chunk_size = value
    assert m.chunk_size == 8192
    fclose(m)


def test_fgets_with_chunk_size_one_and_no_read_buffer() -> None:
    """Bug 4: one-byte results made _PyBytes_Resize fail on the shared singleton
    (SystemError); PHP returns the lines (compat case io/fgets_chunk1_unbuffered)."""
    import phpstreams as ps

    pair = stream_socket_pair(ps.STREAM_PF_UNIX, ps.STREAM_SOCK_STREAM, 0)
    assert isinstance(pair, list)
    a, b = pair
    fwrite(b, b"".join(b"line %05d \n" % i for i in range(3)))
    fclose(b)
    assert ps.stream_set_chunk_size(a, 1) == 8192
    assert ps.stream_set_read_buffer(a, 0) == 0
    got = [ps.fgets(a), ps.fgets(a, 4), ps.fgets(a, 9), ps.fgets(a, 3), ps.fgets(a), ps.fgets(a)]
    assert got == [b"line 00000 \n", b"lin", b"e 00001 ", b"\n", b"line 00002 \n", False]


def test_close_of_a_busy_stream_raises_and_leaves_it_usable() -> None:
    """In-process: the busy flag refuses close; the stream keeps working after."""
    from phpstreams._stream import MemoryStream

    m = fopen("php://memory", "w+")
    assert not m.busy
    seen: list[str] = []

    class Spy(MemoryStream):
        def _op_read(self, size: int) -> bytes | None:
            try:
                self.close()
            except StreamBusyError:
                seen.append("busy")
            return super()._op_read(size)

    spy = Spy("MEMORY", 8192, "php://memory", resources=ResourceIds())
    fwrite(spy, "data")
    rewind(spy)
    assert fread(spy, 4) == b"data" and seen == ["busy"]
    assert fclose(spy) is True
    fclose(m)


def test_op_write_gets_a_view_it_may_keep() -> None:
    """A subclass's _op_write may keep the memoryview it gets: it is a view of the
    caller's object (reference-counted), never of raw memory freed after the call."""
    from phpstreams._stream import MemoryStream

    kept: list[memoryview] = []

    class Keeper(MemoryStream):
        def _op_write(self, data: memoryview) -> int:
            kept.append(data)
            return super()._op_write(data)

    k = Keeper("MEMORY", 8192, "php://memory", resources=ResourceIds())
    assert fwrite(k, "hello " + "w" * 100) == 106
    import gc

    gc.collect()
    assert bytes(kept[0][:6]) == b"hello "
    fclose(k)


def test_descriptor_and_wait_internals_are_private() -> None:
    """What aims C's plain I/O (the descriptor) and its waits is private to the stream
    object: no public-looking attribute a script could set by accident."""
    m = fopen("php://memory", "w+")
    assert not hasattr(m, "direct_fd") and not hasattr(m, "timeout_ms")
    assert m._direct_fd == -1
    fclose(m)
