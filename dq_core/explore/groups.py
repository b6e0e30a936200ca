"""Groups of quartiers built by a user (a contrat de ville, a hand-picked set), kept in the workspace.

A group is a `territory` of level `groupe`. Its members are recorded in `territory_link` with the
group as `child` and each member quartier as `parent` (rank = order of the members): a quartier's own
ancestry (its communes, EPCI, département…) is read by following `child = quartier`, so groups never
appear in it. Group figures are never stored: they are computed from the members' observations with
`dq_core.explore.aggregate.aggregate` (counts add up, rates are recomputed from numerators and denominators,
medians and indices are "non agrégeable"); a group with a secret member is secret for that cell.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import duckdb

from dq_core import french
from dq_core.errors import DQError
from dq_core.explore.aggregate import Aggregate, Member, aggregate
from dq_core.explore.compare import Places
from dq_core.store import db
from dq_core.store.catalogue import Indicator

GROUP_LEVEL = "groupe"
GROUP_PREFIX = "GRP"
MAX_NAME_LENGTH = 80
MIN_MEMBERS = 2


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    members: tuple[str, ...]           # quartier codes, in the order the user gave them
    member_names: tuple[str, ...]
    vintage: int | None

    @property
    def label(self) -> str:
        return f"{self.name} (groupe de {len(self.members)} quartiers)"


@dataclass(frozen=True)
class GroupPoint:
    """The group's cell for one indicator and one period."""
    period: str
    period_start: date
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str                        # Aggregate.status: ok, secret, non_agregeable, incomplet
    provisional: bool = False          # a member's value is provisional
    is_break: bool = False             # a member's series breaks at this period
    missing_members: int = 0           # members without a value for this period

    @property
    def secret(self) -> bool:
        return self.status == "secret"

    @property
    def without_counts(self) -> bool:
        """Every member has a value, but a rate cannot be rebuilt: numerators or denominators are
        missing from the data (some official files give rates only)."""
        return self.status == "incomplet" and self.missing_members == 0


_GROUPS_SQL = """
SELECT g.code, g.name, g.vintage,
       list(q.code ORDER BY l.rank) FILTER (WHERE q.code IS NOT NULL),
       list(q.name ORDER BY l.rank) FILTER (WHERE q.code IS NOT NULL)
FROM territory g
LEFT JOIN territory_link l ON l.child = g.code
LEFT JOIN territory q ON q.code = l.parent AND q.level = 'quartier'
WHERE g.level = 'groupe'
GROUP BY ALL
ORDER BY lower(any_value(g.name)), g.code
"""


def list_groups(cur: duckdb.DuckDBPyConnection) -> list[Group]:
    """Every group of the workspace, by name."""
    return [Group(code, name, tuple(codes or ()), tuple(names or ()), vintage)
            for code, name, vintage, codes, names in cur.execute(_GROUPS_SQL).fetchall()]


def get_group(cur: duckdb.DuckDBPyConnection, code: str) -> Group:
    code = (code or "").strip().upper()
    for group in list_groups(cur):
        if group.code == code:
            return group
    raise DQError(f"Groupe inconnu : « {code} ». Il a peut-être été supprimé.")


def create_group(cur: duckdb.DuckDBPyConnection, name: str, members: list[str]) -> Group:
    """Validate and store a new group; its code is GRP0001, GRP0002…"""
    name = _clean_name(name)
    with db.transaction(cur):
        _check_name_free(cur, name)
        codes, vintage = _check_members(cur, members)
        code = _next_code(cur)
        batch = db.new_batch(cur, "utilisateur", comment=f"Groupe de quartiers « {name} »")
        _write(cur, code, name, codes, vintage, batch)
        db.bump_data_version(cur)
    return get_group(cur, code)


def update_group(cur: duckdb.DuckDBPyConnection, code: str, *, name: str | None = None,
                 members: list[str] | None = None) -> Group:
    """Rename a group and/or replace its members."""
    group = get_group(cur, code)
    new_name = _clean_name(name) if name is not None else group.name
    with db.transaction(cur):
        if new_name.lower() != group.name.lower():
            _check_name_free(cur, new_name)
        codes, vintage = _check_members(cur, members if members is not None else list(group.members))
        batch = db.new_batch(cur, "utilisateur", comment=f"Groupe de quartiers « {new_name} » modifié")
        _delete(cur, group.code)
        _write(cur, group.code, new_name, codes, vintage, batch)
        db.bump_data_version(cur)
    return get_group(cur, group.code)


def delete_group(cur: duckdb.DuckDBPyConnection, code: str) -> None:
    group = get_group(cur, code)
    with db.transaction(cur):
        _delete(cur, group.code)
        db.bump_data_version(cur)


# --- adding every quartier of a territory at once ------------------------------------------------

# The territories offered, in this order, and the word that says what each is.
MEMBER_SOURCE_LEVELS = {"epci": "Agglomération", "commune": "Commune", "departement": "Département"}


def member_sources(places: Places) -> list[str]:
    """The agglomérations, then communes, then départements holding a quartier, each level by name."""
    order = list(MEMBER_SOURCE_LEVELS)
    codes = {c for zone in places.frame["zone"] for c in zone if places.levels.get(c) in MEMBER_SOURCE_LEVELS}
    return sorted(codes, key=lambda c: (order.index(places.levels[c]), places.names[c]))


def member_source_label(places: Places, code: str) -> str:
    return f"{MEMBER_SOURCE_LEVELS[places.levels[code]]} : {places.names[code]}"


def with_territory(members: list[str], places: Places, territory: str, vintage: int | None) -> list[str]:
    """`members`, then every quartier lying in `territory` (by any of its communes) and of the same
    geography (`vintage`) that is not a member yet. A group mixes no geographies: the others are left out."""
    frame = places.frame
    codes = [c for c, zone, v in zip(frame["code"], frame["zone"], frame["vintage"], strict=True)
             if territory in zone and v == vintage]
    return list(dict.fromkeys([*members, *codes]))


def _clean_name(name: str | None) -> str:
    name = re.sub(r"\s+", " ", name or "").strip()
    if not name:
        raise DQError("Donnez un nom au groupe (par exemple « Contrat de ville de l'agglomération »).")
    if len(name) > MAX_NAME_LENGTH:
        raise DQError(f"Le nom du groupe est trop long ({len(name)} caractères, {MAX_NAME_LENGTH} au plus).")
    return name


def _check_name_free(cur, name: str) -> None:
    taken = cur.execute("SELECT count(*) FROM territory WHERE level = 'groupe' AND lower(name) = lower(?)",
                        [name]).fetchone()[0]
    if taken:
        raise DQError(f"Un groupe s'appelle déjà « {name} » : choisissez un autre nom.")


def _check_members(cur, members: list[str]) -> tuple[list[str], int | None]:
    codes = list(dict.fromkeys(c.strip().upper() for c in members if c and c.strip()))
    if len(codes) < MIN_MEMBERS:
        raise DQError(f"Un groupe réunit au moins {MIN_MEMBERS} quartiers : choisissez-en d'autres.")
    found = dict(cur.execute("SELECT code, vintage FROM territory WHERE level = 'quartier' AND code IN "
                             "(SELECT unnest(?::VARCHAR[]))", [codes]).fetchall())
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise DQError(f"{french.capitalised(french.agree(len(unknown), 'quartier inconnu'))} dans cette base : "
                      f"{', '.join(unknown)}.")
    vintages = {found[c] for c in codes}
    if len(vintages) > 1:
        raise DQError("Un groupe réunit des quartiers d'une même géographie prioritaire (2015 ou 2024) : "
                      "additionner les deux géographies compterait deux fois les mêmes habitants.")
    return codes, vintages.pop()


def _next_code(cur) -> str:
    codes = [c for (c,) in cur.execute("SELECT code FROM territory WHERE code LIKE 'GRP%'").fetchall()]
    numbers = [int(c[3:]) for c in codes if c[3:].isdigit()]
    return f"{GROUP_PREFIX}{max(numbers, default=0) + 1:04d}"


def _write(cur, code: str, name: str, members: list[str], vintage: int | None, batch: int) -> None:
    lon, lat = cur.execute("SELECT avg(lon), avg(lat) FROM territory WHERE code IN (SELECT unnest(?::VARCHAR[]))",
                           [members]).fetchone()
    cur.execute("INSERT INTO territory (code, level, name, vintage, geometry, lon, lat, batch_id) "
                "VALUES (?, 'groupe', ?, ?, NULL, ?, ?, ?)", [code, name, vintage, lon, lat, batch])
    cur.execute("INSERT INTO territory_link (child, parent, rank) "
                "SELECT ?, (?::VARCHAR[])[i], i FROM range(1, ? + 1) r(i)", [code, members, len(members)])


def _delete(cur, code: str) -> None:
    cur.execute("DELETE FROM territory_link WHERE child = ?", [code])
    cur.execute("DELETE FROM territory WHERE code = ? AND level = 'groupe'", [code])


# --- figures ---------------------------------------------------------------------------------------

_MEMBER_OBSERVATIONS_SQL = """
SELECT indicator, period, period_start, territory, value, numerator, denominator, is_secret,
       is_provisional, is_break
FROM observation
WHERE territory IN (SELECT unnest(?::VARCHAR[])) AND indicator IN (SELECT unnest(?::VARCHAR[]))
ORDER BY indicator, period_start, territory
"""


def group_series(cur: duckdb.DuckDBPyConnection, group: Group, indicators: list[Indicator]
                 ) -> dict[str, list[GroupPoint]]:
    """{indicator id: [GroupPoint oldest first]} over every period at least one member has."""
    rows = cur.execute(_MEMBER_OBSERVATIONS_SQL, [list(group.members), [i.id for i in indicators]]).fetchall()
    cells: dict[str, dict[tuple[str, date], dict[str, tuple]]] = defaultdict(lambda: defaultdict(dict))
    for indicator, period, start, territory, *rest in rows:
        cells[indicator][(period, start)][territory] = tuple(rest)
    result: dict[str, list[GroupPoint]] = {}
    for indicator in indicators:
        points = []
        for (period, start), by_member in sorted(cells.get(indicator.id, {}).items(), key=lambda kv: kv[0][1]):
            points.append(aggregate_period(indicator, group.members, period, start, by_member))
        result[indicator.id] = points
    return result


def aggregate_period(indicator: Indicator, members: tuple[str, ...], period: str, start: date,
                     by_member: dict[str, tuple]) -> GroupPoint:
    """The group's cell from its members' cells (value, numerator, denominator, secret, provisional,
    break) for one period; a member without a row counts as missing."""
    member_cells = []
    missing = 0
    for code in members:
        cell = by_member.get(code)
        if cell is None:
            member_cells.append(Member(None))
            missing += 1
            continue
        value, numerator, denominator, secret, _, _ = cell
        if value is None and not secret:
            missing += 1
        member_cells.append(Member(value, numerator, denominator, bool(secret)))
    result: Aggregate = aggregate(indicator, member_cells)
    provisional = any(cell[4] for cell in by_member.values())
    is_break = any(cell[5] for cell in by_member.values())
    return GroupPoint(period, start, result.value, result.numerator, result.denominator, result.status,
                      provisional, is_break, missing)
