"""The benchmark harness works end to end in ``--quick`` mode (tiny sizes). No timing
is asserted anywhere: only that every workload ran every client and was recorded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import phpstreams

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_quick_run_records_every_workload(tmp_path: Path) -> None:
    """``run.py --quick`` writes one JSON row per workload with each client's times."""
    out = tmp_path / "bench.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(phpstreams.__file__).resolve().parent.parent)
    cmd = [sys.executable, str(BENCH), "--quick", "--reps", "1", "--json", str(out)]
    has_php = shutil.which("php") is not None
    if not has_php:
        cmd.append("--no-php")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads(out.read_text())
    assert {r["workload"] for r in rows} >= {"bulk_tcp_8k", "lines_tcp", "handshakes_tls13"}
    for row in rows:
        clients = ["phpstreams", "stdlib"] + (["php"] if has_php else [])
        for client in clients:
            assert row[client]["all"], (row["workload"], client)
        assert "ratio_vs_stdlib" in row
        if row["kind"] != "rss":  # every timed loop also reports its CPU seconds
            assert row["phpstreams"]["cpu_median"] > 0, row["workload"]
