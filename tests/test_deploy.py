"""`manage.py check --deploy` is clean in production configuration."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

from tests.support.processes import own_archive_env

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return own_archive_env(
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="archive.example.org",
        **extra,
    )


def test_check_deploy_reports_no_issues(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_sends_hsts_csp_and_redirects_to_https(tmp_path):
    script = (
        "import django, os; django.setup();"
        "from django.test import Client;"
        "c = Client(HTTP_HOST='archive.example.org');"
        "r = c.get('/api/search?q=x'); print(r.status_code, r.get('Location', ''));"
        "r = c.get('/api/search?q=x', secure=True);"
        "print(r['Strict-Transport-Security']); print(r['Content-Security-Policy']);"
        "print(r['X-Content-Type-Options'], r['Referrer-Policy'])"
    )
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True, timeout=120)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "301 https://archive.example.org/api/search?q=x"
    assert lines[1].startswith("max-age=31536000")
    assert "script-src 'self'" in lines[2] and "unsafe-inline" not in lines[2]
    assert lines[3] == "nosniff same-origin"
