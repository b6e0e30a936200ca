"""Every HTML table of the pages is readable at 1280 px: no two cells' texts overlap, no text runs out of
its cell, and a table wider than the page scrolls instead of being cut or running off the screen.

One server on the fictional demo (built from code), each page visited once in one browser page.
Streamlit's own data grids are drawn on a canvas and scroll by themselves: the check covers the HTML
tables the app draws (fiche, Évolution's side tables, anything else written with st.html).
"""

from __future__ import annotations

import pytest

from dq_core.demo import build_demo
from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app

QUARTIER = "QNX0208M"
# The pages that draw HTML tables (the others show Streamlit data grids only, which are drawn on a
# canvas and scroll by themselves), with how many tables each draws at least.
PAGES = {
    f"/fiche?quartier={QUARTIER}": 8,                   # a table per domain, Énergie's long figures included
    # Four indicators, seven series (the quartier, five references, all quartiers): the chips and
    # the tables must still be whole.
    f"/evolution?quartier={QUARTIER}&indicateurs=taux_pauvrete,part_moins_25,part_60_plus,part_c2s"
    "&references=commune,epci,departement,region,france,quartiers": 4,
    f"/comparer?quartier={QUARTIER}": 0,
    f"/importer?quartier={QUARTIER}": 0,
    f"/catalogue?quartier={QUARTIER}": 0,
}

# For every visible HTML table: each cell's text inside its cell, no two cells' texts overlapping,
# and the table inside the window or inside a container that scrolls sideways.
OVERLAP_JS = """
() => {
  const found = [];
  const textBox = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
    if (!rects.length) return null;
    return {l: Math.min(...rects.map(r => r.left)), r: Math.max(...rects.map(r => r.right)),
            t: Math.min(...rects.map(r => r.top)), b: Math.max(...rects.map(r => r.bottom))};
  };
  const name = (el) => el.innerText.replace(/\\s+/g, ' ').trim().slice(0, 40);
  const viewport = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll('table')) {
    const box = table.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let scrolls = false;
    for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el), outer = el.getBoundingClientRect();
      if (style.overflowX === 'visible') continue;
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') { scrolls = true; break; }
      if (box.right > outer.right + 1) found.push(`table cut by its container: ${name(table.rows[0] || table)}`);
      break;
    }
    if (!scrolls && box.right > viewport + 1) found.push(`table off the screen: ${name(table.rows[0] || table)}`);
    for (const row of table.rows) {
      const cells = [...row.cells].map(c => [c, textBox(c)]).filter(([, b]) => b);
      for (const [cell, text] of cells) {
        const outer = cell.getBoundingClientRect();
        if (text.l < outer.left - 1 || text.r > outer.right + 1) found.push(`text out of its cell: ${name(cell) || cell.innerHTML.slice(0, 60)} [${Math.round(text.l)}-${Math.round(text.r)} in ${Math.round(outer.left)}-${Math.round(outer.right)}]`);
      }
      for (let i = 0; i < cells.length; i++) for (let j = i + 1; j < cells.length; j++) {
        const [a, p] = cells[i], [b, q] = cells[j];
        if (p.l < q.r - 1 && q.l < p.r - 1 && p.t < q.b - 1 && q.t < p.b - 1)
          found.push(`overlap: «${name(a)}» / «${name(b)}»`);
      }
    }
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    require_browser()
    path = tmp_path_factory.mktemp("layout") / "demo.duckdb"
    build_demo(path)
    return path


def test_no_table_text_overlaps_or_is_cut_at_1280_px(demo_db):
    problems = {}
    with app_server(demo_db) as url, chromium_page() as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        for path, tables in PAGES.items():
            page.goto(url + path)
            wait_for_app(page)
            drawn = page.evaluate("() => document.querySelectorAll('table').length")
            found = page.evaluate(OVERLAP_JS) + page_problems(page)
            if drawn < tables:
                found.append(f"{drawn} tables drawn, {tables} expected")
            if found:
                problems[path] = found[:5]
    assert not problems, problems
