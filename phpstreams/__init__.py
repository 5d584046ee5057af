"""phpstreams: PHP's socket stream layer for Python, behaviour for behaviour.

``from phpstreams import *`` gives PHP's functions and constants under PHP's names.
PHP conventions carried over:

* by-reference outputs (``$errno``, ``$errstr``, ``$peer_name`` ...) are :class:`Ref`
  objects, written exactly when PHP writes the variable;
* PHP ``false`` is ``False``, ``null`` is ``None``; data read from streams is ``bytes``,
  writes take ``bytes`` or ``str`` (UTF-8);
* every PHP diagnostic is a ``warnings.warn`` with category :class:`PHPWarning`,
  :class:`PHPNotice` or :class:`PHPDeprecated`, text exactly PHP's, and is recorded for
  :func:`error_get_last`;
* PHP ``TypeError`` / ``ValueError`` are Python ``TypeError`` / ``ValueError`` with
  PHP's message;
* ``set_error_handler`` / ``restore_error_handler`` / ``error_reporting`` work as in
  PHP 8.2, and PHP's ``@`` is :class:`silence` (a block) or :func:`silenced` (a call).

Opt-in Python conveniences that leave the PHP-named API alone: streams are context
managers (leaving ``with`` is ``fclose``), and :mod:`phpstreams.strict` offers the same
API with :class:`phpstreams.strict.PHPError` raised where PHP returns false.
docs/migration.md is the porting guide.

Everything in a ``_module`` is private; this module's ``__all__`` is the public API.
Modules in data-flow order: ``_target`` (address parsing) -> ``_context`` (options)
-> ``_transport`` (sockets) -> ``_tls`` (OpenSSL, via ``_native``) -> ``_stream``
(buffering, meta data) -> ``_xport`` (stream factory) -> ``_php_*`` (PHP's calling
conventions).
"""

from __future__ import annotations

from . import _php_contexts, _php_files, _php_openssl, _php_sockets, _php_streams
from ._constants import *  # noqa: F403
from ._constants import __all__ as _constant_names
from ._context import StreamContext
from ._php_args import Ref
from ._php_contexts import *  # noqa: F403
from ._php_crypto import stream_socket_enable_crypto
from ._php_error_control import (
    error_reporting,
    restore_error_handler,
    set_error_handler,
    silence,
    silenced,
)
from ._php_errors import (
    PHPDeprecated,
    PHPDiagnostic,
    PHPNotice,
    PHPWarning,
    error_clear_last,
    error_get_last,
)
from ._php_files import *  # noqa: F403
from ._php_openssl import *  # noqa: F403
from ._php_runtime import ini_get, ini_get_all, ini_restore, ini_set
from ._php_sockets import *  # noqa: F403
from ._php_streams import *  # noqa: F403
from ._stream import Stream
from ._version import __version__

__all__ = [
    # conventions
    "Ref",
    "PHPDiagnostic",
    "PHPWarning",
    "PHPNotice",
    "PHPDeprecated",
    "Stream",
    "StreamContext",
    "error_get_last",
    "error_clear_last",
    "error_reporting",
    "set_error_handler",
    "restore_error_handler",
    "silence",
    "silenced",
    "ini_get",
    "ini_set",
    "ini_get_all",
    "ini_restore",
    "__version__",
    "stream_socket_enable_crypto",
    *_constant_names,
]
__all__ += _php_contexts.__all__  # stream_context_* ...
__all__ += _php_openssl.__all__  # OpenSSLCertificate, openssl_x509_* ...
__all__ += _php_sockets.__all__  # fsockopen, stream_socket_* ...
__all__ += _php_streams.__all__  # fread, fgets, stream_select ...
__all__ += _php_files.__all__  # fstat, ftruncate, stream_copy_to_stream ...

#: Functions of releases after 8.2, exported by the facades of the releases that
#: define them (``Profile.functions_added``), not by these 8.2 names.
_NEWER_FUNCTIONS = {"stream_context_set_options": _php_contexts.stream_context_set_options}
