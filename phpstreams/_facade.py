"""Versioned faces of the API: ``phpstreams.php74``, ``php82``, ``php84``.

Layering rule: above the PHP-facing layer; it only re-binds what ``phpstreams``
exports. Nothing imports it but the facade modules.

Each facade has the names of ``phpstreams.__all__`` that its release defines, plus
the release's functions newer than 8.2 (``Profile.functions_added``). Constants take the
values of that version's profile; classes and ``Ref`` are shared; every function is
wrapped so that it runs with the facade's runtime active (``_php_state.activate``):
its ini settings, error handler stack, last error, default context and persistent
streams, its messages and rules. So ``phpstreams.php74.fsockopen`` and
``phpstreams.php84.fsockopen`` can be called side by side in one process. The wrapper
costs one context-variable set and reset per call; the plain ``phpstreams`` names are
not wrapped (they act on the active runtime, 8.2 unless a facade call is running).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from . import __all__ as _names
from ._constants import __all__ as _constant_names
from ._php_error_control import silence
from ._php_state import _ACTIVE, Runtime, runtime_for

__all__ = ["export"]


def _bind(func: Callable[..., Any], rt: Runtime) -> Callable[..., Any]:
    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        token = _ACTIVE.set(rt)
        try:
            return func(*args, **kwargs)
        finally:
            _ACTIVE.reset(token)

    return call


def _bound_silence(rt: Runtime) -> type[silence]:
    class bound(silence):
        __slots__ = ()
        __doc__ = silence.__doc__
        _runtime = rt

    bound.__name__ = bound.__qualname__ = "silence"
    return bound


def export(version: str, namespace: dict[str, Any]) -> list[str]:
    """Fill a facade module's ``namespace`` with ``phpstreams``' names bound to PHP
    ``version``; returns its ``__all__``."""
    import phpstreams as base

    rt = runtime_for(version)
    profile = rt.profile
    exported: list[str] = []
    for name in _names:
        obj = getattr(base, name)
        if name in profile.constants:
            value: Any = profile.constants[name]
        elif name in profile.string_constants:
            value = profile.string_constants[name]
        elif name in _constant_names:
            continue  # a constant this PHP release does not define
        elif name in profile.functions_missing:
            continue  # a function this PHP release does not define
        elif obj is silence:
            value = _bound_silence(rt)
        elif callable(obj) and not isinstance(obj, type):
            value = _bind(obj, rt)
        else:
            value = obj  # classes (Ref, Stream, PHPWarning ...), __version__
        namespace[name] = value
        exported.append(name)
    for name in sorted(profile.functions_added):
        namespace[name] = _bind(base._NEWER_FUNCTIONS[name], rt)
        exported.append(name)
    namespace["RUNTIME"] = rt
    return exported
