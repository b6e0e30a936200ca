"""Partners' tables, in four layouts (see `partner.layouts`): each staged as long rows for the import pipeline.

A partner table is streamed into the cursor's `dq_raw` table (`read.raw`); once its mapping is known,
the kind of its layout writes the view `dq_staging(line, value_column, t, i, p, v, n, d, s)` — every
value cell as one long row of text — which the pipeline parses, checks, protects and writes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dq_core import fmt, lambert
from dq_core.files import protect
from dq_core.files.kinds.base import FileKind, Sample
from dq_core.files.partner import points
from dq_core.files.partner.layouts import Mapping, guess_mapping
from dq_core.files.read import raw as readers
from dq_core.files.report import ERROR, WARNING, ImportReport, Problem
from dq_core.files.sql import register


def stage_table(cur, raw: readers.RawTable, mapping: Mapping, labels: dict[str, str], report: ImportReport) -> None:
    """`dq_staging` from a long or wide table: every value cell as one long row."""
    headers = raw.headers
    col = {role: f"c{headers.index(name)}" for role, name in mapping.columns.items()}
    register(cur, "dq_fixed", pd.DataFrame([{"indicator": mapping.fixed.get("indicator"),
                                              "period": mapping.fixed.get("period")}], dtype="string"))

    def c(role: str) -> str:
        return col.get(role, "NULL::VARCHAR")
    if mapping.layout == "long":
        cur.execute(f"""CREATE OR REPLACE TEMP VIEW dq_staging AS
            SELECT line, NULL::VARCHAR AS value_column, {c('territory')} AS t, {c('indicator')} AS i,
                   {c('period')} AS p, {c('value')} AS v, {c('numerator')} AS n, {c('denominator')} AS d,
                   {c('status')} AS s FROM dq_raw""")
        return
    value_cols = [(f"c{headers.index(h)}", h, target) for h, target in mapping.value_columns.items()]
    register(cur, "dq_value_columns", pd.DataFrame(
        [(name, header, target) for name, header, target in value_cols],
        columns=["name", "header", "target"], dtype="string"))
    if mapping.layout == "wide_period":
        i_expr, p_expr = "coalesce(u.ci, f.indicator)", "m.target"
    else:
        i_expr, p_expr = "m.target", "coalesce(u.cp, f.period)"
    on = ", ".join(name for name, _, _ in value_cols)
    cur.execute(f"""CREATE OR REPLACE TEMP VIEW dq_staging AS
        SELECT u.line, m.header AS value_column, u.t, {i_expr} AS i, {p_expr} AS p,
               u.v, NULL::VARCHAR AS n, NULL::VARCHAR AS d, u.s
        FROM (SELECT * FROM (SELECT line, {c('territory')} AS t, {c('indicator')} AS ci, {c('period')} AS cp,
                                    {c('status')} AS s, {on} FROM dq_raw)
              UNPIVOT (v FOR name IN ({on}))) u
        JOIN dq_value_columns m ON m.name = u.name
        CROSS JOIN dq_fixed f
        WHERE trim(u.v) <> ''""")


def stage_points(cur, raw: readers.RawTable, mapping: Mapping, labels: dict[str, str],
                 report: ImportReport) -> None:
    """Aggregate point rows (coordinates + counts) to quartiers; `dq_staging` holds only the sums."""
    headers = raw.headers
    col = {role: f"c{headers.index(name)}" for role, name in mapping.columns.items()}
    value_cols = list(mapping.value_columns.items())
    xs, ys = ("lon", "lat") if mapping.crs == "wgs84" else ("x", "y")
    select = ["line", f"dq_number({col[xs]}) AS x", f"dq_number({col[ys]}) AS y",
              f"{col[xs]} AS x_raw", f"{col[ys]} AS y_raw",
              f"{col['period']} AS period" if "period" in col else "NULL::VARCHAR AS period"]
    for k, (header, _) in enumerate(value_cols):
        cname = f"c{headers.index(header)}"
        select += [f"dq_number({cname}) AS v{k}", f"{cname} AS r{k}"]
    frame = cur.execute(f"SELECT {', '.join(select)} FROM dq_raw ORDER BY line").df()
    bad_xy = frame[frame["x"].isna() | frame["y"].isna()]
    for line, xr, yr in bad_xy[["line", "x_raw", "y_raw"]].head(200).itertuples(index=False):
        report.problems.append(Problem("coordonnees_illisibles", "coordonnées illisibles (des nombres sont attendus).",
                                       severity=ERROR, lines=(int(line),), column=f"{mapping.columns[xs]} / {mapping.columns[ys]}",
                                       value=f"{xr} ; {yr}", sheet=raw.sheet))
    x, y = frame["x"].to_numpy(float), frame["y"].to_numpy(float)
    if mapping.crs == "lambert93":
        if not lambert.looks_like_lambert93(x, y):
            report.problems.append(Problem("coordonnees_hors_france", "ces coordonnées ne sont pas en "
                                           "Lambert-93 (x entre 0 et 1 300 000 m, y entre 6 000 000 et 7 200 000 m) ; "
                                           "en degrés, nommez les colonnes « latitude » et « longitude ».",
                                           severity=ERROR, column=f"{mapping.columns['x']} / {mapping.columns['y']}"))
        lon, lat = lambert.to_wgs84(x, y)
    else:
        lon, lat = x, y
        wrong = frame[~np.isnan(x) & ((np.abs(x) > 180) | (np.abs(y) > 90))]
        for line, xr, yr in wrong[["line", "x_raw", "y_raw"]].head(50).itertuples(index=False):
            report.problems.append(Problem("coordonnees_hors_bornes", "longitude ou latitude hors des bornes "
                                           "(longitude entre -180 et 180, latitude entre -90 et 90).",
                                           lines=(int(line),), column=f"{mapping.columns['lon']} / {mapping.columns['lat']}",
                                           value=f"{xr} ; {yr}", sheet=raw.sheet))
    quartiers = cur.execute("SELECT code, geometry FROM territory WHERE level = 'quartier' "
                            "AND geometry IS NOT NULL").fetchall()
    if not quartiers:
        report.problems.append(Problem("pas_de_contours", "les quartiers de cette base n'ont pas de contours : "
                                       "impossible de placer les points dans les quartiers."))
    index = points.quartier_index(quartiers)
    frame["quartier"] = points.locate(lon, lat, index)
    located = frame[frame["quartier"].notna()]
    report.points_outside = int((frame["quartier"].isna() & frame["x"].notna() & frame["y"].notna()).sum())
    if report.points_outside:
        report.problems.append(Problem("points_hors_quartiers", f"{fmt.number(report.points_outside, 0)} point"
                                       f"{'s' if report.points_outside > 1 else ''} hors de tout quartier prioritaire : "
                                       "non compté" + ("s" if report.points_outside > 1 else "") + ".", severity=WARNING,
                                       lines=tuple(int(v) for v in frame.loc[frame['quartier'].isna() & frame['x'].notna(), 'line'].head(8)),
                                       count=report.points_outside))
    rows = []
    for k, (header, indicator) in enumerate(value_cols):
        unreadable = frame[frame[f"v{k}"].isna() & frame[f"r{k}"].notna() & (frame[f"r{k}"].str.strip() != "")]
        for line, value in unreadable[["line", f"r{k}"]].head(200).itertuples(index=False):
            report.problems.append(Problem("valeur_illisible", "ce n'est pas un nombre lisible.",
                                           lines=(int(line),), column=header, value=str(value), sheet=raw.sheet))
        negative = frame[frame[f"v{k}"] < 0]
        for line, value in negative[["line", f"v{k}"]].head(200).itertuples(index=False):
            report.problems.append(Problem("effectif_negatif", "un effectif ne peut pas être négatif.",
                                           lines=(int(line),), column=header, value=fmt.number(value, 0), sheet=raw.sheet))
        if protect.one_row_per_person(frame[f"v{k}"].tolist()):
            report.problems.append(Problem("donnees_individuelles", "presque toutes les lignes comptent 0 ou 1 : "
                                           "le fichier semble décrire des personnes ou des ménages un par un. "
                                           "L'application n'accepte que des chiffres agrégés (par exemple par "
                                           "résidence ou par immeuble).", column=header,
                                           count=len(frame)))
        period_series = located["period"] if "period" in col else pd.Series(mapping.fixed.get("period"), index=located.index)
        grouped = located.assign(p=period_series.fillna("").astype(str)).groupby(["quartier", "p"])
        for (quartier, period), group in grouped:
            rows.append((int(group["line"].min()), header, quartier, indicator, period or mapping.fixed.get("period"),
                         _sum_text(group[f"v{k}"])))
    frame_rows = pd.DataFrame(rows, columns=["line", "value_column", "t", "i", "p", "v"])
    for name in ("n", "d", "s"):
        frame_rows[name] = None
    for name in ("value_column", "t", "i", "p", "v", "n", "d", "s"):
        frame_rows[name] = frame_rows[name].astype("string")
    frame_rows["line"] = frame_rows["line"].astype("Int64")
    register(cur, "dq_points_rows", frame_rows)
    cur.execute("CREATE OR REPLACE TEMP VIEW dq_staging AS SELECT * FROM dq_points_rows")


def _sum_text(values: pd.Series) -> str:
    total = values.dropna().sum()
    return str(int(total)) if float(total).is_integer() else str(total).replace(".", ",")


def _layout_is(layout: str):
    def recognise(sample: Sample) -> bool:
        for table in sample.head_tables:
            mapping = guess_mapping(table.header, sample.indicators)
            if mapping.layout == layout and _has_its_columns(mapping):
                return True
        return False
    return recognise


def _has_its_columns(mapping: Mapping) -> bool:
    """A guess is a recognition when the layout's own columns are there (`long` is also the fallback guess)."""
    if mapping.is_points:
        return True
    needed = {"territory", "indicator", "period", "value"} if mapping.layout == "long" else {"territory"}
    return needed <= mapping.columns.keys()


NEEDS = ("la correspondance des colonnes (proposée, à confirmer)", "le nom du partenaire (facultatif)")
LONG = FileKind("partenaire_long", "tableau de partenaire au format long (territoire, indicateur, période, valeur)",
                _layout_is("long"), stage=stage_table, needs=NEEDS)
WIDE_PERIOD = FileKind("partenaire_par_periode", "tableau de partenaire avec une colonne par période",
                       _layout_is("wide_period"), stage=stage_table, needs=NEEDS)
WIDE_INDICATOR = FileKind("partenaire_par_indicateur", "tableau de partenaire avec une colonne par indicateur",
                          _layout_is("wide_indicator"), stage=stage_table, needs=NEEDS)
POINTS = FileKind("partenaire_points", "points avec coordonnées (adresses, immeubles), comptés par quartier",
                  _layout_is("points"), stage=stage_points, needs=NEEDS)
BY_LAYOUT = {"long": LONG, "wide_period": WIDE_PERIOD, "wide_indicator": WIDE_INDICATOR, "points": POINTS}
