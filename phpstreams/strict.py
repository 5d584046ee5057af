"""``phpstreams.strict``: the same PHP-named API, raising instead of returning false.

Opt in per import -- nothing in ``phpstreams`` itself changes::

    from phpstreams.strict import *        # or: from phpstreams import strict

    try:
        fp = stream_socket_client("tcp://127.0.0.1:25", timeout=5)
    except PHPError as e:
        print(e.errno, e.errstr, e.warnings)

Every name of ``phpstreams`` is here. The functions whose ``false`` (``-1`` for
``fseek``) means *failure* raise :class:`PHPError` instead; the ``$errno`` /
``$errstr`` of ``fsockopen``, ``pfsockopen``, ``stream_socket_client`` and
``stream_socket_server`` are captured even when the caller passes no ``Ref``.
Functions whose ``false`` is an ordinary answer are the plain ones: ``fgets``,
``fgetc`` and ``stream_get_line`` (false at end of data), ``feof``,
``is_resource``, ``stream_is_local``, ``stream_isatty``, ``stream_supports_lock``,
``ini_get`` (an unknown entry).

Diagnostics: during a strict call PHP's standard handling still records
``error_get_last()`` and error handlers still run, but what would be issued with
``warnings.warn`` is held back: if the call fails it travels in the exception
(``PHPError.warnings``), if it succeeds it is issued when the call returns.
PHP ``TypeError`` / ``ValueError`` are raised as in the plain API.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import phpstreams as _plain

from . import __all__ as _plain_names

# Every name of phpstreams, re-exported (``X as X`` marks an explicit re-export);
# the functions whose false means failure are replaced at the bottom.
from ._constants import *  # noqa: F403
from ._context import StreamContext as StreamContext
from ._php_args import Ref as Ref
from ._php_contexts import *  # noqa: F403
from ._php_error_control import error_reporting as error_reporting
from ._php_error_control import restore_error_handler as restore_error_handler
from ._php_error_control import set_error_handler as set_error_handler
from ._php_error_control import silence as silence
from ._php_error_control import silenced as silenced
from ._php_errors import PHPDeprecated as PHPDeprecated
from ._php_errors import PHPDiagnostic as PHPDiagnostic
from ._php_errors import PHPNotice as PHPNotice
from ._php_errors import PHPWarning as PHPWarning
from ._php_errors import StrictFrame, warn_deferred
from ._php_errors import error_clear_last as error_clear_last
from ._php_errors import error_get_last as error_get_last
from ._php_files import *  # noqa: F403
from ._php_openssl import *  # noqa: F403
from ._php_runtime import ini_get as ini_get
from ._php_runtime import ini_get_all as ini_get_all
from ._php_runtime import ini_restore as ini_restore
from ._php_sockets import *  # noqa: F403
from ._php_state import runtime
from ._php_streams import *  # noqa: F403
from ._stream import Stream as Stream
from ._version import __version__ as __version__

__all__ = ["PHPError", *_plain_names]

F = TypeVar("F", bound=Callable[..., Any])


class PHPError(OSError):
    """A PHP function failed (returned false).

    ``errno`` and ``errstr`` are PHP's ``$errno`` / ``$errstr`` for the socket
    openers (0 and None elsewhere, or when PHP left them unset); ``function`` is the
    PHP function's name; ``warnings`` lists every PHP diagnostic the call raised, as
    ``(E_* level, text)`` pairs in order -- the lines PHP would have printed.
    ``strerror`` is ``errstr``, or the last diagnostic's text (None if neither).
    """

    def __init__(
        self,
        function: str,
        errno: int,
        errstr: str | None,
        warnings: list[tuple[int, str]],
    ) -> None:
        text = errstr if errstr is not None else (warnings[-1][1] if warnings else None)
        super().__init__(errno, text)
        self.function = function
        self.errstr = errstr
        self.warnings = warnings

    def __str__(self) -> str:
        if self.strerror is None:
            return f"{self.function}() failed"
        return f"{self.function}() failed: {self.strerror}"


#: function -> positions and keyword names of its $errno and $errstr parameters.
_ERROR_REFS: dict[str, tuple[int, str, int, str]] = {
    "fsockopen": (2, "error_code", 3, "error_message"),
    "pfsockopen": (2, "error_code", 3, "error_message"),
    "stream_socket_client": (1, "error_code", 2, "error_message"),
    "stream_socket_server": (1, "error_code", 2, "error_message"),
}


def _ref_argument(args: list[Any], kwargs: dict[str, Any], index: int, name: str) -> Any:
    """The caller's Ref for a by-reference parameter, or one put in its place."""
    if len(args) > index:
        if args[index] is None:
            args[index] = Ref()
        return args[index]
    if kwargs.get(name) is None:
        kwargs[name] = Ref()
    return kwargs[name]


def _strict(func: F, failure: object = False) -> F:
    """``func`` raising :class:`PHPError` where it would return ``failure``."""
    name = func.__name__
    refs = _ERROR_REFS.get(name)

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        arglist = list(args)
        errno_ref = errstr_ref = None
        if refs is not None:
            errno_ref = _ref_argument(arglist, kwargs, refs[0], refs[1])
            errstr_ref = _ref_argument(arglist, kwargs, refs[2], refs[3])
        frame = StrictFrame()
        runtime().errors.strict.append(frame)
        try:
            result = func(*arglist, **kwargs)
        except BaseException:
            # PHP's TypeError/ValueError (or a handler's exception): what was held
            # back before it is issued, as the plain API would have done.
            runtime().errors.strict.remove(frame)
            if frame.deferred:
                warn_deferred(frame.deferred, stacklevel=2)
            raise
        runtime().errors.strict.remove(frame)
        if result is failure or (type(result) is type(failure) and result == failure):
            errno = getattr(errno_ref, "value", None)
            errstr = getattr(errstr_ref, "value", None)
            raise PHPError(
                name,
                errno if isinstance(errno, int) else 0,
                errstr if isinstance(errstr, str) else None,
                frame.raised,
            )
        if frame.deferred:
            warn_deferred(frame.deferred, stacklevel=2)
        return result

    doc = func.__doc__ or ""
    call.__doc__ = (
        f"{doc.rstrip()}\n\nphpstreams.strict: raises PHPError instead of returning {failure!r}."
    )
    return call  # type: ignore[return-value]


fsockopen = _strict(_plain.fsockopen)
pfsockopen = _strict(_plain.pfsockopen)
stream_socket_client = _strict(_plain.stream_socket_client)
stream_socket_server = _strict(_plain.stream_socket_server)
stream_socket_accept = _strict(_plain.stream_socket_accept)
stream_socket_pair = _strict(_plain.stream_socket_pair)
stream_socket_enable_crypto = _strict(_plain.stream_socket_enable_crypto)
stream_socket_get_name = _strict(_plain.stream_socket_get_name)
stream_socket_recvfrom = _strict(_plain.stream_socket_recvfrom)
stream_socket_sendto = _strict(_plain.stream_socket_sendto)
stream_socket_shutdown = _strict(_plain.stream_socket_shutdown)
stream_select = _strict(_plain.stream_select)
stream_set_blocking = _strict(_plain.stream_set_blocking)
socket_set_blocking = _strict(_plain.socket_set_blocking)
stream_set_timeout = _strict(_plain.stream_set_timeout)
socket_set_timeout = _strict(_plain.socket_set_timeout)
stream_get_contents = _strict(_plain.stream_get_contents)
stream_copy_to_stream = _strict(_plain.stream_copy_to_stream)
fopen = _strict(_plain.fopen)
fread = _strict(_plain.fread)
fwrite = _strict(_plain.fwrite)
fputs = _strict(_plain.fputs)
fstat = _strict(_plain.fstat)
ftell = _strict(_plain.ftell)
fseek = _strict(_plain.fseek, -1)
rewind = _strict(_plain.rewind)
ftruncate = _strict(_plain.ftruncate)
flock = _strict(_plain.flock)
fsync = _strict(_plain.fsync)
fdatasync = _strict(_plain.fdatasync)
ini_set = _strict(_plain.ini_set)
openssl_x509_read = _strict(_plain.openssl_x509_read)
openssl_x509_parse = _strict(_plain.openssl_x509_parse)
openssl_x509_export = _strict(_plain.openssl_x509_export)
openssl_x509_fingerprint = _strict(_plain.openssl_x509_fingerprint)
