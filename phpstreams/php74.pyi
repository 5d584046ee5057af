# The names of phpstreams, bound to PHP 7.4 (see php74.py).
from phpstreams import *  # noqa: F403
from phpstreams import __all__ as __all__
from phpstreams._php_state import Runtime

RUNTIME: Runtime
