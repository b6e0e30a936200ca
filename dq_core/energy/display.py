"""What the page « Énergie » and its Excel export show, as French tables: the quartier's headline figures,
its residences, the alerts, the price scenario, the targeting list and the price table.

Cells are numbers (kWh, €, percentages as 0–100), "s" for a secret cell and None when there is no value;
the page formats them the French way, the export writes them as numbers. Nothing here decides secrecy:
`quartier_energy`, `portfolio` and `targeting` have already applied it; these tables only lay it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dq_core import fmt, french
from dq_core.energy import bills, settings
from dq_core.energy.alerts import Alert
from dq_core.energy.burden import Burden
from dq_core.energy.prices import Price
from dq_core.energy.scenario import Scenario, ScenarioLine
from dq_core.energy.targeting import Target
from dq_core.energy.view import EnergySeries, QuartierEnergy

SECRET = fmt.SECRET_MARK
SCOPE_LABELS = {"residence": "Résidence", "quartier": "Quartier", "autres": "Autres résidences"}


def energy_label(energy: str) -> str:
    """« Électricité », « Gaz », « Chaleur (réseau ou chaufferie) »."""
    label = settings.ENERGY_LABELS.get(energy, energy)
    return label[:1].upper() + label[1:]


def month_label(month: date | None) -> str:
    return "–" if month is None else fmt.period(month.strftime("%Y-%m"))


# --- headline figures ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    """One figure at the top of the page: label, value, change (signed text) and where it comes from."""
    label: str
    value: str
    delta: str | None
    help: str


@dataclass(frozen=True)
class YearFigures:
    """A series' last 12 months: measured and climate-corrected kWh per dwelling, and the corrected change."""
    kwh: float | None
    corrected: float | None
    change_pct: float | None
    last_month: date | None
    last_value: float | None                # measured kWh per dwelling of the last month
    last_year_value: float | None           # the same month a year before


def year_figures(series: EnergySeries) -> YearFigures:
    points = [p for p in series.points if not p.is_secret]
    raw, last = bills.yearly_kwh((p.month, p.raw if p.is_complete else None) for p in points)
    corrected, _ = bills.yearly_kwh((p.month, p.corrected) for p in points)
    change = None
    if corrected is not None and last is not None:
        before_end = date(last.year - 1, last.month, 1)
        before, _ = bills.yearly_kwh((p.month, p.corrected) for p in points if p.month <= before_end)
        change = 100 * (corrected / before - 1) if before else None
    by_month = {p.month: p.raw for p in points}
    last_value = by_month.get(last) if last else None
    last_year = by_month.get(date(last.year - 1, last.month, 1)) if last else None
    return YearFigures(raw, corrected, change, last, last_value, last_year)


def headlines(view: QuartierEnergy) -> list[Headline]:
    """The quartier's consumption per dwelling (12 months, measured and corrected), its last month against
    the same month a year before, its estimated yearly bill and its thermosensitivity."""
    quartier = next(iter(view.series_of("quartier")), None)
    if quartier is None or quartier.is_masked:
        return []
    fig = year_figures(quartier)
    where = f"{view.name}, {settings.ENERGY_LABELS.get(view.energy, view.energy)}"
    span = _span(fig.last_month)
    out = [Headline("12 derniers mois", _kwh(fig.kwh), None,
                    f"{where} : kWh mesurés par logement (point de livraison), {span}.")]
    if view.zone is not None:
        out.append(Headline("Corrigée du climat", _kwh(fig.corrected),
                            None if fig.change_pct is None else f"{fmt.number(fig.change_pct, 1, sign=True)} % en un an",
                            f"Ramenée aux degrés-jours de l'{view.reference_label} ({view.zone_name}) ; évolution : "
                            "12 derniers mois corrigés contre les 12 précédents."))
    if fig.last_value is not None:
        delta = None
        if fig.last_year_value:
            delta = f"{fmt.number((fig.last_value / fig.last_year_value - 1) * 100, 0, sign=True)} % sur un an"
        out.append(Headline(french.capitalised(month_label(fig.last_month)), _kwh(fig.last_value), delta,
                            "kWh mesurés par logement, comparés au même mois de l'année précédente (sans "
                            "correction du climat)."))
    b = view.burden
    if b is not None and b.bill is not None:
        out.append(Headline("Facture par an (estimée)", f"{fmt.number(b.bill, 0)}\u00a0€",
                            None, f"Par logement, toutes énergies, {b.period or 'sur 12 mois'} × prix du "
                            "tableau des prix (estimation)."))
    thermo = quartier.thermo
    if thermo is not None and thermo.applied:
        out.append(Headline("kWh par degré-jour", fmt.number(thermo.per_dju, 2), None,
                            thermo.method))
    return out


def _kwh(value: float | None) -> str:
    return "–" if value is None else f"{fmt.number(value, 0)}\u00a0kWh"


def _span(last: date | None) -> str:
    if last is None:
        return "pas 12 mois complets"
    first = date(last.year - 1 + (last.month == 12), last.month % 12 + 1, 1)
    return f"de {month_label(first)} à {month_label(last)}"


def data_years(view: QuartierEnergy) -> list[str]:
    """The periods behind the quartier's figures, for a workbook's sources: consumption months, incomes'
    year, degree days and their reference."""
    months = sorted({p.month for s in view.series for p in s.points if p.raw is not None})
    out = []
    if months:
        out.append(f"Consommations mensuelles : de {month_label(months[0])} à {month_label(months[-1])}")
    if view.burden is not None and view.burden.income is not None:
        out.append(f"Revenus : {view.burden.income.source}")
    if view.zone is not None:
        out.append(f"Correction climatique : degrés-jours de la zone « {view.zone_name or view.zone} », "
                   f"{view.reference_label}")
    return out


# --- the quartier's residences --------------------------------------------------------------------

RESIDENCE_DECIMALS = {"Logements": 0, "kWh par logement, 12 mois": 0, "Corrigés du climat": 0,
                      "Évolution corrigée sur un an (%)": 1, "kWh par degré-jour": 2, "Facture estimée (€ par logement et par an)": 0,
                      "Taux d'effort du ménage médian (%)": 1, f"Ménages au-dessus de {round(settings.EFFORT_TEE_3D * 100)} % (%)": 0}
EFFORT_COLUMN = f"Ménages au-dessus de {round(settings.EFFORT_TEE_3D * 100)} % (%)"


def residence_table(view: QuartierEnergy) -> pd.DataFrame:
    """One row per residence shown, then « Autres résidences » (merged, or « s » when masked)."""
    alerted = {a.code for a in view.alerts if a.scope == "residence" and a.energy == view.energy}
    rows = []
    for r in view.residences:
        rows.append({"Résidence": r.name, "Bailleur": r.landlord or "", "Logements": r.dwellings,
                     "Chauffage": settings.HEATING_LABELS.get(r.heating or "", r.heating or ""),
                     "DPE": r.dpe or "", "kWh par logement, 12 mois": r.kwh_year,
                     "Corrigés du climat": r.kwh_year_corrected,
                     "Évolution corrigée sur un an (%)": r.change_corrected_pct,
                     "kWh par degré-jour": r.thermo.per_dju if r.thermo is not None and r.thermo.applied else None,
                     **_burden_cells(r.burden), "Alerte": "oui" if r.code in alerted else ""})
    for s in view.series_of("autres"):
        fig = year_figures(s)
        masked = s.is_masked
        rows.append({"Résidence": s.label, "Bailleur": "", "Logements": SECRET if masked else s.dwellings,
                     "Chauffage": "", "DPE": "",
                     "kWh par logement, 12 mois": SECRET if masked else fig.kwh,
                     "Corrigés du climat": SECRET if masked else fig.corrected,
                     "Évolution corrigée sur un an (%)": SECRET if masked else fig.change_pct,
                     "kWh par degré-jour": SECRET if masked else (s.thermo.per_dju if s.thermo and s.thermo.applied else None),
                     "Facture estimée (€ par logement et par an)": SECRET if masked else None,
                     "Taux d'effort du ménage médian (%)": SECRET if masked else None, EFFORT_COLUMN: SECRET if masked else None,
                     "Alerte": ""})
    return pd.DataFrame(rows, columns=["Résidence", "Bailleur", "Logements", "Chauffage", "DPE",
                                       *list(RESIDENCE_DECIMALS)[1:], "Alerte"])


def _burden_cells(b: Burden | None) -> dict:
    above = b.above.get(settings.EFFORT_TEE_3D) if b is not None else None
    return {"Facture estimée (€ par logement et par an)": None if b is None else b.bill,
            "Taux d'effort du ménage médian (%)": None if b is None or b.effort_median is None else 100 * b.effort_median,
            EFFORT_COLUMN: None if above is None else 100 * above.central}


# --- alerts ---------------------------------------------------------------------------------------

ALERT_DECIMALS = {"Corrigée du climat (kWh par logement)": 0, "Normale du mois (kWh par logement)": 0,
                  "Écart à la normale (%)": 0, "Écart robuste z": 1, "Mesurée (kWh par logement)": 0,
                  "Mesurée un an plus tôt (kWh par logement)": 0}


def alert_table(alerts: Iterable[Alert], quartier_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The alerts month by month, as listed (newest first): the figures each reason is made of."""
    names = quartier_names or {}
    rows = [{"Nom": a.name, "Mois": month_label(a.month), "Portée": SCOPE_LABELS.get(a.scope, a.scope),
             "Énergie": energy_label(a.energy), "Corrigée du climat (kWh par logement)": a.value,
             "Normale du mois (kWh par logement)": a.expected, "Écart à la normale (%)": a.change_pct,
             "Écart robuste z": a.score, "Mesurée (kWh par logement)": a.raw,
             "Mesurée un an plus tôt (kWh par logement)": a.last_year, "Bailleur": a.landlord or "",
             "Quartier": names.get(a.quartier or "", a.quartier or "")} for a in alerts]
    return pd.DataFrame(rows, columns=["Nom", "Mois", "Portée", "Énergie", *ALERT_DECIMALS, "Bailleur", "Quartier"])


@dataclass(frozen=True)
class AlertRun:
    """The alerts of one series (a residence or quartier, an energy): its latest, and how long it lasts."""
    latest: Alert
    months: int                                 # months in alert listed
    first: date

    @property
    def text(self) -> str:
        if self.months == 1:
            return self.latest.reason
        return (f"{self.latest.reason} En alerte {self.months} mois depuis {month_label(self.first)} "
                f"(liste complète dans le classeur).")


def alert_runs(alerts: Iterable[Alert]) -> list[AlertRun]:
    """One entry per series in alert, the most recent first (then the strongest): a persisting anomaly
    reads once, with its duration, instead of once a month."""
    runs: dict[tuple[str, str, str], list[Alert]] = {}
    for a in alerts:
        runs.setdefault((a.scope, a.code, a.energy), []).append(a)
    out = [AlertRun(max(found, key=lambda a: a.month), len(found), min(a.month for a in found))
           for found in runs.values()]
    return sorted(out, key=lambda r: (r.latest.month, abs(r.latest.score)), reverse=True)


# --- prices ---------------------------------------------------------------------------------------

PRICE_COLUMNS = {"energy": "Énergie", "valid_from": "À partir du", "eur_per_kwh": "Prix du kWh (€ TTC)",
                 "eur_per_year": "Abonnement (€ TTC par an)", "label": "Tarif", "source": "Source"}


def price_frame(table: Sequence[Price]) -> pd.DataFrame:
    """The price table for the editor (energy codes kept: the editor offers them as a list)."""
    frame = pd.DataFrame([{"energy": p.energy, "valid_from": p.valid_from, "eur_per_kwh": p.eur_per_kwh,
                           "eur_per_year": p.eur_per_year, "label": p.label or "", "source": p.source or ""}
                          for p in table], columns=list(PRICE_COLUMNS))
    frame["valid_from"] = pd.to_datetime(frame["valid_from"])
    return frame


def prices_from_frame(frame: pd.DataFrame) -> list[Price]:
    """The edited table back as prices (empty rows dropped); `prices.check_prices` says what is wrong."""
    out = []
    for row in frame.to_dict("records"):
        values = [row.get(c) for c in PRICE_COLUMNS]
        if all(v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" for v in values):
            continue
        day = row.get("valid_from")
        day = None if day is None or pd.isna(day) else pd.Timestamp(day).date()
        out.append(Price(row.get("energy") or "", day, _number(row.get("eur_per_kwh")),
                         _number(row.get("eur_per_year")), _text(row.get("label")), _text(row.get("source"))))
    return out


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value).strip() or None


# --- targeting list ---------------------------------------------------------------------------------

TARGETING_DECIMALS = {"Rang": 0, "Logements": 0, "Score (sur 100)": 0, EFFORT_COLUMN: 0,
                      "Facture estimée (€ par logement et par an)": 0, "Évolution corrigée sur un an (%)": 1}
TARGETING_NOTES = ("Ménages au-dessus de 8 % : part estimée, jamais un compte de ménages identifiés.",
                   "Rang parmi toutes les résidences de l'espace de travail.")


def targeting_table(targets: Iterable[Target]) -> pd.DataFrame:
    """The targeting list as ranked (rank among every residence of the workspace), with the reasons of each
    score next to it: printed, the first page holds residence, rank, score and reasons."""
    rows = [{"Résidence": t.name, "Rang": t.rank, "Score (sur 100)": t.score, "Raisons": reasons_text(t.reasons),
             "Bailleur": t.landlord or "", "Quartier": t.quartier_name or t.quartier or "", "Logements": t.dwellings,
             "Chauffage": settings.HEATING_LABELS.get(t.heating or "", t.heating or ""), "DPE": t.dpe or "",
             EFFORT_COLUMN: None if t.share_above is None else 100 * t.share_above,
             "Facture estimée (€ par logement et par an)": t.bill,
             "Évolution corrigée sur un an (%)": t.change_pct,
             "Données jusqu'à": fmt.period(t.last_month) if t.last_month else ""} for t in targets]
    return pd.DataFrame(rows, columns=["Résidence", "Rang", "Score (sur 100)", "Raisons", "Bailleur", "Quartier",
                                       "Logements", "Chauffage", "DPE", EFFORT_COLUMN,
                                       "Facture estimée (€ par logement et par an)", "Évolution corrigée sur un an (%)",
                                       "Données jusqu'à"])


def reasons_text(reasons: Sequence[str]) -> str:
    """A target's reasons as one French sentence (or why it scores nothing)."""
    if not reasons:
        return "Aucun point : pas de facture estimée, pas de hausse, pas de DPE E, F ou G."
    text = " ; ".join(reasons)
    return text[:1].upper() + text[1:] + "."


# --- price scenario ---------------------------------------------------------------------------------

def _pct(threshold: float) -> str:
    return f"{round(threshold * 100)} %"


SCENARIO_DECIMALS = {"Logements": 0, "Facture actuelle (€ par an)": 0, "Facture après la hausse (€ par an)": 0,
                     "Hausse (€ par an)": 0,
                     **{f"Logements franchissant {_pct(t)}{suffix}": 0
                        for t in settings.EFFORT_THRESHOLDS for suffix in ("", " (bas)", " (haut)")}}
SCENARIO_NOTES = ("Logements franchissant un seuil de taux d'effort : estimation (bas – haut), jamais une liste.",
                  "Factures par logement et par an, toutes énergies, toutes taxes comprises.")


def scenario_table(lines: Iterable[ScenarioLine]) -> pd.DataFrame:
    """One row per residence (or group) and quartier of the scenario, most crossings first."""
    rows = []
    for line in lines:
        row = {"Portée": SCOPE_LABELS.get(line.scope, line.scope), "Nom": line.name,
               "Quartier": line.quartier_name or line.quartier or "", "Bailleur": line.landlord or "",
               "Logements": line.dwellings, "Facture actuelle (€ par an)": line.bill_before,
               "Facture après la hausse (€ par an)": line.bill_after,
               "Hausse (€ par an)": line.bill_after - line.bill_before,
               "Revenus (Filosofi)": line.income_year or ""}
        for t in settings.EFFORT_THRESHOLDS:
            est = line.crossing.get(t)
            row[f"Logements franchissant {_pct(t)}"] = None if est is None else est.central
            row[f"Logements franchissant {_pct(t)} (bas)"] = None if est is None else est.low
            row[f"Logements franchissant {_pct(t)} (haut)"] = None if est is None else est.high
        rows.append(row)
    return pd.DataFrame(rows, columns=["Portée", "Nom", "Quartier", "Bailleur", *SCENARIO_DECIMALS,
                                       "Revenus (Filosofi)"])


def _rise_words(rise_pct: float) -> str:
    if rise_pct > 0:
        return f"Avec une hausse des prix de {fmt.number(rise_pct, 0)} %"
    if rise_pct < 0:
        return f"Avec une baisse des prix de {fmt.number(-rise_pct, 0)} %"
    return "Aux prix actuels"


def scenario_summary(scenario: Scenario, lines: Sequence[ScenarioLine], where: str) -> list[str]:
    """French sentences: how many dwellings `where` (« des résidences suivies du Haut-Pont ») would cross
    each threshold with the scenario's rise, and how much the average bill would grow."""
    if not lines:
        return [f"Pas d'estimation {where} : il faut 12 mois de consommation, un prix et le revenu médian "
                "du quartier (Filosofi)."]
    residences = [line for line in lines if line.scope != "quartier"]
    counted = residences or list(lines)
    out = []
    rise = _rise_words(scenario.rise_pct)
    for t in settings.EFFORT_THRESHOLDS:
        central = sum(line.crossing[t].central for line in counted)
        low = sum(line.crossing[t].low for line in counted)
        high = sum(line.crossing[t].high for line in counted)
        out.append(f"{rise}, environ {fmt.number(central, 0)} logements (entre {fmt.number(low, 0)} et "
                   f"{fmt.number(high, 0)}) {where} passeraient au-dessus de {_pct(t)} de taux d'effort "
                   "énergétique.")
    weight = sum(line.dwellings for line in counted)
    if weight:
        before = sum(line.bill_before * line.dwellings for line in counted) / weight
        after = sum(line.bill_after * line.dwellings for line in counted) / weight
        out.append(f"La facture moyenne par logement {where} passerait de {fmt.number(before, 0)} € à "
                   f"{fmt.number(after, 0)} € par an ({fmt.number(after - before, 0, sign=True)} €).")
    return out
