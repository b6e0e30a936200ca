"""Text from data is shown as text: no Markdown, no HTML."""

from dq_core.explore.fiche import IndicatorLine
from tests.factories import TINY_INDICATORS
from ui.render.fiche_table import domain_table
from ui.render.text import plain


def test_markdown_is_escaped():
    assert plain("**gras** [lien](http://x) <b>") == r"\*\*gras\*\* \[lien\]\(http\://x\) \<b\>"


def test_html_from_labels_is_escaped_in_the_fiche_table():
    indicator = TINY_INDICATORS[0].__class__(**{**TINY_INDICATORS[0].__dict__,
                                                "label": "<script>alert(1)</script>"})
    html = domain_table([IndicatorLine(indicator, [], None)], {})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_rendering_helpers_never_import_streamlit():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    modules = sorted(p.stem for p in (root / "ui" / "render").glob("*.py") if p.stem != "__init__")
    code = f"import sys; import {', '.join('ui.render.' + m for m in modules)}; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert len(modules) >= 5 and out.stdout.strip() == "False"
