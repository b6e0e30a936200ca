"""Chart titles that come from data stay literal text: XlsxWriter would read a label such as
`+cmd|' /C calc'!A0` as a cell reference (`<c:f>`) and Excel would follow it. Series names are literal
text too (they used to reference the sheet's own header cells); only the plotted ranges are references."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd

from dq_core.export import ChartSpec, table_to_xlsx

HOSTILE = "+cmd|' /C calc'!A0"


def chart_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/chart"))


def test_formula_looking_labels_are_never_chart_references():
    frame = pd.DataFrame({"Période": ["2021", "2022"], HOSTILE: [1.0, 2.0], "=A1!B2": [3.0, 4.0]})
    xml = chart_xml(table_to_xlsx("Évolution", frame, ChartSpec("line", categories="Période", title=HOSTILE,
                                                                y_title="Feuil1!A1")))
    references = re.findall(r"<c:f>(.*?)</c:f>", xml)
    assert references and all(r.startswith("Tableau!") for r in references)      # the table's own cells
    assert not any("cmd" in r or "Feuil1" in r for r in references)
    names = re.findall(r"<c:ser>.*?<c:tx>(.*?)</c:tx>", xml, re.S)
    assert len(names) == 2 and all(n.startswith("<c:v>") and "<c:f>" not in n for n in names), names
    texts = "".join(re.findall(r"<(?:a|c):(?:t|v)>(.*?)</(?:a|c):(?:t|v)>", xml))
    assert "calc'!\u2060A0" in names[0].replace("&apos;", "'") and names[1] == "<c:v> =A1!\u2060B2</c:v>"
    assert "calc'!\u2060A0" in texts.replace("&apos;", "'") and "Feuil1!\u2060A1" in texts
