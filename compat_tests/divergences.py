"""The one registry of accepted divergences from PHP 8.2.

``XFAIL``: case id -> reason. Such a case is run as a *strict* xfail, so the day it
starts matching PHP the suite fails and the entry must be removed.

``NORMALISE``: case id -> list of (regex, replacement, reason), applied to the text of
warnings and exceptions on both sides before comparing. Only for output PHP itself
makes non-deterministic.
"""

from __future__ import annotations

XFAIL: dict[str, str] = {
    "ini/auto_detect_line_endings_fgets": (
        "PHP_STREAM_FLAG_DETECT_EOL is not emulated: with auto_detect_line_endings on, PHP's "
        "fgets also ends lines at a lone \\r; phpstreams only emits the deprecation"
    ),
}

NORMALISE: dict[str, list[tuple[str, str, str]]] = {}

# PHP 8.2's fsockopen/pfsockopen timeout ValueError prints its maximum through a
# mismatched printf format (a double through %lu): the number is stack garbage that
# changes from run to run. phpstreams prints the intended maximum.
_GARBAGE_MAX = (
    r"between 0 and \d+",
    "between 0 and <max>",
    "PHP prints uninitialised memory as the maximum (format/argument mismatch in 8.2)",
)
for _case in ("args/fsockopen_timeout_range", "args/pfsockopen_timeout_range"):
    NORMALISE[_case] = [_GARBAGE_MAX]

# Divergences of one PHP version only: version -> {"XFAIL": {...}, "NORMALISE": {...}},
# applied when the Python side runs that version's profile (phpstreams.testing.cases).
BY_PROFILE: dict[str, dict[str, dict[str, str]]] = {
    "7.4": {"XFAIL": {}},
    "8.4": {
        "XFAIL": {
            "errors/level_constants": (
                "PHP 8.4 raises E_DEPRECATED 'Constant E_STRICT is deprecated' when the "
                "constant is read; a Python name lookup cannot raise a diagnostic"
            ),
            "tls_client/security_level_out_of_range": (
                "OpenSSL 3.5 (PHP 8.4's) fails security levels 4 and 5 with 'no suitable key "
                "share'; the linked OpenSSL 3.0 fails them differently ('no suitable groups' "
                "when the groups are narrowed), so the 3.5 failure cannot be produced"
            ),
            "tls_client/ssl_options_resource_values": (
                "the same OpenSSL 3.5 failure: the resource's number (6) becomes security "
                "level 6, which 3.5 fails with 'no suitable key share' (the numbering itself "
                "matches: resources/numbering passes against 8.4)"
            ),
        }
    },
}
