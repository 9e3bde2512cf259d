"""Load test by hand (not part of the suite): gunicorn in production settings, N concurrent clients.

    .venv/bin/python bench/load.py --data-dir var            # the seeds, as `make run` leaves them
    .venv/bin/python bench/load.py --data-dir bench/work/import-100000-…/data --clients 16 --seconds 60 \
        --out load-100000

Starts `gunicorn config.wsgi -w WORKERS -b 127.0.0.1:PORT` with DJANGO_DEBUG=0, a random secret key,
DJANGO_ALLOWED_HOSTS=127.0.0.1, DJANGO_SECURE_SSL_REDIRECT=0 and the rate limit off, on the given
ARCHIVE_DATA_DIR (migrated, static files collected, index checked); drives /search/?q= and /api/search?q= from
threads for a bounded time, only to 127.0.0.1, with the queries bench/search.py draws by rule from the
real posts (`--per-class` of each class); reports requests/s, p50/p95/p99 latency and errors per
endpoint, with the commit measured and the machine's load (`uptime`) before and after; writes
bench/results/load.json and load.md (or --out NAME).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as bench_search
from common import REPO, RESULTS, commit_of, environment, load_of, percentile, tree_cpu_s, uptime

BASE_DIR = REPO
HOST = "127.0.0.1"
ENDPOINTS = ["/search/", "/api/search"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path) -> dict[str, str]:
    return {**environment(data_dir), "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": HOST}


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/search?q=warmup")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def client_loop(port: int, stop_at: float, queries, samples: list, lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    local = []
    while time.monotonic() < stop_at:
        endpoint, query = next(queries)
        path = f"{endpoint}?{urllib.parse.urlencode({'q': query})}"
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status = f"{type(exc).__name__}"
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
        local.append((endpoint, time.perf_counter() - started, status))
    conn.close()
    with lock:
        samples.extend(local)


def summarise(samples: list, seconds: float) -> dict:
    report = {}
    for endpoint in [*ENDPOINTS, "all"]:
        rows = [s for s in samples if endpoint in ("all", s[0])]
        latencies = [s[1] * 1000 for s in rows]
        errors = [s for s in rows if s[2] != 200]
        report[endpoint] = {
            "requests": len(rows),
            "requests_per_s": round(len(rows) / seconds, 1),
            "p50_ms": round(percentile(latencies, 50) if latencies else 0.0, 1),
            "p95_ms": round(percentile(latencies, 95) if latencies else 0.0, 1),
            "p99_ms": round(percentile(latencies, 99) if latencies else 0.0, 1),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
            "errors": len(errors),
            "error_kinds": sorted({str(s[2]) for s in errors}),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="ARCHIVE_DATA_DIR to serve")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn --threads per worker")
    parser.add_argument("--out", default="load", help="results file stem under bench/results/")
    parser.add_argument("--per-class", type=int, default=10, help="queries of each bench/search.py class")
    args = parser.parse_args()
    args.clients = max(1, min(args.clients, 256))
    args.seconds = max(1.0, min(args.seconds, 600.0))
    data_dir = args.data_dir.resolve()
    if not data_dir.is_dir():
        raise SystemExit(f"{data_dir}: no such directory")

    drawn = bench_search.queries(pages=bench_search.REAL_POSTS, limit=args.per_class, seed=bench_search.SEED)
    queries_asked = [query for _, query in drawn]
    env = server_env(data_dir)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True)
    # DEBUG off serves static files from the manifest: without collectstatic every page is a 500.
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run([python, "manage.py", "check_index", "--repair"], cwd=BASE_DIR, env=env, check=True)
    port = free_port()
    gunicorn = str(Path(python).with_name("gunicorn"))
    command = [gunicorn, "config.wsgi", "-w", str(args.workers), "--threads", str(args.threads)]
    command += ["-b", f"{HOST}:{port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    try:
        booting = time.monotonic()
        wait_until_up(port, server)
        # Each worker warms up as it starts (config/wsgi.py), before it takes a request: the first
        # to answer was one of them; the others started with it, so give them as long again.
        time.sleep(time.monotonic() - booting)
        load_before, cpu_before = uptime(), tree_cpu_s(server.pid)
        queries = itertools.cycle([(e, q) for q in queries_asked for e in ENDPOINTS])
        lock = threading.Lock()
        samples: list = []
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [
            threading.Thread(target=client_loop, args=(port, stop_at, queries, samples, lock))
            for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        load_after, server_cpu = uptime(), tree_cpu_s(server.pid) - cpu_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    from_db = subprocess.run(
        [python, "manage.py", "shell", "-c", "from archive.models import Article; print(Article.objects.count())"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True,
    )  # fmt: skip
    result = {
        "data_dir": str(data_dir.relative_to(BASE_DIR) if data_dir.is_relative_to(BASE_DIR) else data_dir),
        "articles": int((from_db.stdout.strip().splitlines() or ["0"])[-1]),
        "commit": commit_of(BASE_DIR),
        "uptime_before": load_before,
        "uptime_after": load_after,
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "queries": queries_asked,
        "results": summarise(samples, elapsed),
        "server_cpu_s": round(server_cpu, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    lines = [
        f"# Load test: {result['articles']} articles, {args.clients} clients, {result['seconds']} s",
        "",
        f"gunicorn -w {args.workers} --threads {args.threads}, DEBUG off, rate limit off, {os.cpu_count()} CPUs;"
        f" {len(queries_asked)} queries drawn from the real posts by rule (bench/search.py's classes, {args.per_class}"
        f" of each) cycled over /search/ and /api/search. Produced by `bench/load.py`. Commit {result['commit']};"
        f" load average {load_of(load_before)} before, {load_of(load_after)} after.",
        "",
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint, row in result["results"].items():
        kinds = f" ({', '.join(row['error_kinds'])})" if row["error_kinds"] else ""
        lines.append(
            f"| {endpoint} | {row['requests']} | {row['requests_per_s']} | {row['p50_ms']} | {row['p95_ms']} |"
            f" {row['p99_ms']} | {row['errors']}{kinds} |"
        )
    requests = result["results"]["all"]["requests"]
    if requests:
        per_request = server_cpu * 1000 / requests
        lines += [
            "",
            f"The server's processes used {server_cpu:.1f} s of CPU in all ({elapsed:.0f} s of wall time): "
            f"{per_request:.0f} ms of CPU a request, so {os.cpu_count()} idle cores would serve about "
            f"{os.cpu_count() * 1000 / per_request:.0f} requests/s. The machine is shared (load average above): "
            "the latencies include the time the server waited for a core.",
        ]
    (RESULTS / f"{args.out}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
