"""PHP's resource numbering: ``(int)$fp``, ``"Resource id #5"``, ``get_resource_id()``.

Layering rule: pure, the lowest layer. Every layer that creates a PHP resource (the
stream object, the stream factory, the TLS engine's captured X.509 resources in PHP 7,
the PHP-facing functions) asks the :class:`ResourceIds` of the emulated PHP process it
works for; nothing here knows PHP's calling conventions.

Theory of operation
-------------------
PHP registers every resource in one per-request list (``EG(regular_list)``) under the
next free integer. Ids are never reused, so a resource's number tells how many
resources the script created before it -- including ones it never saw:

* a stream is registered when its transport factory allocates it, before any address
  parsing or connecting, so a failed connect still uses a number (an unknown scheme
  does not: no factory runs);
* the first function that needs a context and gets none creates the default context;
* php://temp is two streams (the temp stream, then the memory stream inside it), and a
  third when it turns into a temporary file (on spilling past its memory limit, or when
  ``stream_select`` needs a descriptor);
* a stream given to ``stream_context_get_options()`` and friends without a context gets
  a fresh one.

The CLI registers STDIN, STDOUT and STDERR first (1-3), so a script's first resource is
#4 -- unless it included a file first: every ``require`` opens the file as a stream.
"""

from __future__ import annotations

__all__ = ["CLI_STANDARD_STREAMS", "PHPResource", "ResourceIds"]

#: Resources the CLI registers before the script runs: STDIN, STDOUT, STDERR.
CLI_STANDARD_STREAMS = 3


class ResourceIds:
    """One emulated PHP process's resource counter."""

    __slots__ = ("last",)

    def __init__(self, last: int = CLI_STANDARD_STREAMS) -> None:
        #: The number the most recent resource got.
        self.last = last

    def allocate(self) -> int:
        """The next resource number (``zend_hash_next_free_element``)."""
        self.last += 1
        return self.last

    def __repr__(self) -> str:
        return f"<resource ids, last #{self.last}>"


class PHPResource:
    """What every resource-valued object shares: PHP's casts.

    ``int(r)`` is ``(int)$r`` and ``str(r)`` is ``(string)$r``; both keep working after
    the resource is closed, as in PHP. Subclasses set ``resource_id`` and
    ``resource_type`` ("Unknown" once closed).
    """

    __slots__ = ()

    resource_id: int
    resource_type: str

    def __int__(self) -> int:
        return self.resource_id

    def __str__(self) -> str:
        return f"Resource id #{self.resource_id}"
