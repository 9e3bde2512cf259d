"""What `pip install .` and the locks install: the runtime set carries no test tool and no cluster
client, declares everything the code imports, and each lock pins its whole set."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
TEST_TOOLS = {"pytest", "pytest-django", "playwright", "schemathesis", "hypothesis", "ruff", "import-linter"}
CLUSTER_CLIENTS = {"elasticsearch", "opensearch-py"}
# Each lock: the file it includes (-r) and the pyproject.toml requirements it pins.
LOCKS = {
    "requirements.lock": (None, PYPROJECT["dependencies"]),
    "requirements-cluster.lock": ("requirements.lock", PYPROJECT["optional-dependencies"]["cluster"]),
    "requirements-dev.lock": ("requirements-cluster.lock", PYPROJECT["optional-dependencies"]["test"]),
}


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(requirement).name) for requirement in requirements}


def pins(lock: str) -> dict[str, str]:
    """{name: version} pinned by a lock and the locks it includes."""
    found: dict[str, str] = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            found.update(pins(line[3:].strip()))
        elif line:
            assert "==" in line, f"{lock}: {line!r} is not pinned exactly"
            name, version = line.split("==")
            found[canonicalize_name(name)] = version
    return found


def test_pip_install_dot_pulls_no_test_tool_and_no_cluster_client():
    runtime = names(PYPROJECT["dependencies"])
    assert not runtime & TEST_TOOLS
    assert not runtime & CLUSTER_CLIENTS
    assert names(PYPROJECT["optional-dependencies"]["cluster"]) == CLUSTER_CLIENTS
    assert names(PYPROJECT["optional-dependencies"]["test"]) >= TEST_TOOLS


def test_the_runtime_lock_holds_no_test_tool_or_cluster_client():
    runtime = pins("requirements.lock")
    assert not runtime.keys() & (TEST_TOOLS | CLUSTER_CLIENTS | {"pytest-playwright", "grimp"})


@pytest.mark.parametrize("lock", LOCKS)
def test_each_lock_pins_its_set_and_everything_its_set_needs(lock):
    pinned = pins(lock)
    included, declared = LOCKS[lock]
    assert names(declared) <= pinned.keys()
    if included:
        assert pins(included).items() <= pinned.items()
    for name in pinned:
        for requirement in metadata.requires(name) or []:
            needed = Requirement(requirement)
            if needed.marker is None or needed.marker.evaluate({"extra": ""}):
                assert canonicalize_name(needed.name) in pinned, f"{lock}: {name} needs {needed.name}, not pinned"


def test_the_installed_versions_are_the_pinned_ones():
    for name, version in pins("requirements-dev.lock").items():
        assert metadata.version(name) == version, f"{name}: {metadata.version(name)} installed, {version} pinned"


def third_party_imports(*folders: str) -> set[str]:
    """The top-level modules outside the standard library and the project that the code imports."""
    found = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"archive", "config", "__future__"}


def test_everything_the_site_imports_is_declared():
    distributions = metadata.packages_distributions()
    runtime = names(PYPROJECT["dependencies"])
    for module in sorted(third_party_imports("archive", "config")):
        provided_by = {canonicalize_name(name) for name in distributions.get(module, [])}
        assert provided_by, f"{module}: imported, but no installed distribution provides it"
        allowed = runtime | (CLUSTER_CLIENTS if module in ("elasticsearch", "opensearchpy") else set())
        assert provided_by & allowed, f"{module} (from {', '.join(sorted(provided_by))}) is not a declared dependency"
