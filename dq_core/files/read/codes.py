"""Territory codes as files write them: QPV codes of both geographies, INSEE codes without their zeros, lists in one cell."""

from __future__ import annotations

import re

QP2015_CODE = re.compile(r"^QP[0-9AB]{3}\d{3}$")
QP2024_CODE = re.compile(r"^QN[0-9AB]{3}\d{2}[A-Z]$")


def pad_code(code: object, width: int = 5) -> str:
    """INSEE codes lose their leading zeros in some files: `1053` → `01053` (Corsica `2A004` kept)."""
    text = str(code).strip().strip('"').upper()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.zfill(width) if text.isdigit() else text


def split_multi(cell: object) -> list[str]:
    """`"44109; 44162"` → ['44109', '44162']; names separated by `;` or `,` too."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    if isinstance(cell, (list, tuple)):
        return [str(part).strip() for part in cell if str(part).strip()]
    return [part.strip() for part in re.split(r"[;,|]", str(cell)) if part.strip()]
