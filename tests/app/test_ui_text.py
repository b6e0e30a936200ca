"""Text from data is shown as text: no Markdown, no HTML."""

from dq_core.explore.fiche import IndicatorLine
from tests.factories import TINY_INDICATORS
from ui.fiche_table import domain_table
from ui.text import plain


def test_markdown_is_escaped():
    assert plain("**gras** [lien](http://x) <b>") == r"\*\*gras\*\* \[lien\]\(http\://x\) \<b\>"


def test_html_from_labels_is_escaped_in_the_fiche_table():
    indicator = TINY_INDICATORS[0].__class__(**{**TINY_INDICATORS[0].__dict__,
                                                "label": "<script>alert(1)</script>"})
    html = domain_table([IndicatorLine(indicator, [], None)], {})
    assert "<script>" not in html and "&lt;script&gt;" in html
