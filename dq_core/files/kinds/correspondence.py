"""Reader for ANCT's 2024 ↔ 2015 QPV correspondence (`liste-correspondance-qp2024-qp2015`, CSV or xlsx).

Layout: `QP2024;Label_QP2024;Statut;QP2015_1;Label_QP2015_1;QP2015_2;…` (header names may carry
spaces), or the xlsx variant with `QP2024` and `QP 2015 correspondant`. One output row per
(qp2024, qp2015) pair; a 2024 quartier with no predecessor keeps one row with qp2015 empty, so that
"new" is recorded too.
"""

from __future__ import annotations

import re

import pandas as pd

from dq_core.errors import DQError
from dq_core.files.kinds.base import FileKind, Reading, Sample
from dq_core.files.read.codes import QP2015_CODE, QP2024_CODE, split_multi
from dq_core.files.read.tables import Table

# The letters `status_of` gives, said in messages.
STATUS_WORDS = {"N": "nouveau", "M": "périmètre modifié", "I": "périmètre inchangé", "C": "Mayotte"}


def _norm(name: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", name.upper())


def looks_like_correspondence(table: Table) -> bool:
    names = {_norm(h) for h in table.header}
    return "QP2024" in names and any(n.startswith("QP2015") for n in names)


def status_of(code: str, statut: str | None = None) -> str | None:
    """N (nouveau), M (périmètre modifié), I (inchangé), C (Mayotte): the `Statut` column when it says
    so, else the final letter of the 2024 code."""
    text = (statut or "").strip().lower()
    for word, letter in (("nouv", "N"), ("modif", "M"), ("inchang", "I"), ("identi", "I")):
        if word in text:
            return letter
    if len(text) == 1 and text.upper() in "NMIC":
        return text.upper()
    return code[-1] if QP2024_CODE.match(code) else None


def read_correspondence(table: Table) -> pd.DataFrame:
    columns = {_norm(h): h for h in table.header}
    qp2024 = columns["QP2024"]
    statut = columns.get("STATUT")
    predecessor_columns = [h for n, h in columns.items() if n.startswith("QP2015") and "LABEL" not in n]
    rows = []
    for record in table.frame.to_dict("records"):
        code = str(record[qp2024] or "").strip().upper()
        if not QP2024_CODE.match(code):
            continue
        status = status_of(code, record.get(statut) if statut else None)
        predecessors = []
        for column in predecessor_columns:
            for part in split_multi(record.get(column)):
                part = part.strip().upper()
                if QP2015_CODE.match(part) and part not in predecessors:
                    predecessors.append(part)
        if not predecessors:
            rows.append((code, None, status))
        rows.extend((code, p, status) for p in predecessors)
    if not rows:
        raise DQError("Aucun code de quartier 2024 (QN…) dans cette table de correspondance.")
    return pd.DataFrame(rows, columns=["qp2024", "qp2015", "status"])


def _read(sample: Sample) -> Reading:
    table = next(t for t in sample.tables if looks_like_correspondence(t))
    return Reading("ANCT, correspondance des quartiers 2024 ↔ 2015", correspondence=read_correspondence(table))


KIND = FileKind("anct_correspondance", "table de correspondance des quartiers 2024 ↔ 2015 (ANCT)",
                lambda sample: any(looks_like_correspondence(t) for t in sample.head_tables), _read)
