"""A residence consumption file through the Importer: read, checked, each residence placed in its quartier,
then written as one undoable batch — or refused with every problem, nothing stored.

`pipeline.import_file` hands such a file (recognised by `kinds.energy_residences`) to `import_residences`,
so the page « Importer » and `python -m dq_core import` take it like any partner's file, with the same
report, the same replace-or-keep choice and the same history.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from dq_core import fmt, french
from dq_core.addresses.locate import Columns, known_communes, parsed_addresses, quartier_of
from dq_core.addresses.match import EXACT, STREET, has_address_base, match_addresses
from dq_core.errors import DQError
from dq_core.files import energy_write
from dq_core.files.kinds import energy_residences as kind
from dq_core.files.kinds.base import Sample
from dq_core.files.read.numbers import parse_number
from dq_core.files.read.source import FileSource
from dq_core.files.report import CHOICE, ERROR, WARNING, ImportReport, Problem, finish
from dq_core.files.status import ImportStatus
from dq_core.store import db, failures

SECRET_MIN = 10


def is_residence_file(source: FileSource) -> bool:
    try:
        return kind.KIND.recognise(Sample(source))
    except DQError:
        return False


def import_residences(cur: duckdb.DuckDBPyConnection, source: FileSource, options) -> ImportReport:
    """Check (and unless `options.dry_run`, an error or an unanswered conflict, store) a residence file."""
    report = ImportReport(source.name, file_kind=Sample(source).container, layout="residences", mode=options.mode)
    report.file_hash = source.sha256
    try:
        parsed = kind.parse(Sample(source))
    except DQError as exc:
        report.problems.append(Problem("fichier_illisible", exc.message))
        return finish(report)
    report.rows_read, report.problems = parsed.rows_read, list(parsed.problems)
    residences = place(cur, parsed.residences, report, parsed.sheet)
    use = parsed.energy_use
    report.rows_valid = len(use)
    if report.errors:
        return finish(report)
    use, residences = _conflicts(cur, report, use, residences, options.mode)
    report.preview = _preview(residences, use)
    report.detail = kind.describe(residences, use) + _small_residences(residences)
    if options.dry_run or (report.rows_conflicting and options.mode is None):
        return finish(report)
    if db.is_demo(cur):
        report.problems.append(Problem("demonstration", "la base ouverte est la démonstration (données fictives), "
                                       "qui le reste : importez ce fichier dans votre propre espace de travail."))
        return finish(report)
    _write(cur, report, source, options, residences, use)
    return report


def place(cur, residences: pd.DataFrame, report: ImportReport, sheet: str | None) -> pd.DataFrame:
    """Each residence's quartier and commune: from its quartier code, else its coordinates, else its address.
    The address and coordinates are dropped once used."""
    out = residences.copy()
    out["commune"] = None
    quartiers = dict(cur.execute("SELECT code, name FROM territory WHERE level = 'quartier'").fetchall())
    by_code = out["quartier"].ne("")
    unknown = by_code & ~out["quartier"].isin(quartiers)
    _problem(report, "quartier_inconnu", "code de quartier inconnu dans la base ouverte.", out, unknown,
             "code_quartier", "quartier", sheet)
    lat = out["lat"].map(lambda v: parse_number(v) if v else None).astype(float)
    lon = out["lon"].map(lambda v: parse_number(v) if v else None).astype(float)
    by_point = ~by_code & np.isfinite(lat) & np.isfinite(lon)
    by_address = ~by_code & ~by_point & out["address"].ne("")
    nowhere = ~by_code & ~by_point & ~by_address
    _problem(report, "residence_sans_lieu", "résidence sans code de quartier, ni coordonnées, ni adresse : "
             "impossible de la rattacher à un quartier.", out, nowhere, "code_quartier", "quartier", sheet)
    found = pd.Series(by_code & ~unknown, index=out.index)
    communes = pd.Series(None, index=out.index, dtype=object)
    if by_point.any() or by_address.any():
        vintage = cur.execute("SELECT max(vintage) FROM territory WHERE level = 'quartier' "
                              "AND geometry IS NOT NULL").fetchone()[0]
        if vintage is None:
            report.problems.append(Problem("pas_de_contours", "les quartiers de cette base n'ont pas de contours : "
                                           "placez les résidences par leur code de quartier (colonne « code_quartier »)."))
            return out
        lon_all, lat_all = lon.to_numpy(float).copy(), lat.to_numpy(float).copy()
        if by_address.any():
            located, codes = _by_address(cur, out[by_address], report, sheet)
            lon_all[by_address.to_numpy()], lat_all[by_address.to_numpy()] = located[:, 0], located[:, 1]
            communes[by_address] = codes
        placed = by_point | (by_address & np.isfinite(lat_all))
        inside = quartier_of(cur, np.where(placed, lon_all, np.nan), np.where(placed, lat_all, np.nan), int(vintage))
        out.loc[placed, "quartier"] = [q or "" for q, p in zip(inside, placed, strict=True) if p]
        found |= placed
        outside = placed & out["quartier"].eq("")
        if outside.any():
            _problem(report, "hors_quartier", "résidence située hors de tout quartier prioritaire : enregistrée sans "
                     "quartier (elle ne compte dans aucun quartier).", out, outside, "adresse", "address", sheet,
                     severity=WARNING)
    main_commune = dict(cur.execute("SELECT child, parent FROM territory_link WHERE rank = 1").fetchall())
    out["commune"] = out["quartier"].map(main_commune).where(out["quartier"].ne(""), communes)
    out["quartier"] = out["quartier"].where(out["quartier"].ne("") & found, None)
    return out[["id", "name", "landlord", "quartier", "commune", "dwellings", "heating", "dpe", "line"]]


def _by_address(cur, rows: pd.DataFrame, report: ImportReport, sheet) -> tuple[np.ndarray, list]:
    """(lon, lat) of each address found in the address base (NaN when not), and its commune code."""
    if not has_address_base(cur):
        _problem(report, "pas_de_base_adresses", "adresse sans base d'adresses pour la localiser : indexez la Base "
                 "Adresse Nationale de votre département (page « Adresses ») ou indiquez le code du quartier.",
                 rows, pd.Series(True, index=rows.index), "adresse", "address", sheet)
        return np.full((len(rows), 2), np.nan), [None] * len(rows)
    frame = rows[["address", "postcode", "commune_name"]].rename(columns={"commune_name": "commune"})
    columns = Columns(address="address", postcode="postcode", commune="commune")
    points = match_addresses(cur, parsed_addresses(frame.reset_index(drop=True), columns, known_communes(cur)))
    ok = points["quality"].isin([EXACT, STREET]).to_numpy()
    _problem(report, "adresse_introuvable", "adresse introuvable dans la Base Adresse Nationale indexée : "
             "corrigez-la ou indiquez le code du quartier.", rows, pd.Series(~ok, index=rows.index), "adresse",
             "address", sheet)
    located = np.column_stack([np.where(ok, points["lon"], np.nan), np.where(ok, points["lat"], np.nan)])
    return located, [c if k else None for c, k in zip(points["code_insee"], ok, strict=True)]


def _problem(report, code, message, rows, mask, column, role, sheet, severity=ERROR) -> None:
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return
    chosen = rows[mask]
    report.problems.append(Problem(code, message, severity=severity, lines=tuple(int(x) for x in chosen["line"][:8]),
                                   column=column, value=str(chosen[role].iloc[0]) or None, count=int(mask.sum()),
                                   sheet=sheet))


def _conflicts(cur, report, use: pd.DataFrame, residences: pd.DataFrame, mode: str | None):
    """Rows already stored (same residence, energy and period): counted; with « garder », left out."""
    cur.register("incoming_use", use[["residence", "energy", "period"]])
    try:
        stored = cur.execute("""SELECT i.residence, i.energy, i.period FROM incoming_use i JOIN energy_use e
                                USING (residence, energy, period)""").df()
    finally:
        cur.unregister("incoming_use")
    report.rows_conflicting = len(stored)
    if not len(stored):
        return use, residences
    examples = ", ".join(f"{r} {e} {fmt.period(p) if len(p) == 7 else p}"
                         for r, e, p in stored.head(3).itertuples(index=False))
    plural = len(stored) > 1
    said = (f"{french.count(len(stored), 'relevé')} du fichier {'existent' if plural else 'existe'} déjà dans la "
            f"base (même résidence, énergie et période), par exemple {examples}")
    if mode is None:
        said += (". Choisissez « remplacer » (les relevés de la base sont mis de côté et reviennent si l'import "
                 "est annulé) ou « garder » (ceux de la base restent).")
    elif mode == "replace":
        said += " : ils seront remplacés (et reviendront si l'import est annulé)."
    else:
        said += " : ceux de la base sont gardés, ceux du fichier ne sont pas enregistrés."
    report.problems.append(Problem("conflit", said, severity=CHOICE if mode is None else WARNING, count=len(stored)))
    if mode == "keep":
        key = ["residence", "energy", "period"]
        use = use.merge(stored.assign(stored=True), on=key, how="left")
        report.rows_kept = int(use["stored"].notna().sum())
        use = use[use["stored"].isna()].drop(columns="stored")
        known = {r[0] for r in cur.execute("SELECT id FROM residence").fetchall()}
        residences = residences[~residences["id"].isin(known)]
    return use, residences


def _small_residences(residences: pd.DataFrame) -> str:
    small = int((residences["dwellings"] < SECRET_MIN).sum())
    if not small:
        return ""
    return (f" ; {french.count(small, 'résidence')} de moins de {SECRET_MIN} logements : "
            f"{french.agree(small, 'enregistrée', 'enregistrées')}, jamais {french.agree(small, 'montrée', 'montrées')} "
            "seule" + ("s" if small > 1 else "") + " (regroupées avec les autres résidences du quartier)")


def _preview(residences: pd.DataFrame, use: pd.DataFrame, limit: int = 50) -> pd.DataFrame:
    names = residences.set_index("id")
    head = use.head(limit)
    return pd.DataFrame({
        "Résidence": head["residence"].map(names["name"]).fillna(head["residence"]),
        "Quartier": head["residence"].map(names["quartier"]).fillna("hors quartier"),
        "Énergie": head["energy"].map(kind.ENERGY_LABELS), "Période": [fmt.period(p) if len(p) == 7 else p for p in head["period"]],
        "kWh": ["non mesuré" if pd.isna(k) else fmt.number(k, 0) for k in head["kwh"]],
    }).astype("string")


def _write(cur, report: ImportReport, source: FileSource, options, residences, use) -> None:
    try:
        with db.transaction(cur):
            batch = db.new_batch(cur, options.source, file_name=source.name, file_hash=report.file_hash,
                                 comment=options.comment or "Consommation par résidence")
            inserted_r, replaced_r = energy_write.write_table(cur, "residence", residences, batch)
            inserted, replaced = energy_write.write_table(cur, "energy_use", use, batch)
            cur.execute("UPDATE import_batch SET partner = ?, mode = ?, rows_read = ?, rows_inserted = ?, "
                        "rows_replaced = ?, rows_kept = ?, rows_secret = 0, indicators_added = 0 WHERE id = ?",
                        [options.partner, options.mode or "replace", report.rows_read, inserted, replaced,
                         report.rows_kept, batch])
            db.bump_data_version(cur)
    except duckdb.Error as exc:
        explained = failures.explain(exc, db.workspace_file(cur))
        if explained is not None:
            raise explained from exc
        raise
    report.batch_id, report.mode = batch, options.mode or "replace"
    report.rows_inserted, report.rows_replaced = inserted, replaced
    report.status = ImportStatus.IMPORTED
