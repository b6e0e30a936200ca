"""Observation rows: one per published cell, with provisional, estimated and break flags."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dq_core.demo.scale import (
    BREAKS,
    COVERAGE,
    ESTIMATED,
    MONTHS,
    NOTE_PERIMETER,
    PROVISIONAL,
    PROVISIONAL_MONTHS,
    YEARS,
)
from dq_core.demo.series import Series
from dq_core.demo.structure import Structure
from dq_core.store import catalogue
from dq_core.store.catalogue import DEMO_CATALOGUE, Indicator


def _round_value(ind: Indicator, value: np.ndarray) -> np.ndarray:
    if ind.kind == "count" or ind.id == "revenu_median_uc":
        return value
    return np.round(value, 1 if ind.kind == "rate" else max(ind.decimals, 1))


def observation_frame(series: list[Series], st: Structure) -> tuple[pd.DataFrame, list[str]]:
    """One row per published cell with integer keys (the writer joins the codes back), and the notes."""
    notes: dict[str, int] = {}
    ind_index = {ind.id: k for k, ind in enumerate(DEMO_CATALOGUE)}
    parts = []
    for s in series:
        ind = s.ind
        t_idx, p_idx = np.nonzero(s.present)
        secret = s.secret[t_idx, p_idx]
        brk, note = _breaks(s, st, t_idx, p_idx, notes)
        value = np.where(secret, np.nan, _round_value(ind, s.value[t_idx, p_idx]))
        blank = np.full(len(p_idx), np.nan)
        num = np.where(secret, np.nan, s.num[t_idx, p_idx]) if ind.kind in catalogue.RATIO_KINDS else blank
        den = np.where(secret, np.nan, s.den[t_idx, p_idx]) if s.den is not None else blank
        parts.append(pd.DataFrame({
            "t": t_idx.astype(np.int32), "i": np.full(len(p_idx), ind_index[ind.id], dtype=np.int16),
            "p": s.periods[p_idx].astype(np.int16), "value": value, "numerator": num, "denominator": den,
            "is_secret": secret, "is_provisional": _provisional(s, p_idx),
            "is_estimated": np.full(len(p_idx), ind.id in ESTIMATED), "is_break": brk, "note_id": note}))
    return pd.concat(parts, ignore_index=True), list(notes)


def _provisional(s: Series, p_idx: np.ndarray) -> np.ndarray:
    if s.ind.periodicity == "monthly":
        return p_idx >= len(MONTHS) - PROVISIONAL_MONTHS
    return np.isin(s.years[p_idx], list(PROVISIONAL.get(s.ind.id, ())))


def _breaks(s: Series, st: Structure, t_idx: np.ndarray, p_idx: np.ndarray,
            notes: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(is_break, note id) of each row: the source's own breaks, then the quartiers' new perimeters."""
    year = s.years[p_idx]
    brk = np.zeros(len(p_idx), dtype=bool)
    note = np.full(len(p_idx), -1, dtype=np.int16)
    general_year, general = BREAKS.get(s.ind.id, (0, ""))
    if general:
        brk |= year == general_year
        note[year == general_year] = notes.setdefault(general, len(notes))
    opens_year = np.ones(len(p_idx), dtype=bool)
    if s.ind.periodicity == "monthly":
        opens_year = np.array([m == 1 for _, m in MONTHS])[p_idx]
    first_year = COVERAGE.get(s.ind.id, MONTHS[0])[0]
    for q in np.flatnonzero(st.break_year > 0):
        y = int(st.break_year[q])
        hit = (t_idx == q) & (year == y) & opens_year
        if y > first_year and hit.any():
            text = NOTE_PERIMETER.format(year=y)
            text = f"{general} {text}" if y == general_year else text
            note[hit] = notes.setdefault(text, len(notes))
            brk |= hit
    return brk, note


def period_frame() -> pd.DataFrame:
    periods = [str(y) for y in YEARS] + [f"{y}-{m:02d}" for y, m in MONTHS]
    starts = [date(int(y), 1, 1) for y in YEARS] + [date(y, m, 1) for y, m in MONTHS]
    return pd.DataFrame({"p": np.arange(len(periods), dtype=np.int16), "period": periods,
                         "period_start": starts})
