"""Text from data is shown as text: no Markdown, no HTML."""

import re

import pytest

from dq_core.explore.fiche import IndicatorLine
from tests.factories import TINY_INDICATORS
from ui.render.fiche_table import domain_table
from ui.render.text import MARKDOWN_MARKS, WORD_JOINER, code, plain


def test_markdown_is_escaped():
    assert plain("**gras** [lien](http://x) <b>") == (r"\*\*gras\*\* \[lien\]\(http\:" + WORD_JOINER
                                                      + r"//x\) \<b\>")


@pytest.mark.parametrize("hostile", [
    "[Session expirée : reconnectez-vous](http://evil.example/login) ![](http://evil.example/pixel.gif)",
    ":red[rouge] :blue-background[fond] :material/home: :smile:", "$$x^2$$ et $y$",
    "<img src=x onerror=alert(1)> &lt;b&gt; &amp;", "www.evil.example et contact@evil.example",
    "titre\n===\n\n    code\n- puce\n1) num\n> citation", "a\x00b\u2028c"])
def test_every_markdown_construct_and_streamlit_directive_is_neutralised(hostile):
    shown = plain(hostile)
    # Every mark with a meaning is backslash-escaped: CommonMark then reads it as a literal.
    unescaped, i = [], 0
    while i < len(shown):
        if shown[i] == "\\":
            assert shown[i + 1] in MARKDOWN_MARKS
            i += 1
        else:
            assert shown[i] not in MARKDOWN_MARKS, shown
        unescaped.append(shown[i])
        i += 1
    text = "".join(unescaped)
    # Patterns Streamlit matches after unescaping (autolinks, :material/…: codes) are broken.
    assert not re.search(r"://|www\.|@\w|:material|:smile:", text)
    # No line break or control character is left, and the reader sees the same characters.
    assert not re.search(r"[\x00-\x1f\u2028]", shown)
    assert text.replace(WORD_JOINER, "") == re.sub(r"[\x00-\x20\u2028]+", " ", hostile)


def test_a_code_span_shows_its_text_literally_whatever_backticks_it_holds():
    assert code("pop_totale") == "` pop_totale `"
    assert code("a `b` c") == "`` a `b` c ``"
    assert code(":material/home:") == f"` :{WORD_JOINER}material/home: `"


def test_a_colon_before_a_space_stays_a_plain_colon_for_find_in_page():
    assert plain("Périmètre modifié en 2024 : comparer") == "Périmètre modifié en 2024 \\: comparer"


def test_french_numbers_keep_their_non_breaking_spaces():
    assert plain("1\u00a0234,5\u202f%") == "1\u00a0234,5\u202f%"


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
