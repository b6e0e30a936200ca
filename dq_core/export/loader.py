"""What a quartier's workbook needs (fiche, references' series, text), loaded one quartier after another."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from dq_core.explore.fiche import (
    Fiche,
    Point,
    assemble_fiche,
    linked_quartier,
    metropole_codes,
    observations_by_territory,
)
from dq_core.explore.texts import DossierText, dossier_text
from dq_core.store import db
from dq_core.store.catalogue import domain_labels, load_indicators
from dq_core.store.territories import REFERENCE_KEYS, Quartier, get_quartier

Progress = Callable[[int, int, str], None]      # (done, total, what is being written)
SERIES_KEYS = ("quartier", *REFERENCE_KEYS)


@dataclass
class QuartierExport:
    fiche: Fiche
    reference_series: dict[str, dict[str, list[Point]]]   # reference key -> indicator -> points
    text: DossierText
    workspace_name: str = ""

    @property
    def quartier(self) -> Quartier:
        return self.fiche.quartier

    def series(self, key: str, indicator_id: str) -> list[Point]:
        """The points of the quartier (`key` "quartier") or of one of its references."""
        if key == "quartier":
            if not hasattr(self, "_own"):
                self._own = {ln.indicator.id: ln.series for ln in self.fiche.lines()}
            return self._own.get(indicator_id, [])
        return self.reference_series.get(key, {}).get(indicator_id, [])


class FicheLoader:
    """Loads quartiers one after the other for export, reading the catalogue once and keeping
    the observations of the most recently used reference territories (a batch of quartiers shares
    its département, région, France…): one query per quartier for its own figures."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, cache_size: int = 256):
        self.cur = cur
        self.indicators = load_indicators(cur)
        self.labels = domain_labels(cur)
        self.demo = db.is_demo(cur)
        self.workspace_name = db.get_meta(cur, "workspace_name") or "Ma base"
        self.cache_size = cache_size
        self._references: OrderedDict[str, dict[str, list[Point]]] = OrderedDict()

    def load(self, code: str) -> QuartierExport:
        quartier = get_quartier(self.cur, code)
        ref_codes = [t.code for t in quartier.references.values()] + metropole_codes(quartier)
        missing = [c for c in dict.fromkeys(ref_codes) if c not in self._references]
        # A 2024 quartier's own series continue its 2015 predecessors' (read apart with them).
        linked = linked_quartier(self.cur, quartier.code, self.indicators)
        fetched = observations_by_territory(self.cur, [*([] if linked else [quartier.code]), *missing])
        for c in missing:
            self._references[c] = fetched[c]
        observations = {quartier.code: linked.series if linked else fetched[quartier.code]}
        for c in ref_codes:
            self._references.move_to_end(c)
            observations[c] = self._references[c]
        while len(self._references) > self.cache_size:
            self._references.popitem(last=False)
        fiche = assemble_fiche(quartier, self.indicators, self.labels, observations, self.demo,
                               *((linked.links, linked.lineage) if linked else ()))
        series = {key: observations[t.code] for key, t in quartier.references.items()}
        if metropole_codes(quartier):
            # France's figures, else France métropolitaine's (named so in the sheets' notes).
            series["france"] = {**observations[metropole_codes(quartier)[0]], **series["france"]}
        return QuartierExport(fiche, series, dossier_text(fiche), self.workspace_name)


def load_export(cur: duckdb.DuckDBPyConnection, code: str) -> QuartierExport:
    return FicheLoader(cur).load(code)

