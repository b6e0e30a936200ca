"""Command-line commands of the page « Énergie »: a quartier's energy figures, the alert scan, the price
scenario and the price table — the same dq_core.energy functions as the page."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path

from dq_core import fmt, french
from dq_core.energy import alerts, prices, scenario, settings, targeting
from dq_core.energy.alerts import Alert
from dq_core.energy.burden import Burden, Estimate
from dq_core.energy.climate import Thermo
from dq_core.energy.view import EnergySeries, QuartierEnergy, quartier_energy
from dq_core.errors import DQError
from dq_core.store import db, workspace

SCOPE_WORDS = {"residence": "résidence", "quartier": "quartier"}


def add_commands(command: Callable) -> None:
    one = command("energie", "consommation d'énergie par logement d'un quartier et de ses résidences, brute et "
                  "corrigée du climat, degrés-jours, thermosensibilité, précarité énergétique et alertes", _energie)
    one.add_argument("code", metavar="CODE", help="code du quartier")
    one.add_argument("--energie", choices=["electricite", "gaz", "chaleur"], default="electricite",
                     help="énergie des séries (défaut : electricite)")
    one.add_argument("--mois", type=int, default=12, help="derniers mois affichés (0 : tous ; défaut : 12)")
    one.add_argument("--json", action="store_true", help="un objet JSON (toutes les séries, tous les mois)")
    scan = command("energie-alertes", "alertes de consommation de toutes les résidences et de tous les quartiers, "
                   "de la plus récente à la plus ancienne", _alertes)
    scan.add_argument("--json", action="store_true", help="un objet JSON par alerte")
    what_if = command("energie-scenario", "scénario de hausse des prix : logements qui franchiraient les seuils "
                      "de taux d'effort, par résidence et par quartier", _scenario)
    what_if.add_argument("--hausse", type=float, required=True, metavar="POURCENT", help="hausse des prix en %")
    what_if.add_argument("--lignes", type=int, default=20, help="lignes affichées par tableau (défaut : 20)")
    what_if.add_argument("--json", action="store_true", help="un objet JSON")
    target = command("energie-ciblage", "liste de ciblage des résidences (score transparent et ses raisons)",
                     _ciblage)
    target.add_argument("--quartier", metavar="CODE", help="les résidences d'un seul quartier")
    target.add_argument("--json", action="store_true", help="un objet JSON par résidence")
    table = command("energie-prix", "affiche le tableau des prix de l'énergie, ou le remplace par un fichier CSV "
                    "(énergie;début;prix_kwh;abonnement_an;libellé;source)", _prix)
    table.add_argument("--remplacer", type=Path, metavar="FICHIER.csv", help="nouveau tableau complet")
    table.add_argument("--json", action="store_true", help="un objet JSON par prix")


# --- JSON ---------------------------------------------------------------------------------------

def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def estimate_json(e: Estimate | None) -> dict | None:
    return None if e is None else {"central": e.central, "low": e.low, "high": e.high}


def thermo_json(t: Thermo | None) -> dict | None:
    if t is None:
        return None
    return {"base_kwh_per_day": t.base_per_day, "kwh_per_dju": t.per_dju, "r2": t.r2, "months_used": t.months_used,
            "applied": t.applied, "method": t.method}


def burden_json(b: Burden | None) -> dict | None:
    if b is None:
        return None
    income = b.income
    return {"bill_eur_per_year": b.bill, "bill_by_energy": b.bill_by_energy, "period": b.period,
            "effort_median_household": b.effort_median,
            "share_above": {f"{round(t * 100)}%": estimate_json(e) for t, e in b.above.items()},
            "tee_3d": estimate_json(b.tee_3d), "notes": list(b.notes),
            "income": None if income is None else {"year": income.year, "median_per_uc": income.median,
                                                   "sigma": income.sigma, "source": income.source}}


def alert_json(a: Alert) -> dict:
    return {"scope": a.scope, "code": a.code, "name": a.name, "quartier": a.quartier, "energy": a.energy,
            "period": a.period, "value": a.value, "expected": a.expected, "change_pct": a.change_pct,
            "score": a.score, "raw": a.raw, "last_year": a.last_year, "reason": a.reason}


def _series_json(s: EnergySeries) -> dict:
    return {"kind": s.kind, "code": s.code, "label": s.label, "units": s.dwellings, "masked": s.is_masked,
            "note": s.note, "thermo": thermo_json(s.thermo),
            "points": [{"period": p.period, "raw": p.raw, "corrected": p.corrected, "dju": p.dju,
                        "dju_reference": p.dju_reference, "secret": p.is_secret, "estimated": p.is_estimated,
                        "complete": p.is_complete} for p in s.points]}


def energy_json(v: QuartierEnergy) -> dict:
    return {"quartier": {"code": v.code, "name": v.name}, "energy": v.energy, "energies": list(v.energies),
            "climate_zone": {"code": v.zone, "name": v.zone_name}, "climate_note": v.climate_note,
            "reference": v.reference_label, "last_period": v.last_month.strftime("%Y-%m") if v.last_month else None,
            "secret_threshold": v.secret_min, "secrecy_note": v.secrecy_note,
            "series": [_series_json(s) for s in v.series],
            "residences": [{"code": r.code, "name": r.name, "landlord": r.landlord, "dwellings": r.dwellings,
                            "heating": r.heating, "dpe": r.dpe, "kwh_year": r.kwh_year,
                            "kwh_year_corrected": r.kwh_year_corrected, "change_corrected_pct": r.change_corrected_pct,
                            "thermo": thermo_json(r.thermo), "burden": burden_json(r.burden)} for r in v.residences],
            "burden": burden_json(v.burden), "alerts": [alert_json(a) for a in v.alerts],
            "prices": [{**asdict(p), "valid_from": _iso(p.valid_from)} for p in v.prices],
            "sources": list(v.sources), "methods": v.texts}


# --- commands -----------------------------------------------------------------------------------

def _energie(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        v = quartier_energy(cur, args.code, args.energie)
        demo = db.is_demo(cur)
    if args.json:
        print(json.dumps({**energy_json(v), "demo": demo}, ensure_ascii=False))
        return 0
    print(energy_text(v, args.mois, demo))
    return 0


def _kwh(x: float | None) -> str:
    return fmt.number(x, 0)


def energy_text(v: QuartierEnergy, months: int = 12, demo: bool = False) -> str:
    label = settings.ENERGY_LABELS.get(v.energy, v.energy)
    lines = [f"{v.name} ({v.code}) — {label}, kWh par logement" + (" (données fictives de démonstration)" if demo else "")]
    if v.zone:
        lines.append(f"Degrés-jours : {v.zone_name} ({v.zone}), base 18 °C ; référence : {v.reference_label}.")
    if v.climate_note:
        lines.append(v.climate_note)
    if not v.series:
        lines.append(f"Pas de consommation de {label} pour ce quartier ni ses résidences.")
    for s in v.series:
        lines.append("")
        size = "" if s.dwellings is None else f", {fmt.number(s.dwellings, 0)} " + (
            "logements" if s.kind in ("residence", "autres") else "points de livraison")
        lines.append(f"{s.label}{size}")
        if s.is_masked:
            lines.append(f"  s (secret statistique) — {s.note or ''}".rstrip(" —"))
            continue
        if s.note:
            lines.append(f"  {s.note}")
        if s.thermo:
            lines.append(f"  {s.thermo.method}")
        shown = s.points if months <= 0 else s.points[-months:]
        lines.append("  mois\tmesuré\tcorrigé\tDJU")
        for p in shown:
            raw = "s" if p.is_secret else _kwh(p.raw)
            corrected = "s" if p.is_secret else _kwh(p.corrected)
            flags = (" (provisoire ou estimé)" if p.is_estimated else "") + ("" if p.is_complete else " (mois incomplet)")
            lines.append(f"  {fmt.period(p.period)}\t{raw}\t{corrected}\t{fmt.number(p.dju, 0)}{flags}")
    if v.secrecy_note:
        lines += ["", v.secrecy_note]
    lines += ["", "Précarité énergétique (estimations) :"]
    lines += _burden_lines("  Quartier", v.burden)
    for r in v.residences:
        lines += _burden_lines(f"  {r.name}", r.burden)
    lines += ["", f"Alertes ({len(v.alerts)}) :" if v.alerts else "Aucune alerte."]
    lines += [f"  {a.reason}" for a in v.alerts]
    lines += ["", "Sources : " + " ; ".join(v.sources)] if v.sources else []
    return "\n".join(lines)


def _burden_lines(label: str, b: Burden | None) -> list[str]:
    if b is None:
        return [f"{label} : pas de consommation"]
    if b.bill is None:
        return [f"{label} : pas de facture estimée" + (f" ({' '.join(b.notes)})" if b.notes else "")]
    text = f"{label} : facture {fmt.number(b.bill, 0)} € par logement et par an ({b.period})"
    if b.effort_median is not None:
        text += f", taux d'effort du ménage médian {fmt.number(b.effort_median * 100, 1)} %"
    for t, e in b.above.items():
        text += f" ; au-dessus de {round(t * 100)} % : {e.text()}"
    if b.tee_3d is not None:
        text += f" ; TEE_3D : {b.tee_3d.text()}"
    return [text + "."] + [f"{' ' * 4}{n}" for n in b.notes]


def _alertes(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        found = alerts.scan(cur)
    if args.json:
        for a in found:
            print(json.dumps(alert_json(a), ensure_ascii=False))
        return 0
    if not found:
        print("Aucune alerte.")
        return 0
    print(f"{french.count(len(found), 'alerte')}, de la plus récente à la plus ancienne :")
    for a in found:
        where = a.quartier if a.scope == "residence" else ""
        print(f"{fmt.period(a.period)}\t{SCOPE_WORDS.get(a.scope, a.scope)}\t{a.code}\t{where}\t{a.reason}")
    return 0


def _scenario(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        sc = scenario.scenario(cur, args.hausse)
    if args.json:
        print(json.dumps(scenario_json(sc), ensure_ascii=False))
        return 0
    print(scenario_text(sc, args.lignes))
    return 0


def scenario_json(sc: scenario.Scenario) -> dict:
    def line(x: scenario.ScenarioLine) -> dict:
        return {"scope": x.scope, "code": x.code, "name": x.name, "quartier": x.quartier, "landlord": x.landlord,
                "dwellings": x.dwellings, "bill_before": x.bill_before, "bill_after": x.bill_after,
                "crossing": {f"{round(t * 100)}%": estimate_json(e) for t, e in x.crossing.items()},
                "share_above_before": {f"{round(t * 100)}%": estimate_json(e) for t, e in x.above_before.items()},
                "share_above_after": {f"{round(t * 100)}%": estimate_json(e) for t, e in x.above_after.items()}}
    return {"rise_pct": sc.rise_pct, "average_bill_before": sc.average_bill_before,
            "average_bill_after": sc.average_bill_after, "average_growth": sc.average_growth,
            "crossing_residences": {f"{round(t * 100)}%": estimate_json(e) for t, e in sc.crossing_residences.items()},
            "crossing_quartiers": {f"{round(t * 100)}%": estimate_json(e) for t, e in sc.crossing_quartiers.items()},
            "lines": [line(x) for x in sc.lines], "notes": list(sc.notes), "method": sc.method}


def scenario_text(sc: scenario.Scenario, limit: int = 20) -> str:
    out = [f"Scénario : prix de l'énergie {fmt.number(sc.rise_pct, 1, sign=True)} %"]
    if sc.average_bill_before is not None:
        out.append(f"Facture moyenne par logement des résidences : {fmt.number(sc.average_bill_before, 0)} € → "
                   f"{fmt.number(sc.average_bill_after, 0)} € par an ({fmt.number(sc.average_growth, 0, sign=True)} €).")
    for t in settings.EFFORT_THRESHOLDS:
        out.append(f"Logements franchissant le seuil de {round(t * 100)} % : résidences "
                   f"{sc.crossing_residences[t].text(percent=False)}, quartiers {sc.crossing_quartiers[t].text(percent=False)}.")
    for kind, title in (("residence", "Résidences"), ("autres", "Autres résidences (regroupées)"),
                        ("quartier", "Quartiers")):
        rows = sc.lines_of(kind)
        if not rows:
            continue
        first = "premiers" if kind == "quartier" else "premières"
        out += ["", f"{title} (les {min(limit, len(rows))} {first} sur {len(rows)}) :",
                "  nom\tquartier\tlogements\tfacture avant → après\tfranchissant 8 %\tfranchissant 10 %"]
        for x in rows[:limit]:
            out.append(f"  {x.name}\t{x.quartier_name or ''}\t{fmt.number(x.dwellings, 0)}\t"
                       f"{fmt.number(x.bill_before, 0)} → {fmt.number(x.bill_after, 0)} €\t"
                       f"{x.crossing[settings.EFFORT_TEE_3D].text(percent=False)}\t"
                       f"{x.crossing[settings.EFFORT_FIRST_DEFINITION].text(percent=False)}")
    out += ["", *sc.notes, sc.method]
    return "\n".join(line for line in out if line is not None)


def _ciblage(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        found = targeting.targeting(cur, quartier=args.quartier)
        text = targeting.score_text(cur)
    if args.json:
        for t in found:
            print(json.dumps(asdict(t), ensure_ascii=False))
        return 0
    print(text)
    for t in found:
        print(f"{t.rank}\t{fmt.number(t.score, 0)}\t{t.name}\t{t.quartier_name or ''}\t{t.landlord or ''}\t"
              f"{fmt.number(t.dwellings, 0)} logements\t" + " ; ".join(t.reasons))
    return 0


_PRICE_COLUMNS = ("energie", "debut", "prix_kwh", "abonnement_an", "libelle", "source")


def read_price_file(path: Path) -> list[prices.Price]:
    """A price table from a `;`-separated CSV (French decimals accepted); French errors."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DQError(f"Impossible de lire le fichier des prix « {path} » (CSV en UTF-8 attendu).") from exc
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    if not rows or [c.strip().lower() for c in rows[0][:4]] != list(_PRICE_COLUMNS[:4]):
        raise DQError("Le fichier des prix doit commencer par la ligne d'en-tête "
                      f"« {';'.join(_PRICE_COLUMNS)} ».")
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [c.strip() for c in row] + [""] * 6
        try:
            start = date.fromisoformat(cells[1])
            kwh = float(cells[2].replace(",", "."))
            sub = float(cells[3].replace(",", ".")) if cells[3] else None
        except ValueError as exc:
            raise DQError(f"Ligne {n} du fichier des prix : date (AAAA-MM-JJ) ou nombre illisible "
                          f"(« {';'.join(row)} »).") from exc
        out.append(prices.Price(cells[0], start, kwh, sub, cells[4] or None, cells[5] or None))
    return out


def _prix(args) -> int:
    if args.remplacer:
        new = read_price_file(args.remplacer)
        with workspace.open_cursor(args.db) as cur:
            if db.is_demo(cur):
                raise DQError("La démonstration reste fictive : créez votre espace de travail pour y modifier "
                              "les prix (--db ma-base.duckdb).")
            batch = prices.replace_prices(cur, new, comment=f"Prix de l'énergie remplacés par « {args.remplacer.name} »")
        print(f"Tableau des prix remplacé ({len(new)} lignes, import n° {batch} ; `undo {batch}` pour revenir au "
              "précédent).")
        return 0
    with workspace.open_cursor(args.db) as cur:
        table = prices.read_prices(cur)
    for p in table:
        if args.json:
            print(json.dumps({**asdict(p), "valid_from": _iso(p.valid_from)}, ensure_ascii=False))
        else:
            print(f"{p.text} — {p.source or 'source non indiquée'}")
    if not table and not args.json:
        print("Tableau des prix vide : les factures ne peuvent pas être estimées.")
    return 0
