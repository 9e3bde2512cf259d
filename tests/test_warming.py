"""A web worker warms up as it starts (config/wsgi.py → archive.warming): its first request finds
the index open and its columns read, and a worker still starts when there is nothing to warm."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.processes import own_archive_env

REPO = Path(__file__).resolve().parent.parent
# What a worker holds once it has read the index: the segments' columns (archive.search.engines.whoosh.execution).
PROBE = "import config.wsgi; from archive.search.engines.whoosh import execution; print(len(execution._segments))"


def _run(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = own_archive_env(data_dir, **extra)
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_a_worker_reads_the_index_before_its_first_request(tmp_path):
    assert _run(tmp_path, "manage.py", "migrate", "-v0").returncode == 0
    assert _run(tmp_path, "manage.py", "import_seeds").returncode == 0
    warmed = _run(tmp_path, "-c", PROBE)
    assert warmed.returncode == 0, warmed.stderr
    assert int(warmed.stdout) >= 1
    cold = _run(tmp_path, "-c", PROBE, ARCHIVE_WARM_UP="0")
    assert cold.returncode == 0, cold.stderr
    assert int(cold.stdout) == 0


def test_a_worker_starts_when_there_is_nothing_to_warm(tmp_path):
    started = _run(tmp_path, "-c", PROBE)  # no database tables, no index
    assert started.returncode == 0, started.stderr
    assert "warming up the search failed" in started.stderr
