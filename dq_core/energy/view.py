"""`quartier_energy`: everything the page « Énergie », the CLI `energie CODE` and the export show for one
quartier — monthly consumption per dwelling, raw and climate-corrected, for the quartier, its residences
(secrecy applied) and its references, the degree days and thermosensitivity used, the burden and the alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from dq_core.energy import alerts as alert_rules
from dq_core.energy import bills, burden, prices, scope, secrecy, settings
from dq_core.energy.alerts import Alert
from dq_core.energy.burden import Burden
from dq_core.energy.climate import METHOD_TEXT, Thermo, thermo_from
from dq_core.energy.engine import Panel
from dq_core.errors import DQError


@dataclass(frozen=True)
class SeriesPoint:
    month: date
    raw: float | None                   # measured kWh per dwelling (None: secret or not measured)
    corrected: float | None             # brought to the reference year's DJU (None: no DJU that month)
    dju: float | None
    dju_reference: float | None
    is_secret: bool = False
    is_estimated: bool = False         # estimated by the supplier, or provisional
    is_complete: bool = True            # every day of the month measured

    @property
    def period(self) -> str:
        return self.month.strftime("%Y-%m")


@dataclass(frozen=True)
class EnergySeries:
    """One line of the chart: a quartier, a residence, « Autres résidences » or a reference."""
    kind: str                           # 'quartier' | 'residence' | 'autres' | 'reference'
    code: str
    label: str
    energy: str
    dwellings: float | None             # dwellings (residences) or delivery points (territories), last month
    thermo: Thermo | None
    points: tuple[SeriesPoint, ...]
    is_masked: bool = False             # secret: no figure shown at all
    note: str | None = None

    @property
    def last_month(self) -> date | None:
        return max((p.month for p in self.points if p.raw is not None), default=None)


@dataclass(frozen=True)
class ResidenceLine:
    """A residence shown in the quartier's table (never one under the secrecy threshold)."""
    code: str
    name: str
    landlord: str | None
    dwellings: int
    heating: str | None
    dpe: str | None
    kwh_year: float | None              # kWh per dwelling over the last 12 months, the energy asked
    kwh_year_corrected: float | None
    change_corrected_pct: float | None  # corrected last 12 months against the 12 before
    thermo: Thermo | None
    burden: Burden | None


@dataclass(frozen=True)
class QuartierEnergy:
    code: str
    name: str
    energy: str
    energies: tuple[str, ...]           # energies with data in this quartier (quartier or residences)
    zone: str | None                    # climate zone (the quartier's region) when it has degree days
    zone_name: str | None
    climate_note: str | None            # « pas de degrés-jours pour la région … » and other caveats
    reference_label: str                # « année moyenne 2015 – 2025 » or « année 2022 »
    last_month: date | None
    series: tuple[EnergySeries, ...]
    residences: tuple[ResidenceLine, ...]
    burden: Burden | None
    alerts: tuple[Alert, ...]
    secrecy_note: str | None
    secret_min: int
    prices: tuple[prices.Price, ...]
    sources: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)     # method notes shown on the page

    def frame(self) -> pd.DataFrame:
        """The chart's long table: one row per series and month (kWh per dwelling)."""
        rows = [{"series": s.label, "kind": s.kind, "code": s.code, "month": p.month, "period": p.period,
                 "raw": p.raw, "corrected": p.corrected, "dju": p.dju, "dju_reference": p.dju_reference,
                 "is_secret": p.is_secret or s.is_masked, "is_estimated": p.is_estimated,
                 "is_complete": p.is_complete}
                for s in self.series for p in s.points]
        return pd.DataFrame(rows, columns=["series", "kind", "code", "month", "period", "raw", "corrected", "dju",
                                           "dju_reference", "is_secret", "is_estimated", "is_complete"])

    def series_of(self, kind: str) -> list[EnergySeries]:
        return [s for s in self.series if s.kind == kind]


def quartier_energy(cur: duckdb.DuckDBPyConnection, code: str, energy: str = "electricite") -> QuartierEnergy:
    """The quartier's energy view (see the module docstring). Raises DQError for an unknown quartier."""
    if energy not in settings.ENERGIES:
        raise DQError(f"Énergie inconnue : « {energy} » (électricité : « electricite », gaz : « gaz », "
                      "chaleur : « chaleur »).")
    head = cur.execute("SELECT name FROM territory WHERE code = ? AND level = 'quartier'", [code]).fetchall()
    if not head:
        raise DQError(f"Quartier inconnu : « {code} ». Tapez `python -m dq_core quartiers` pour la liste des codes.")
    name = head[0][0]
    refs = _references(cur, code)
    sc = scope.quartier(cur, code, [c for c, _ in refs])
    panel = scope.panel(cur, sc)
    residences = _residences(cur, code)
    grouping = sc.grouping(code, energy)         # secrecy decided for this energy's dwellings
    zone, zone_name, region_name = _zone(cur, code)
    table = prices.read_prices(cur)
    income = burden.incomes(cur, [code]).get(code)
    index = panel.index()
    labels = {code: name, **dict(refs)}
    series = _series(panel, index, energy, code, labels, residences, grouping)
    lines = _residence_lines(panel, index, energy, residences, grouping, table, income)
    energies = tuple(e for e in settings.ENERGIES
                     if any(k[2] == e and not np.isnan(panel.y[i]).all() for k, i in index.items()))
    last = max((s.last_month for s in series if s.last_month), default=None)
    note = None
    if zone is None:
        note = (f"Pas de degrés-jours pour la région {region_name or 'de ce quartier'} : seules les consommations "
                "mesurées sont montrées (aucune région voisine n'est supposée).")
    texts = {"climat": METHOD_TEXT, "alertes": alert_rules.RULE_TEXT, "precarite": burden.METHOD_TEXT,
             "secret": secrecy.SECRECY_TEXT.format(n=sc.threshold)}
    return QuartierEnergy(
        code, name, energy, energies, zone, zone_name, note, _reference_label(cur, zone, settings.reference_year(cur)),
        last, tuple(series), tuple(lines), _quartier_burden(panel, index, table, income, code),
        tuple(alert_rules.from_panel(cur, panel)), grouping.note, sc.threshold, tuple(table), _sources(cur, code, zone),
        texts)


def _references(cur, code: str) -> list[tuple[str, str]]:
    """The quartier's commune(s), then the ensemble of quartiers, with their names."""
    rows = cur.execute("""
        SELECT t.code, t.name FROM territory_link l JOIN territory t ON t.code = l.parent
        WHERE l.child = ? AND t.level = 'commune' ORDER BY l.rank, t.code""", [code]).fetchall()
    rows += cur.execute("SELECT code, name FROM territory WHERE level = 'ensemble' ORDER BY code").fetchall()
    return rows


def _zone(cur, code: str) -> tuple[str | None, str | None, str | None]:
    """(zone, zone name, region name): zone None when the quartier's region has no degree days."""
    row = cur.execute("""
        WITH RECURSIVE walk(code, depth) AS (
            SELECT ?::VARCHAR, 0 UNION SELECT l.parent, w.depth + 1 FROM walk w
            JOIN territory_link l ON l.child = w.code WHERE w.depth < 8)
        SELECT min(t.code), min(t.name) FROM walk w JOIN territory t ON t.code = w.code AND t.level = 'region'
        """, [code]).fetchall()
    region, region_name = row[0] if row else (None, None)
    if region is None:
        return None, None, None
    found = cur.execute("SELECT count(*), min(zone_name) FROM degree_days WHERE zone = ? AND dju IS NOT NULL",
                        [region]).fetchall()[0]
    if not found[0]:
        return None, None, region_name
    return region, found[1] or region_name, region_name


def _reference_label(cur, zone: str | None, ref_year: int | None) -> str:
    if ref_year is not None:
        return f"année {ref_year}"
    if zone is None:
        return "pas d'année de référence (pas de degrés-jours)"
    first, last = cur.execute("SELECT min(year(month)), max(year(month)) FROM degree_days WHERE zone = ? "
                              "AND dju IS NOT NULL", [zone]).fetchall()[0]
    return f"année moyenne {first} – {last}"


def _residences(cur, code: str) -> dict[str, dict]:
    rows = cur.execute("SELECT id, name, landlord, dwellings, heating, dpe FROM residence WHERE quartier = ? "
                       "ORDER BY id", [code]).fetchall()
    return {r[0]: {"name": r[1], "landlord": r[2], "dwellings": r[3], "heating": r[4], "dpe": r[5]} for r in rows}


def thermo_of(panel: Panel, i: int) -> Thermo:
    """The fitted climate model of series `i` of a computed panel."""
    first, last = int(panel.first_fit[i]), int(panel.last_fit[i])
    return thermo_from(panel.slope[i], panel.intercept[i], panel.r2[i], panel.months_used[i],
                       panel.months[first] if first >= 0 else None, panel.months[last] if last >= 0 else None)


def _clean(values) -> list:
    return [None if v != v else float(v) for v in values.tolist()]


def _points(panel: Panel, i: int, masked: bool = False) -> tuple[SeriesPoint, ...]:
    cols = np.flatnonzero(panel.present[i])
    raw, corrected = _clean(panel.y[i, cols]), _clean(panel.corrected[i, cols])
    dju, ref = _clean(panel.dju[i, cols]), _clean(panel.dju_ref[i, cols])
    secret = (panel.secret[i, cols] | masked).tolist()
    estimated, complete = panel.estimated[i, cols].tolist(), panel.complete[i, cols].tolist()
    return tuple(SeriesPoint(panel.months[c], None if s else r, None if s or not k else v, d, f, s, e, k)
                 for c, r, v, d, f, s, e, k in zip(cols.tolist(), raw, corrected, dju, ref, secret, estimated,
                                                   complete, strict=True))


def _series(panel: Panel, index: dict, energy: str, code: str, labels: dict[str, str], residences: dict,
            grouping: secrecy.Grouping) -> list[EnergySeries]:
    """Quartier first, then its residences shown (by name), « Autres résidences », then the references."""
    out = []
    order = [("quartier", code)] + [("residence", r) for r in sorted(grouping.shown, key=lambda r: residences[r]["name"])]
    order += [("autres", code)] + [("reference", c) for c in labels if c != code]
    for kind, key in order:
        i = index.get((kind, key, energy))
        if i is None:
            continue
        masked = kind == "autres" and grouping.group_masked
        label = {"quartier": labels.get(key, key), "residence": residences.get(key, {}).get("name", key),
                 "autres": secrecy.AUTRES_LABEL, "reference": labels.get(key, key)}[kind]
        units = panel.series["units"].iat[i]
        out.append(EnergySeries(kind, key, label, energy, None if masked or pd.isna(units) else float(units),
                                None if masked else thermo_of(panel, i), _points(panel, i, masked), masked,
                                grouping.note if kind == "autres" else None))
    return out


def _twelve(values: np.ndarray, end: int) -> float | None:
    """Sum of the 12 months ending at column `end`, None unless all 12 are there."""
    if end < 11:
        return None
    window = values[end - 11:end + 1]
    return None if np.isnan(window).any() else float(window.sum())


def year_figures(panel: Panel, i: int) -> tuple[float | None, float | None, float | None, date | None]:
    """(kWh of the last 12 months, corrected, corrected change against the 12 before in %, last month)."""
    last = int(panel.last_column[i])
    if last < 0:
        return None, None, None, None
    raw = _twelve(np.where(panel.complete[i], panel.y[i], np.nan), last)
    corrected = _twelve(panel.corrected[i], last)
    before = _twelve(panel.corrected[i], last - 12)
    change = 100 * (corrected / before - 1) if corrected is not None and before else None
    return raw, corrected, change, panel.months[last]


def _residence_lines(panel, index, energy, residences, grouping, table, income) -> list[ResidenceLine]:
    out = []
    for rid in sorted(grouping.shown, key=lambda r: residences[r]["name"]):
        info = residences[rid]
        parts = {e: i for (kind, key, e), i in index.items() if kind == "residence" and key == rid}
        mine = parts.get(energy)
        raw, corrected, change, _ = year_figures(panel, mine) if mine is not None else (None, None, None, None)
        out.append(ResidenceLine(rid, info["name"], info["landlord"], int(info["dwellings"]), info["heating"],
                                 info["dpe"], raw, corrected, change, None if mine is None else thermo_of(panel, mine),
                                 residence_burden(panel, parts, info["heating"], table, income)))
    return out


def residence_burden(panel: Panel, parts: dict[str, int], heating: str | None, table, income) -> Burden:
    """Burden of a residence from its own series (by energy) and its quartier's incomes."""
    kwh, last = {}, None
    for energy, i in parts.items():
        amount, _, _, month = year_figures(panel, i)
        if amount is not None:
            kwh[energy] = amount
            last = max(last, month) if last else month
    subs = {"gaz": 0.0, "chaleur": 0.0} if heating == "collectif" else None
    b = bills.bill(kwh, table, last, subs)
    return burden.burden_of(b.total, income, b.by_energy, b.period, b.notes)


def _quartier_burden(panel, index, table, income, code) -> Burden | None:
    parts = {e: i for (kind, key, e), i in index.items() if kind == "quartier" and key == code}
    if not parts:
        return None
    kwh, units, last = {}, {}, None
    for energy, i in parts.items():
        amount, _, _, month = year_figures(panel, i)
        if amount is not None:
            kwh[energy], units[energy] = amount, float(panel.series["units"].iat[i] or 0)
            last = max(last, month) if last else month
    subs = None
    if "electricite" in kwh and "gaz" in kwh and units["electricite"] > 0:
        share = units["gaz"] / units["electricite"]     # gas per gas point, spread over every dwelling
        kwh["gaz"] *= share
        subs = {"electricite": 1.0, "gaz": share}
    b = bills.bill(kwh, table, last, subs)
    return burden.burden_of(b.total, income, b.by_energy, b.period, b.notes)


def _sources(cur, code: str, zone: str | None) -> tuple[str, ...]:
    out = []
    for ind in settings.QUARTIER_INDICATORS.values():
        row = cur.execute("SELECT producer, dataset FROM indicator WHERE id = ?", [ind]).fetchall()
        if row:
            out.append(f"{row[0][0]}, {row[0][1]}")
    batches = cur.execute("""
        SELECT DISTINCT coalesce(b.file_name, b.source) FROM residence r JOIN import_batch b ON b.id = r.batch_id
        WHERE r.quartier = ?""", [code]).fetchall()
    out += [f"Résidences : {b[0]}" for b in batches]
    if zone:
        out += [f"Degrés-jours : {s[0]}" for s in cur.execute(
            "SELECT DISTINCT source FROM degree_days WHERE zone = ? AND source IS NOT NULL", [zone]).fetchall()]
    return tuple(dict.fromkeys(out))
