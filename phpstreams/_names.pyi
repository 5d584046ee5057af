# Stub only (no module at run time): the names every facade (phpstreams.php74 ...)
# has, imported as phpstreams/__init__.py imports them, so type checkers see each one.
from phpstreams import PHPDeprecated as PHPDeprecated
from phpstreams import PHPDiagnostic as PHPDiagnostic
from phpstreams import PHPNotice as PHPNotice
from phpstreams import PHPWarning as PHPWarning
from phpstreams import Ref as Ref
from phpstreams import Stream as Stream
from phpstreams import StreamContext as StreamContext
from phpstreams import __version__ as __version__
from phpstreams import error_clear_last as error_clear_last
from phpstreams import error_get_last as error_get_last
from phpstreams import error_reporting as error_reporting
from phpstreams import ini_get as ini_get
from phpstreams import ini_get_all as ini_get_all
from phpstreams import ini_restore as ini_restore
from phpstreams import ini_set as ini_set
from phpstreams import restore_error_handler as restore_error_handler
from phpstreams import set_error_handler as set_error_handler
from phpstreams import silence as silence
from phpstreams import silenced as silenced
from phpstreams import stream_socket_enable_crypto as stream_socket_enable_crypto
from phpstreams._constants import *  # noqa: F403
from phpstreams._php_contexts import *  # noqa: F403
from phpstreams._php_files import *  # noqa: F403
from phpstreams._php_openssl import *  # noqa: F403
from phpstreams._php_sockets import *  # noqa: F403
from phpstreams._php_state import Runtime
from phpstreams._php_streams import *  # noqa: F403

RUNTIME: Runtime
