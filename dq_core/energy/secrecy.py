"""Secret statistique of residences: none of fewer than SECRET_MIN dwellings is ever shown alone.

Within a quartier, small residences are merged into « Autres résidences »; when that group is itself too
small, the next smallest residences join it until it is not (secondary suppression: a group cannot be
undone by subtracting the residences shown from the quartier). If what remains of the quartier once its
shown residences and the group are taken away (dwellings outside any residence) is a small non-zero
number, the group is masked `s` as well, so that the subtraction gives only a sum of at least SECRET_MIN.
The decision is taken energy by energy (`scope`): on the dwellings, or delivery points, that have that
energy, beside the quartier's own delivery points of that energy.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from dq_core import french

SECRECY_TEXT = (
    "Secret statistique (règle des distributeurs d'énergie) : aucune résidence, ni aucun agrégat, de moins "
    "de {n} logements n'est montré seul ; la règle s'applique énergie par énergie, aux logements (points de "
    "livraison) qui ont cette énergie. Les petites résidences d'un quartier sont regroupées dans « Autres "
    "résidences » ; si ce groupe compte lui-même moins de {n} logements, les plus petites résidences "
    "suivantes le rejoignent, pour qu'aucune soustraction (quartier moins résidences montrées) ne fasse "
    "réapparaître une résidence masquée. Un groupe qui laisserait deviner par différence moins de {n} "
    "logements hors résidences est masqué « s ». Les alertes et la liste de ciblage suivent la même règle.")

AUTRES_LABEL = "Autres résidences"


@dataclass(frozen=True)
class Grouping:
    """The secrecy decision for the residences of one quartier."""
    shown: tuple[Hashable, ...]          # residences shown one by one
    merged: tuple[Hashable, ...]         # residences merged into « Autres résidences »
    merged_dwellings: int
    group_masked: bool                   # the merged group itself is shown « s »
    threshold: int

    @property
    def note(self) -> str | None:
        if not self.merged:
            return None
        count = french.count(len(self.merged), "résidence")
        if self.group_masked:
            return (f"{count} de moins de {self.threshold} logements ou regroupée(s) par secret statistique : "
                    f"groupe masqué « s » (il laisserait deviner un petit nombre de logements par différence).")
        return (f"{AUTRES_LABEL} : {count}, {french.count(self.merged_dwellings, 'logement')}, regroupée(s) "
                f"par secret statistique (moins de {self.threshold} logements chacune, ou pour protéger "
                "une plus petite).")


def group_residences(dwellings: Mapping[Hashable, int], threshold: int,
                     quartier_dwellings: float | None = None) -> Grouping:
    """Decide which residences of a quartier are shown, merged or masked.

    `dwellings` maps each residence to its number of dwellings; `quartier_dwellings` is the quartier's own
    count (its delivery points), when the quartier's figure is shown beside its residences.
    """
    order = sorted(dwellings, key=lambda r: (dwellings[r], str(r)))
    outside = None if quartier_dwellings is None else quartier_dwellings - sum(dwellings.values())
    outside_small = outside is not None and 0 < outside < threshold
    merged_count = sum(1 for r in order if dwellings[r] < threshold)
    if outside_small and merged_count == 0 and order:
        merged_count = 1             # the quartier minus its residences would show a few other dwellings
    total = sum(dwellings[r] for r in order[:merged_count])
    while 0 < total < threshold and merged_count < len(order):
        total += dwellings[order[merged_count]]
        merged_count += 1
    merged = tuple(order[:merged_count])
    masked = bool(merged) and (total < threshold or outside_small)
    merged_set = set(merged)
    shown = tuple(r for r in sorted(dwellings, key=str) if r not in merged_set)
    return Grouping(shown, merged, int(total), masked, threshold)
