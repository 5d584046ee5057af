"""Internal exception taxonomy and the diagnostic record that lower layers hand up.

Layering rule: pure. Imports nothing from phpstreams but the profile type.

Below the PHP-facing layer nothing prints and nothing returns ``False``: a failure is
an exception from this module, and a *non-fatal* PHP diagnostic (PHP prints a warning
and carries on, e.g. an unusable ``bindto``) is a :class:`Note` appended to a list the
caller passed in. The PHP-facing layer (``_php_*`` modules) is the one place that turns
both into PHP's contract: ``False``, ``$errno``/``$errstr``, and ``warnings.warn``.

The split mirrors PHP itself. In ``php_stream_xport_create`` most failures are handed up
as an ``(errno, errstr)`` pair and reported once by the caller ("Unable to connect to
... (errstr)"); a few are raised directly as warnings by the lower layer and *also*
reach the caller (DNS failures, every TLS warning). :class:`StreamError` carries the
pair; ``notes`` carry the directly-raised warnings, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "E_DEPRECATED",
    "E_NOTICE",
    "E_WARNING",
    "AcceptTimeout",
    "AddressError",
    "BindError",
    "ConnectError",
    "CryptoError",
    "Note",
    "ResolveError",
    "StreamError",
    "TransportError",
]

E_WARNING = 2
E_NOTICE = 8
E_DEPRECATED = 8192


@dataclass(frozen=True, slots=True)
class Note:
    """A diagnostic PHP emits without failing the operation (level is an ``E_*``).

    ``prefixed`` is False for the few diagnostics PHP raises with ``php_error`` rather
    than ``php_error_docref``, which carry no ``"func(): "`` prefix.

    ``throws`` names an exception PHP *queues* (``"ValueError"``) while the operation
    carries on and fails normally: the PHP-facing layer raises it, with ``message``,
    once the function's warnings and by-reference outputs are done.
    """

    level: int
    message: str
    prefixed: bool = True
    throws: str | None = None


class StreamError(Exception):
    """Root of everything the layers below the PHP-facing one raise.

    ``errno`` is what PHP stores in ``$errno`` (0 unless the OS reported the error
    from connect/poll), ``errstr`` what it stores in ``$errstr``; ``None`` means PHP
    had no text ("Unknown error" in the warning, ``$errstr`` left alone).
    """

    def __init__(self, errstr: str | None, errno: int = 0) -> None:
        super().__init__(errstr if errstr is not None else "Unknown error")
        self.errstr = errstr
        self.errno = errno


class AddressError(StreamError):
    """The transport spec or address could not be parsed (errno 0)."""


class TransportError(StreamError):
    """Socket-level failure that PHP reports with errno 0 (socket(), listen(), ...)."""


class ResolveError(StreamError):
    """getaddrinfo failed. PHP *also* emits the text as a warning of its own."""


class ConnectError(StreamError):
    """connect() failed; ``errno`` is the OS errno (111, 110, 2 ...)."""


class BindError(StreamError):
    """Server bind failed: PHP sets errstr to strerror but leaves errno at 0."""


class AcceptTimeout(StreamError):
    """accept() saw no connection within the timeout."""


class CryptoError(StreamError):
    """A TLS step failed. Its PHP warnings travel as notes; errstr is None."""

    def __init__(self, notes: list[Note] | None = None) -> None:
        super().__init__(None, 0)
        self.notes: list[Note] = notes or []
