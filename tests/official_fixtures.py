"""Where the real official samples are (when present), and small files in the official layouts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OFFICIAL = ROOT.parent / "shared" / "data" / "official"
NATIONAL = OFFICIAL / "insee_qpv2015_thematiques" / "national"
REGIONAL = OFFICIAL / "insee_qpv2015_thematiques" / "bretagne_pdl"
QPV2024 = OFFICIAL / "qpv2024"


def require_official() -> Path:
    """Skip cleanly where the shared samples are not laid out next to the project."""
    if not NATIONAL.is_dir():
        pytest.skip(f"official samples absent ({OFFICIAL})")
    return OFFICIAL


def correspondence_csv(rows: list[tuple[str, str, str, list[tuple[str, str]]]]) -> bytes:
    """ANCT's `liste-correspondance-qp2024-qp2015.csv` layout: `;`, UTF-8 with BOM, header names with
    stray spaces, up to three 2015 predecessors per 2024 quartier."""
    header = ["QP2024", " Label_QP2024", "Statut ", "QP2015_1", "Label_QP2015_1", "QP2015_2", "Label_QP2015_2",
              "QP2015_3", "Label_QP2015_3"]
    lines = [";".join(header)]
    for code, label, status, preds in rows:
        cells = [code, label, status]
        for i in range(3):
            cells += list(preds[i]) if i < len(preds) else ["", ""]
        lines.append(";".join(cells))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def thematic_xlsx(csv_bytes: bytes, *, sheet: str = "QP", title_rows: int = 5, title: str = "") -> bytes:
    """An INSEE-style workbook of a thematic CSV: title rows above the header, values as numbers."""
    import openpyxl

    from dq_core.files.read.numbers import parse_number
    from dq_core.files.read.tables import read_csv_text
    from dq_core.files.read.text import decode

    table = read_csv_text(decode(csv_bytes))
    workbook = openpyxl.Workbook()
    workbook.active.title = "Documentation"
    workbook.active.append(["Documentation des variables"])
    ws = workbook.create_sheet(sheet)
    for i in range(title_rows):
        ws.append([title if i == 0 else (f"Source : Insee (ligne {i})" if i % 2 else None)])
    ws.append(table.header)
    for row in table.frame.itertuples(index=False):
        out = []
        for column, cell in zip(table.header, row, strict=True):
            number = parse_number(cell) if column not in ("CODGEO", "LIBGEO", "LIB_COM") else None
            out.append(number if number is not None else (cell or None))
        ws.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def lambert_shapefile_zip(features: list[tuple[dict, list[tuple[float, float]]]], *, upper: bool = True,
                          prj: str | None = None) -> bytes:
    """A zipped shapefile set (.shp/.dbf/.shx/.prj) in Lambert-93 with `CODE_QP, NOM_QP, COMMUNE_QP`."""
    import shapefile

    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8") as writer:
        names = ["CODE_QP", "NOM_QP", "COMMUNE_QP"] if upper else ["code_qp", "nom_qp", "commune_qp"]
        for name in names:
            writer.field(name, "C", size=80)
        for props, ring in features:
            writer.poly([ring])
            writer.record(*[props[n.upper()] for n in names])
    prj = prj or ('PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",'
                  '6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
                  'PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],'
                  'PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],'
                  'PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],'
                  'PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]')
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("SHP/QP_METROPOLE_LB93.shp", shp.getvalue())
        z.writestr("SHP/QP_METROPOLE_LB93.shx", shx.getvalue())
        z.writestr("SHP/QP_METROPOLE_LB93.dbf", dbf.getvalue())
        z.writestr("SHP/QP_METROPOLE_LB93.prj", prj)
    return archive.getvalue()
