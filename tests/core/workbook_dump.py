"""A workbook as plain data (cells, styles, layout, print set-up, charts), to compare exports with golden ones.

Read with openpyxl, so that two files that Excel shows alike compare equal whatever their XML (the
order of styles, shared strings or formats inside the file does not matter).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
import zipfile
from datetime import date, datetime

import openpyxl


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 12)
    return value


def _style(cell) -> str:
    """The look of a cell in a few characters: number format, font, fill, alignment, borders."""
    f, a = cell.font, cell.alignment
    parts = [cell.number_format]
    parts.append(f"{'b' if f.b else ''}{'i' if f.i else ''}{'u' if f.u else ''}{f.sz:g}"
                 f"{(f.color.rgb if f.color is not None and f.color.type == 'rgb' else '')}")
    fill = cell.fill
    parts.append(fill.fgColor.rgb if fill.fill_type == "solid" else "")
    parts.append(f"{a.horizontal or ''}/{a.vertical or ''}/{'w' if a.wrap_text else ''}")
    b = cell.border
    parts.append("".join(side[0] + (getattr(b, side).style or "")[:3]
                         for side in ("left", "right", "top", "bottom") if getattr(b, side).style))
    if cell.quotePrefix:
        parts.append("q")
    return "|".join(parts)


def _chart(chart) -> dict:
    series = []
    for s in chart.series:
        val = s.val.numRef.f if s.val is not None and s.val.numRef is not None else None
        cat = None
        if s.cat is not None:
            ref = s.cat.numRef or s.cat.strRef
            cat = ref.f if ref is not None else None
        name = s.tx.v if s.tx is not None else None
        series.append([name, val, cat, s.spPr.ln.prstDash if s.spPr is not None and s.spPr.ln is not None
                       and s.spPr.ln.prstDash else None])
    title = None
    if chart.title is not None and chart.title.tx is not None and chart.title.tx.strRef is not None:
        title = chart.title.tx.strRef.f
    anchor = chart.anchor._from
    return {"type": chart.tagname, "title": title, "series": series, "at": [anchor.row, anchor.col]}


def sheet_dump(ws) -> dict:
    cells = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None and cell.style_id == 0:
                continue
            cells[cell.coordinate] = [_value(cell.value), _style(cell)]
    setup = ws.page_setup
    return {
        "cells": cells,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "rows": {str(i): d.height for i, d in sorted(ws.row_dimensions.items()) if d.height is not None},
        "columns": {k: [round(d.width, 4), bool(d.hidden)] for k, d in sorted(ws.column_dimensions.items())},
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "comments": {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment},
        "links": {c.coordinate: c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink},
        "print": [setup.orientation, setup.paperSize, setup.scale, ws.print_area, ws.print_title_rows,
                  ws.print_title_cols, [b.id for b in ws.row_breaks.brk], [b.id for b in ws.col_breaks.brk],
                  ws.oddHeader.left.text, ws.oddFooter.left.text, ws.oddFooter.right.text,
                  [ws.page_margins.left, ws.page_margins.top, ws.page_margins.bottom]],
        "charts": [_chart(c) for c in ws._charts],
        "active": ws.sheet_view.tabSelected,
    }


def _defined_names(data: bytes) -> list[str]:
    """Print areas and titles as the file states them (openpyxl drops a print area of whole columns)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("xl/workbook.xml").decode("utf-8")
    return re.findall(r"<definedName [^>]*>[^<]*</definedName>", xml)


def workbook_dump(data: bytes) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)      # « Print area cannot be set… »: read below
        wb = openpyxl.load_workbook(io.BytesIO(data))
    p = wb.properties
    return {"properties": [p.title, p.subject, p.creator, p.keywords, p.category],
            "names": _defined_names(data),
            "sheets": {ws.title: sheet_dump(ws) for ws in wb.worksheets}}


def zip_dump(data: bytes) -> dict:
    """Every member of a zip of workbooks: names, the read-me's text, each workbook's dump."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            member = zf.read(info.filename)
            out[info.filename] = (workbook_dump(member) if info.filename.endswith(".xlsx")
                                  else member.decode("utf-8-sig"))
    return out


def digest(dump) -> str:
    return hashlib.sha256(json.dumps(dump, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


def sheet_digests(dump: dict) -> dict[str, str]:
    """One short digest per sheet (and one for the properties): what a large golden file keeps."""
    return {"properties": digest(dump["properties"]), "names": digest(dump["names"]),
            **{name: digest(sheet) for name, sheet in dump["sheets"].items()}}
