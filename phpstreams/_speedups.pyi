"""Type stub for the C extension phpstreams._speedups (see _speedups.c)."""

from collections.abc import Callable
from typing import Any

from ._php_args import Ref
from ._stream import SocketStream

class StreamCore:
    eof: bool
    no_buffer: bool
    greedy: bool
    closed: bool
    is_blocked: bool
    timed_out: bool
    direct_fd: int
    timeout_ms: int
    chunk_size: int
    notes: list[Any]
    @property
    def unread_bytes(self) -> int: ...
    @property
    def bookkeeping(self) -> tuple[int, int, int]: ...
    @property
    def io_totals(self) -> tuple[int, int]: ...
    def read(self, size: int) -> bytes | None: ...
    def read_line(self, maxlen: int | None = None) -> bytes | None: ...
    def read_record(self, maxlen: int, delim: bytes) -> bytes | None: ...
    def _fill(self, size: int) -> bool: ...
    def write(self, data: bytes) -> int: ...
    def set_fast_reader(self, owner: object, fn_address: int, ctx_address: int) -> None: ...
    def discard_buffer(self) -> None: ...
    def buffered(self) -> bytes: ...

def fread(stream: Any, length: int) -> bytes | bool: ...
def fgets(stream: Any, length: int | None = None) -> bytes | bool: ...
def fwrite(stream: Any, data: bytes | str, length: int | None = None) -> int | bool: ...
def select_plain(
    read: object,
    write: object,
    except_: object,
    masks: tuple[int, int, int],
    timeout_ms: int,
) -> tuple[int, list[Any] | None, list[Any] | None, list[Any] | None] | None: ...
def connect_fd(
    family: int,
    socktype: int,
    host: str,
    port: int,
    flowinfo: int,
    scope_id: int,
    timeout_ms: int,
    async_: bool,
) -> tuple[int, int]: ...
def fclose(stream: Any) -> bool: ...
def stream_socket_client(
    address: str,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    timeout: float | None = None,
    flags: int = 4,
    context: Any = None,
) -> SocketStream | bool: ...
def install(
    socket_type: type,
    fread: Callable[..., Any],
    fgets: Callable[..., Any],
    fwrite: Callable[..., Any],
    fclose: Callable[..., Any],
    drain: Callable[[Any, str], None],
) -> None: ...
def install_client(
    socket_type: type,
    ref_type: type,
    context_type: type,
    client: Callable[..., Any],
    defaults: Callable[[], tuple[Any, ...]],
    failed: Callable[..., bool],
    prototype: object,
    constant_names: list[str],
    timeout_max: float,
) -> None: ...
