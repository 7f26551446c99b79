"""The benchmark script runs end to end on its tiny setting and prints its table (figures are not asserted)."""

import subprocess
import sys

from autograder.userns import runs_as_host_root
from conftest import ROOT, nbgrader_env


def test_bench_runs_on_a_tiny_setting(tmp_path):
    out = tmp_path / "bench.md"
    run = subprocess.run([sys.executable, "-m", "autograder.bench", "--tiny", "--out", str(out)], cwd=ROOT,
                         env=nbgrader_env(), capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr[-3000:]
    table = out.read_text()
    rows = ["kernel start", "bubblewrap sandbox of its own", "import tensorflow", "one student's course",
            "1 worker(s)", "2 worker(s)", "cohort of 2"]
    if runs_as_host_root():
        rows.append("forked from a worker's warm template")
    for row in (*rows, "Dask LocalCluster", "peak memory of a worker", "seconds per notebook",
                "student run of", "numerical vs backprop", "one at a time vs batches", "to 0.97 test accuracy", "Keras"):
        assert row in table, f"the benchmark table has no row about {row!r}"
    assert table.count("scores identical: yes") == 2, "stock, local and Dask scores must agree"
