"""Command line: ``phpstreams demo`` (the seed scenarios on embedded loopback peers,
compared with ``php -n`` when PHP is installed), ``phpstreams probe URL`` and
``phpstreams debug``."""

from __future__ import annotations

import sys

__all__ = ["main"]

USAGE = """usage: phpstreams demo       run the seed scenarios on loopback peers (vs php -n if present)
                             [--php-version 7.4|8.2|8.4] [--php PATH]
       phpstreams probe URL  what PHP's calls give for URL [--starttls P] [--context JSON] [--php]
       phpstreams debug      versions: phpstreams, cffi, OpenSSL (compiled/linked), Python, php"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["demo"]:
        from ._demo import main as demo

        return demo(args[1:])
    if args[:1] == ["probe"]:
        from ._probe import main as probe

        return probe(args[1:])
    if args[:1] == ["debug"]:
        from .debug import main as debug

        debug()
        return 0
    print(USAGE)
    return 0 if args[:1] in (["-h"], ["--help"]) else 2


if __name__ == "__main__":
    sys.exit(main())
