"""Layering and documentation rules that keep the project simple."""

import subprocess
import sys
from pathlib import Path

from dq_core.store.catalogue import DEMO_CATALOGUE, DOMAINS

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_core_never_imports_streamlit():
    code = ("import sys, dq_core, dq_core.cli, dq_core.explore.fiche, dq_core.demo, dq_core.store.summary, dq_core.files; "
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


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
