"""Print the data half of a phpstreams profile, read from a real PHP.

    python -m compat_tests.profile_facts /usr/local/bin/php7.4-oracle > facts.py

Prints, as Python literals ready for ``phpstreams/_profiles/phpXY.py``: the version
id, the transport list, the value of every integer constant phpstreams exports (from
the 8.2 profile's list; a name this PHP lacks is reported in a comment), the string
constants, and every ini entry ``php -n`` reports with its default, access bits and
extension. What cannot be read this way (messages, rules) comes from the compat
cases; see docs/versions.md.
"""

from __future__ import annotations

import json
import subprocess
import sys

from phpstreams._profiles import PHP_8_2

_SCRIPT = r"""
$names = json_decode($argv[1], true);
$out = ["version_id" => PHP_VERSION_ID, "transports" => stream_get_transports(),
        "constants" => [], "missing" => [], "ini" => []];
foreach ($names as $n) {
    if (defined($n)) { $out["constants"][$n] = @constant($n); /* @: E_STRICT is deprecated in 8.4 */ } else { $out["missing"][] = $n; }
}
$ext = [];
foreach (get_loaded_extensions() as $e) {
    if (strtolower($e) === "core") { continue; }  // Core lists every entry
    $entries = @ini_get_all(strtolower($e), true);
    if (is_array($entries)) { foreach ($entries as $k => $_) { $ext[$k] = strtolower($e); } }
}
foreach (ini_get_all(null, true) as $k => $v) {
    $out["ini"][$k] = [$v["global_value"], $v["access"], $ext[$k] ?? "core"];
}
echo json_encode($out);
"""


def facts(php: str) -> dict[str, object]:
    names = sorted([*PHP_8_2.constants, *PHP_8_2.string_constants])
    out = subprocess.run(
        [php, "-n", "-r", _SCRIPT, "--", json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return dict(json.loads(out))


def main(argv: list[str]) -> int:
    data = facts(argv[0])
    print(f"VERSION_ID = {data['version_id']!r}")
    transports: list[str] = data["transports"]  # type: ignore[assignment]
    print(f"TRANSPORTS = {tuple(transports)!r}")
    consts: dict[str, object] = data["constants"]  # type: ignore[assignment]
    print("CONSTANTS = {")
    for k, v in consts.items():
        if isinstance(v, int):
            print(f"    {k!r}: {v!r},")
    print("}")
    print("STRING_CONSTANTS = {")
    for k, v in consts.items():
        if isinstance(v, str):
            print(f"    {k!r}: {v!r},")
    print("}")
    for k in data["missing"]:  # type: ignore[attr-defined]
        print(f"# not defined in this PHP: {k}")
    print("INI = {")
    for k, (default, access, ext) in data["ini"].items():  # type: ignore[attr-defined]
        print(f"    {k!r}: IniEntry({default!r}, {access!r}, {ext!r}),")
    print("}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
