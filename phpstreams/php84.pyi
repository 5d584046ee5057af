# The names of phpstreams, bound to PHP 8.4 (see php84.py and _names.pyi).
from phpstreams._names import *  # noqa: F403
from phpstreams._php_contexts import stream_context_set_options as stream_context_set_options
