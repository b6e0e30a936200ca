"""Territories: the quartiers of a workspace, their reference territories, and selections of quartiers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from dq_core.errors import DQError

# The six references a quartier is compared with, in display order, with their French labels.
REFERENCE_KEYS = ("commune", "epci", "departement", "region", "france", "quartiers")
REFERENCE_LABELS = {
    "commune": "Commune",
    "epci": "Agglomération (EPCI)",
    "departement": "Département",
    "region": "Région",
    "france": "France",
    "quartiers": "Ensemble des quartiers",
}
VINTAGE_LABELS = {2015: "géographie prioritaire 2015", 2024: "géographie prioritaire 2024"}


@dataclass(frozen=True)
class Territory:
    code: str
    level: str
    name: str
    vintage: int | None = None


@dataclass(frozen=True)
class Quartier:
    code: str
    name: str
    vintage: int | None
    communes: tuple[Territory, ...]           # main commune first
    references: dict[str, Territory] = field(default_factory=dict, compare=False, hash=False)

    @property
    def commune_names(self) -> str:
        return ", ".join(c.name for c in self.communes)

    @property
    def label(self) -> str:
        """What a person types and reads in a chooser: name, commune(s), code."""
        return f"{self.name} — {self.commune_names} ({self.code})"


_QUARTIERS_SQL = """
SELECT q.code, q.name, q.vintage,
       list(c.code ORDER BY l.rank) AS commune_codes,
       list(c.name ORDER BY l.rank) AS commune_names
FROM territory q
LEFT JOIN territory_link l ON l.child = q.code
LEFT JOIN territory c ON c.code = l.parent AND c.level = 'commune'
WHERE q.level = 'quartier'
GROUP BY ALL
ORDER BY commune_names[1], q.name, q.code
"""


def list_quartiers(cur: duckdb.DuckDBPyConnection) -> list[Quartier]:
    """Every quartier with its commune(s), sorted by commune then name (references not resolved)."""
    quartiers = []
    for code, name, vintage, commune_codes, commune_names in cur.execute(_QUARTIERS_SQL).fetchall():
        communes = tuple(Territory(c, "commune", n) for c, n in zip(commune_codes, commune_names, strict=True)
                         if c is not None)
        quartiers.append(Quartier(code, name, vintage, communes))
    return quartiers


# One query for any number of quartiers: each quartier, its nearest ancestor of every level through rank-1
# links (walking up at most six steps), its communes by rank, and the ensembles of the quartiers.
_QUARTIERS_WITH_REFERENCES_SQL = """
WITH RECURSIVE chosen AS (
    SELECT code, name, vintage FROM territory
    WHERE level = 'quartier' AND ($codes::VARCHAR[] IS NULL OR code = ANY($codes::VARCHAR[]))
),
ancestor(quartier, code, depth) AS (
    SELECT code, code, 0 FROM chosen
    UNION ALL
    SELECT a.quartier, l.parent, a.depth + 1
    FROM territory_link l JOIN ancestor a ON l.child = a.code
    WHERE l.rank = 1 AND a.depth < 6
),
nearest AS (
    SELECT a.quartier, t.code, t.level, t.name, t.vintage, a.depth
    FROM ancestor a JOIN territory t ON t.code = a.code
    WHERE t.code <> a.quartier
    QUALIFY row_number() OVER (PARTITION BY a.quartier, t.level ORDER BY a.depth, t.code) = 1
)
SELECT 0 AS part, code AS quartier, code, 'quartier' AS level, name, vintage, 0 AS rank FROM chosen
UNION ALL
SELECT 1, quartier, code, level, name, vintage, depth FROM nearest
UNION ALL
SELECT 2, l.child, t.code, t.level, t.name, NULL, l.rank
FROM territory_link l JOIN chosen c ON c.code = l.child JOIN territory t ON t.code = l.parent AND t.level = 'commune'
UNION ALL
SELECT 3, NULL, code, level, name, vintage, 0 FROM territory WHERE level = 'ensemble'
ORDER BY part, quartier, rank, code
"""


def quartiers_with_references(cur: duckdb.DuckDBPyConnection, codes: Sequence[str] | None = None
                              ) -> dict[str, Quartier]:
    """Code → quartier with its communes and its six reference territories (where they exist), for the
    given quartier codes (upper-cased; unknown ones left out) or, without codes, every quartier.

    The nearest ancestor of each level wins; the ensemble is an ancestor of that level, else the
    ensemble of the quartier's geography vintage, else the first ensemble by code."""
    wanted = None if codes is None else [c.strip().upper() for c in codes]
    rows = cur.execute(_QUARTIERS_WITH_REFERENCES_SQL, {"codes": wanted}).fetchall()
    found: dict[str, tuple[str, int | None]] = {}
    by_level: dict[str, dict[str, Territory]] = {}
    communes: dict[str, list[Territory]] = {}
    ensembles: list[Territory] = []
    for part, quartier, code, level, name, vintage, _rank in rows:
        if part == 0:
            found[code] = (name, vintage)
            by_level[code] = {}
            communes[code] = []
        elif part == 1:
            by_level[quartier][level] = Territory(code, level, name, vintage)
        elif part == 2:
            communes[quartier].append(Territory(code, "commune", name))
        else:
            ensembles.append(Territory(code, level, name, vintage))
    result = {}
    for code, (name, vintage) in found.items():
        levels = by_level[code]
        if "ensemble" not in levels and ensembles:
            levels["ensemble"] = next((e for e in ensembles if e.vintage == vintage), ensembles[0])
        refs = {key: levels[level] for key, level in _REFERENCE_LEVELS.items() if level in levels}
        result[code] = Quartier(code, name, vintage, tuple(communes[code]), refs)
    return result


def get_quartier(cur: duckdb.DuckDBPyConnection, code: str) -> Quartier:
    """A quartier with its communes and its six reference territories (where they exist)."""
    code = code.strip().upper()
    quartier = quartiers_with_references(cur, [code]).get(code)
    if quartier is None:
        raise unknown_quartier(code)
    return quartier


def unknown_quartier(code: str) -> DQError:
    return DQError(f"Quartier inconnu : « {code} ». Tapez `python -m dq_core quartiers` pour la "
                   "liste des codes, ou choisissez le quartier dans l'application.")


_REFERENCE_LEVELS = {"commune": "commune", "epci": "epci", "departement": "departement",
                     "region": "region", "france": "france", "quartiers": "ensemble"}


# Choosing quartiers for an export: a commune, an EPCI, a département, or all of them.

_LEVEL_NAMES = {"commune": "Commune", "epci": "EPCI", "departement": "Département"}

_MEMBERS_SQL = """
WITH RECURSIVE ancestor(quartier, code, depth) AS (
    SELECT code, code, 0 FROM territory WHERE level = 'quartier'
    UNION ALL
    SELECT a.quartier, l.parent, a.depth + 1
    FROM territory_link l JOIN ancestor a ON l.child = a.code
    WHERE a.depth < 6
)
SELECT DISTINCT a.quartier FROM ancestor a WHERE a.code = ?
"""


def select_quartiers(cur: duckdb.DuckDBPyConnection, codes: Sequence[str] = (), *,
                     all_quartiers: bool = False, commune: str | None = None, epci: str | None = None,
                     departement: str | None = None) -> list[str]:
    """The quartier codes of one selection, in the order of the quartier list (commune, name).

    A quartier on several communes belongs to each of them. Raises DQError (French) for an empty or
    ambiguous selection, an unknown code, or a territory without quartier.
    """
    chosen = [name for name, given in (("codes", bool(codes)), ("all", all_quartiers),
                                       ("commune", commune), ("epci", epci),
                                       ("departement", departement)) if given]
    if not chosen:
        raise DQError("Indiquez les quartiers à exporter : un ou plusieurs codes, ou --all, "
                      "--commune CODE, --epci CODE, --departement CODE.")
    if len(chosen) > 1:
        raise DQError("Choisissez une seule sélection : des codes de quartier, ou --all, ou "
                      "--commune, ou --epci, ou --departement.")
    ordered = [q.code for q in list_quartiers(cur)]
    if all_quartiers:
        if not ordered:
            raise DQError("Cette base ne contient aucun quartier.")
        return ordered
    if codes:
        return _known_codes(codes, ordered)
    level, code = next((lvl, c) for lvl, c in (("commune", commune), ("epci", epci),
                                               ("departement", departement)) if c)
    return _quartiers_in(cur, level, code.strip().upper(), ordered)


def _known_codes(codes: Sequence[str], ordered: list[str]) -> list[str]:
    """The given quartier codes, upper-cased and without repeats, all known to the workspace."""
    wanted = [c.strip().upper() for c in codes]
    unknown = [c for c in wanted if c not in set(ordered)]
    if unknown:
        raise DQError(f"Quartier{'s' if len(unknown) > 1 else ''} inconnu{'s' if len(unknown) > 1 else ''}"
                      f" : {', '.join('« ' + c + ' »' for c in unknown)}. Tapez `python -m dq_core "
                      "quartiers` pour la liste des codes.")
    return list(dict.fromkeys(wanted))


def _quartiers_in(cur: duckdb.DuckDBPyConnection, level: str, code: str, ordered: list[str]) -> list[str]:
    """The quartiers of a commune, an EPCI or a département, in the order of `ordered`."""
    row = cur.execute("SELECT name FROM territory WHERE upper(code) = ? AND level = ?",
                      [code, level]).fetchone()
    if row is None:
        hint = {"commune": "le code Insee de la commune (5 caractères)",
                "epci": "le numéro SIREN de l'EPCI (9 chiffres)",
                "departement": "le numéro du département"}[level]
        raise DQError(f"{_LEVEL_NAMES[level]} {'inconnue' if level == 'commune' else 'inconnu'} : "
                      f"« {code} ». Vérifiez {hint}.")
    real = cur.execute("SELECT code FROM territory WHERE upper(code) = ? AND level = ?",
                       [code, level]).fetchone()[0]
    members = {r[0] for r in cur.execute(_MEMBERS_SQL, [real]).fetchall()}
    result = [c for c in ordered if c in members]
    if not result:
        raise DQError(f"Aucun quartier prioritaire dans {row[0]} ({real}).")
    return result


def selection_label(cur: duckdb.DuckDBPyConnection, codes: Sequence[str] = (), *,
                    all_quartiers: bool = False, commune: str | None = None, epci: str | None = None,
                    departement: str | None = None) -> str:
    """Words for a selection, for titles and file names: `Villeneuve (X0101)`, `tous les quartiers`."""
    if all_quartiers:
        return "tous les quartiers"
    code = commune or epci or departement
    if code:
        row = cur.execute("SELECT name, code FROM territory WHERE upper(code) = ?",
                          [code.strip().upper()]).fetchone()
        return f"{row[0]} ({row[1]})" if row else code
    return f"{len(codes)} quartiers" if len(codes) != 1 else codes[0]
