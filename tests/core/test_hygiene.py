"""Layering and documentation rules that keep the project simple."""

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

from dq_core.store.catalogue import DEMO_CATALOGUE, DOMAINS

ROOT = Path(__file__).resolve().parents[2]


UI_PACKAGES = ("streamlit", "altair", "pydeck")
IMPORT_EVERY_CORE_MODULE = """
import importlib, json, pkgutil, sys
import dq_core
names = sorted(m.name for m in pkgutil.walk_packages(dq_core.__path__, "dq_core.")
               if not m.name.endswith("__main__"))          # __main__ would run the CLI
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "ui": [p for p in %r if p in sys.modules]}))
"""


def test_importing_every_core_module_never_imports_the_ui():
    code = IMPORT_EVERY_CORE_MODULE % (UI_PACKAGES,)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    expected = {".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                for path in (ROOT / "dq_core").rglob("*.py") if path.stem != "__main__"}
    assert set(result["modules"]) == expected - {"dq_core"}
    assert result["ui"] == []


RUNTIME_SOURCES = ["dq_core", "ui", "pages", "app.py"]
TOOLING_SOURCES = ["tests", "bench", "scripts", "tasks.py", "hatch_build.py"]
# A peer measured side by side runs in its own environment (bench/bench_addresses.py --addok PYTHON):
# never installed with the project, so never pinned here.
PEER_RUNNERS = {"bench/addok_runner.py"}


def _pins(*names: str) -> dict[str, str]:
    """Distribution name (normalised) → pinned version, from requirements files and those they include."""
    pins = {}
    for name in names:
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("-r "):
                pins |= _pins(line[3:].strip())
            elif line:
                match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*==\s*([A-Za-z0-9_.+-]+)", line)
                assert match, f"{name}: « {line} » is not pinned with =="
                pins[_normalised(match[1])] = match[2]
    return pins


def _normalised(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _third_party_imports(*sources: str) -> dict[str, Path]:
    """Top-level name of every absolute import that is neither the standard library nor the project's."""
    found = {}
    for source in sources:
        paths = [ROOT / source] if source.endswith(".py") else sorted((ROOT / source).rglob("*.py"))
        for path in paths:
            if path.relative_to(ROOT).as_posix() in PEER_RUNNERS:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module]
                else:
                    continue
                for top in (name.split(".")[0] for name in names):
                    local = any((folder / top).is_dir() or (folder / f"{top}.py").exists()
                                for folder in (ROOT, path.parent))
                    if top not in sys.stdlib_module_names and not local:
                        found.setdefault(top, path)
    return found


def _distribution(import_name: str) -> str:
    # Installed metadata knows where the names differ (shapefile → pyshp, xlsxwriter → XlsxWriter, PIL → pillow).
    return _normalised(importlib.metadata.packages_distributions().get(import_name, [import_name])[0])


def test_every_third_party_import_is_pinned():
    runtime = _pins("requirements.txt")
    for name, path in _third_party_imports(*RUNTIME_SOURCES).items():
        assert _distribution(name) in runtime, f"{name} ({path.relative_to(ROOT)}) is not pinned in requirements.txt"
    everything = _pins("requirements-dev.txt")
    for name, path in _third_party_imports(*TOOLING_SOURCES).items():
        assert _distribution(name) in everything, f"{name} ({path.relative_to(ROOT)}) is not pinned"
    dev_lines = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    repeated = set(runtime) & {_normalised(line.split("==")[0].strip()) for line in dev_lines if "==" in line}
    assert not repeated, f"pinned twice (keep them in requirements.txt): {repeated}"


def test_no_streamlit_in_core_sources():
    for path in (ROOT / "dq_core").rglob("*.py"):
        assert "import streamlit" not in path.read_text(encoding="utf-8"), path


def test_every_indicator_is_documented_in_french():
    domains = {d for d, _ in DOMAINS}
    assert len(DEMO_CATALOGUE) >= 40
    assert {ind.domain for ind in DEMO_CATALOGUE} == domains
    for ind in DEMO_CATALOGUE:
        assert ind.label and ind.definition.endswith(".") and ind.producer and ind.dataset, ind.id
        assert ind.direction in {"higher_better", "higher_worse", "neutral"}, ind.id
        assert ind.kind in {"count", "rate", "ratio", "mean", "median", "index"}, ind.id
        if ind.kind in {"rate", "ratio", "mean"}:
            assert ind.scale and ind.numerator_label and ind.denominator_label, ind.id


def test_every_page_is_in_the_navigation():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    for page in (ROOT / "pages").glob("*.py"):
        assert f'"pages/{page.name}"' in app, page.name
        assert "frame.require_app()" in page.read_text(encoding="utf-8"), page.name
