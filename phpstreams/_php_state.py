"""The state of one emulated PHP process, and which one is active.

Layering rule: bottom of the PHP-facing layer. Imports only pure modules; every other
``_php_*`` module reads the active process through :func:`runtime`, and nothing
below the PHP-facing layer does (lower layers receive a profile, timeouts, ini values
as arguments).

Theory of operation. PHP state lives per process: ini settings, the error handler
stack and ``error_reporting``, the last error, the default stream context, the
persistent streams. phpstreams keeps one :class:`Runtime` per emulated PHP version
(``runtimes[version]``), so PHP 7.4, 8.2 and 8.4 can be used side by side in one
Python process -- a behaviour-diff suite compares them. Which one a call acts on is a
:class:`contextvars.ContextVar`: the 8.2 runtime unless a call of a versioned facade
(``phpstreams.php74`` ...) is in progress, which activates its runtime for the length
of the call (see ``_facade``). A context variable rather than a global, so that a
thread or an asyncio task of one version never sees another's state mid-call; the
default makes the plain ``phpstreams`` names cost nothing extra.

What a call does with the version is read from the runtime's :class:`Profile`
(``runtime().profile``); streams remember the profile they were created under, so the
C read path applies the rules of the PHP that opened them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._context import StreamContext
from ._profiles import PROFILES, Profile, get_profile
from ._resources import ResourceIds

if TYPE_CHECKING:
    from ._stream import Stream

__all__ = [
    "E_ALL",
    "E_FATAL_ERRORS",
    "ErrorState",
    "HandlerEntry",
    "Runtime",
    "StrictFrame",
    "activate",
    "runtime",
    "runtime_for",
]

#: ``E_ERROR | E_PARSE | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR |
#: E_RECOVERABLE_ERROR``: what ``@`` leaves of ``error_reporting`` (PHP 8).
E_FATAL_ERRORS = 4437
E_ALL = 32767

#: A handler as PHP stores it: what the user passed (returned by the next
#: ``set_error_handler``), the adapted callable, and its level mask.
HandlerEntry = tuple[Any, Any, int]


@dataclass(slots=True, eq=False)  # compared by identity: frames are removed by it
class StrictFrame:
    """What a ``phpstreams.strict`` call saw: every diagnostic raised during it
    (``raised``), and those the standard handling would have issued with
    ``warnings.warn`` (``deferred``: issued after the call if it succeeds, carried by
    the exception if it fails)."""

    raised: list[tuple[int, str]] = field(default_factory=list)
    deferred: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class ErrorState:
    """``EG(user_error_handler)``, its mask and stack, ``EG(error_reporting)``,
    ``PG(last_error_*)``."""

    handler: HandlerEntry | None = None
    stack: list[HandlerEntry | None] = field(default_factory=list)
    reporting: int = E_ALL
    #: True while a user handler runs: diagnostics raised inside it get the standard
    #: handling (PHP unsets the handler for the duration of the call).
    in_handler: bool = False
    #: One frame per ``phpstreams.strict`` call in progress (innermost last).
    strict: list[StrictFrame] = field(default_factory=list)
    #: True while the PHP function being emulated has an exception queued (EG(exception)
    #: set) and carries on: PHP cannot call a user handler then, and drops the
    #: diagnostic altogether; without a handler it is issued as usual.
    exception_pending: bool = False
    #: ``error_get_last()``: type, message, file, line.
    last: dict[str, Any] | None = None


class Runtime:
    """One emulated PHP process: its profile and everything PHP keeps per process."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        #: name -> current value; None is PHP's NULL (``ini_get`` answers "").
        self.ini: dict[str, str | None] = {k: e.default for k, e in profile.ini_defaults.items()}
        self.errors = ErrorState(reporting=profile.default_error_reporting)
        self.default_context: StreamContext | None = None
        #: The resource numbers of this emulated process (``_resources``).
        self.resources = ResourceIds()
        #: persistent id -> stream ("persistent stream" resources survive fclose()
        #: only in PHP's SAPI sense; in one Python process they live until closed).
        self.persistent: dict[str, Stream] = {}

    def __repr__(self) -> str:
        return f"<phpstreams runtime PHP {self.profile.version}>"

    def get_default_context(self) -> StreamContext:
        """``FG(default_context)``, created by the first function that asks."""
        if self.default_context is None:
            self.default_context = StreamContext(self.resources)
        return self.default_context

    def default_context_unless(self, no_default_context: int | bool) -> StreamContext | None:
        """What ``php_stream_context_from_zval`` gives a call passed no context: the
        default one, or none when the caller says FILE_NO_DEFAULT_CONTEXT."""
        return None if no_default_context else self.get_default_context()


#: One runtime per profile, created with the module: a facade binds to its runtime
#: at import, and the plain names act on 8.2's.
runtimes: dict[str, Runtime] = {version: Runtime(p) for version, p in PROFILES.items()}

_ACTIVE: ContextVar[Runtime] = ContextVar("phpstreams_runtime", default=runtimes["8.2"])

#: The active runtime (bound method: the cheapest way to ask).
runtime = _ACTIVE.get


def runtime_for(version: str) -> Runtime:
    """The runtime of PHP ``version`` (``"7.4"``); ``ValueError`` if there is no profile."""
    get_profile(version)
    return runtimes[version]


@contextlib.contextmanager
def activate(rt: Runtime) -> Iterator[Runtime]:
    """Run a block with ``rt`` as the active runtime."""
    token = _ACTIVE.set(rt)
    try:
        yield rt
    finally:
        _ACTIVE.reset(token)
