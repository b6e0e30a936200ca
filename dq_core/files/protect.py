"""Privacy rules of an import: no individual-level data, secret statistique on small counts, and
secondary suppression across the relations a file creates.

The rules, as the app explains them (`PRIVACY_RULES`):
1. A file describing people one by one is refused: columns that look like names, e-mail addresses,
   phone numbers, social security numbers (NIR), birth dates, or exact addresses kept as text.
2. A count below the threshold (11 by default, configurable per partner) is stored flagged secret,
   without its value: the hidden number is never written to the database. Rates, ratios and means
   are secret when one of the counts they are computed from (numerator, denominator) is below it.
3. Secondary suppression: when a total and its parts are known (a total indicator and its
   categories declared with `somme_de`; a group of quartiers and its quartiers; a commune and its
   quartiers, the rest of the commune being a hidden cell of its own), more cells are hidden until
   no secret cell can be recovered by any combination of additions and subtractions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb

from dq_core.files.read.text import normalise_text
from dq_core.files.report import WARNING, Problem
from dq_core.files.sql import first as _first
from dq_core.privacy import Relation, secondary_suppression

PRIVACY_RULES = """\
**Données individuelles refusées.** L'application ne stocke que des chiffres agrégés par territoire.
Un fichier qui décrit des personnes une par une est refusé : colonnes de noms ou prénoms, adresses
e-mail, numéros de téléphone, numéros de sécurité sociale (NIR), dates de naissance, adresses
exactes conservées en texte, ou une ligne par personne. Les fichiers de points (une ligne par
résidence avec ses coordonnées) sont agrégés par quartier sur cet ordinateur : seuls les totaux par
quartier sont enregistrés, ni les adresses ni les coordonnées.

**Secret statistique.** Un effectif inférieur au seuil (11 par défaut, réglable pour chaque
partenaire) est enregistré comme secret, sans sa valeur : le chiffre caché n'est jamais écrit dans
la base, et l'application affiche « s » partout, à l'écran comme dans les exports. Un taux, un
rapport ou une moyenne est secret quand l'un des effectifs dont il est calculé (numérateur,
dénominateur) est inférieur au seuil.

**Secret secondaire.** Quand un total et ses parties sont connus — un indicateur total et ses
catégories (déclarés avec `somme_de`), un groupe de quartiers et ses quartiers, une commune et ses
quartiers (le reste de la commune étant lui-même protégé s'il est petit) — d'autres valeurs sont
masquées, jusqu'à ce qu'aucune valeur secrète ne puisse être retrouvée par additions ou soustractions.
"""

# Column names that describe a person (normalised).
_PERSON_COLUMNS = {
    "nom": "un nom", "prenom": "un prénom", "nom_prenom": "un nom", "prenom_nom": "un nom",
    "nom_de_famille": "un nom", "nom_usage": "un nom", "nom_naissance": "un nom",
    "email": "une adresse e-mail", "e_mail": "une adresse e-mail", "mail": "une adresse e-mail",
    "courriel": "une adresse e-mail", "adresse_mail": "une adresse e-mail",
    "telephone": "un numéro de téléphone", "tel": "un numéro de téléphone",
    "portable": "un numéro de téléphone", "mobile": "un numéro de téléphone",
    "num_tel": "un numéro de téléphone", "numero_telephone": "un numéro de téléphone",
    "nir": "un numéro de sécurité sociale (NIR)", "numero_secu": "un numéro de sécurité sociale (NIR)",
    "num_secu": "un numéro de sécurité sociale (NIR)", "n_secu": "un numéro de sécurité sociale (NIR)",
    "securite_sociale": "un numéro de sécurité sociale (NIR)", "numero_ss": "un numéro de sécurité sociale (NIR)",
    "no_ss": "un numéro de sécurité sociale (NIR)", "insee_individu": "un numéro de sécurité sociale (NIR)",
    "date_naissance": "une date de naissance", "date_de_naissance": "une date de naissance",
    "naissance": "une date de naissance", "ddn": "une date de naissance", "ne_le": "une date de naissance",
    "sexe": "le sexe d'une personne", "genre": "le sexe d'une personne", "age": "l'âge d'une personne",
    "numero_allocataire": "un numéro d'allocataire", "num_allocataire": "un numéro d'allocataire",
    "matricule": "un matricule", "identifiant_individu": "un identifiant de personne",
    "id_individu": "un identifiant de personne", "id_personne": "un identifiant de personne",
    "numero_fiscal": "un numéro fiscal", "locataire": "un locataire", "beneficiaire": "un bénéficiaire",
}
_ADDRESS_COLUMNS = {"adresse", "adresse_postale", "adresse_complete", "rue", "voie", "libelle_voie",
                    "numero_voie", "adresse_exacte", "adr"}

# Value patterns (RE2 syntax, checked by DuckDB on every cell of the column).
VALUE_PATTERNS = {
    "email": (r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}", "des adresses e-mail"),
    "phone": (r"(\+33|0033|0)\s?[1-9]([\s.\-]?[0-9]{2}){4}", "des numéros de téléphone"),
    # Spaces, dots or dashes between the groups: 1 85 05 78 006 084 36, 1.85.05.78.006.084.36, 1-85-05-…
    "nir": (r"[12][\s.\-]?[0-9]{2}[\s.\-]?(0[1-9]|1[0-2]|[2-9][0-9])[\s.\-]?([0-9]{2}|2[AB])[\s.\-]?[0-9]{3}"
            r"[\s.\-]?[0-9]{3}([\s.\-]?[0-9]{2})?", "des numéros de sécurité sociale (NIR)"),
    # A day other than the 1st (the 1st of a month is how spreadsheets write a month): 12/03/1985, 1985-03-12.
    "birth": (r"(0?[2-9]|[12][0-9]|3[01])[/.\-](0?[1-9]|1[0-2])[/.\-](19|20)[0-9]{2}"
              r"|(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[2-9]|[12][0-9]|3[01])", "des dates précises (dates de naissance ?)"),
    # jean [at] mail.fr, jean(at)mail(dot)fr, jean arobase mail point fr — anywhere in the cell.
    "email_disguised": (r"(?i).*?[a-z0-9._%+\-]+\s*(([\[({]\s*(at|arobase|@)\s*[\])}])|\s(at|arobase)\s)\s*"
                        r"[a-z0-9\-]+(\.|\s*[\[(]\s*(dot|point)\s*[\])]\s*|\s(dot|point)\s)[a-z]{2,}\b.*",
                        "des adresses e-mail (déguisées)"),
    # M. Jean Dupont, Mme DUPONT Marie, Monsieur Jean-Pierre Martin — anywhere in a free column.
    "civility": (r"(.*[\s(,;:])?(M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle)\s+\p{Lu}[\p{L}'\-]+"
                 r"(\s+\p{Lu}[\p{L}'\-]+)+.*", "des noms de personnes (civilité suivie d'un nom)"),
    "address": (r"(?i)[0-9]{1,4}\s*(bis|ter)?\s*,?\s*(rue|avenue|av\.|boulevard|bd|allée|allee|place|impasse|"
                r"chemin|route|cours|quai|square|passage|résidence|residence|cité|cite|rond-point)\s.+",
                "des adresses exactes"),
}
# Cheap tests first (DuckDB runs the regular expression only on the cells that pass them).
_PREFILTER = {
    "email": "strpos({c}, '@') > 0",
    "phone": "length({c}) BETWEEN 10 AND 20 AND ({c} LIKE '0%' OR {c} LIKE '+33%')",
    "nir": "length({c}) BETWEEN 13 AND 22 AND ({c} LIKE '1%' OR {c} LIKE '2%')",
    "birth": "length({c}) BETWEEN 8 AND 10 AND (strpos({c}, '/') > 0 OR {c} LIKE '%-%-%' OR {c} LIKE '%.%.%')",
    "address": "length({c}) > 10 AND strpos({c}, ' ') > 0 AND NOT {c} SIMILAR TO '[0-9 ,.%-]+'",
    "email_disguised": "length({c}) > 7 AND (strpos(lower({c}), 'at') > 0 OR strpos(lower({c}), 'arobase') > 0 "
                       "OR strpos({c}, '@') > 0)",
    "civility": "length({c}) > 6 AND (strpos({c}, 'M.') > 0 OR strpos({c}, 'Mr') > 0 OR strpos({c}, 'Mme') > 0 "
                "OR strpos({c}, 'Mlle') > 0 OR strpos({c}, 'Monsieur') > 0 OR strpos({c}, 'Madame') > 0 "
                "OR strpos({c}, 'Mademoiselle') > 0)",
}


def personal_data_problems(cur: duckdb.DuckDBPyConnection, headers: list[str], layout: str,
                           period_column: str | None = None) -> list[Problem]:
    """Refusals for columns that identify people (names and values), on every row of `dq_raw`."""
    problems: list[Problem] = []
    for header in headers:
        name = normalise_text(header)
        what = _PERSON_COLUMNS.get(name)
        if what is None and name in _ADDRESS_COLUMNS and layout != "points":
            what = "une adresse exacte"
        if what is not None:
            problems.append(Problem(
                "donnees_individuelles",
                f"cette colonne semble contenir {what} : l'application n'accepte que des chiffres "
                "agrégés par territoire, jamais des données sur des personnes. Retirez cette colonne "
                "(et agrégez les données par territoire) avant d'importer.", column=header))
    if not headers:
        return problems
    # Every cell once, as (column, text): each pattern is compiled once, however many columns the table has
    # (one expression per column and pattern took minutes and gigabytes on a table of a thousand columns).
    # CASE, not AND: DuckDB then runs the expression only on the cells that pass the prefilter.
    keys = list(VALUE_PATTERNS)
    counts = ", ".join(f"count(*) FILTER (WHERE CASE WHEN {_PREFILTER[key].format(c='v')} THEN "
                       f"regexp_full_match(trim(v), {_literal(VALUE_PATTERNS[key][0])}) ELSE false END)"
                       for key in keys)
    found = cur.execute(f"""SELECT col, {counts} FROM (UNPIVOT (SELECT * EXCLUDE line FROM dq_raw)
                            ON COLUMNS(*) INTO NAME col VALUE v) GROUP BY col""").fetchall()
    flagged = []
    for col, *numbers in found:
        i = int(col[1:])
        header = headers[i] if i < len(headers) else None
        for key, n in zip(keys, numbers, strict=True):
            skipped = (key == "address" and layout == "points") or (key == "birth" and header == period_column)
            if n and header is not None and not skipped:
                flagged.append((i, header, key, n))
    for i, header, key, n in sorted(flagged, key=lambda f: (f[0], keys.index(f[2]))):
        column = f"c{i}"
        pattern = VALUE_PATTERNS[key][0]
        prefilter = _PREFILTER[key].format(c=column)
        lines = [r[0] for r in cur.execute(
            f"SELECT line FROM dq_raw WHERE {prefilter} AND regexp_full_match(trim({column}), {_literal(pattern)}) "
            "ORDER BY line LIMIT 8").fetchall()]
        problems.append(Problem(
            "donnees_individuelles",
            f"cette colonne contient {VALUE_PATTERNS[key][1]} : ce sont des données personnelles. "
            "L'application n'accepte que des chiffres agrégés par territoire ; retirez ces "
            "informations avant d'importer (la valeur n'est pas recopiée ici).", lines=tuple(lines),
            column=header, count=n))
    return problems


def _literal(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def one_row_per_person(values: list[float]) -> bool:
    """A point file whose counts are almost all 0 or 1 describes people or households one by one."""
    known = [v for v in values if v is not None]
    return len(known) >= 20 and sum(1 for v in known if v in (0, 1)) >= 0.9 * len(known)


# --- secret statistique ------------------------------------------------------------------------

# SQL condition (on dq_rows r joined with dq_ind i) of the primary rule.
PRIMARY_SQL = """i.threshold IS NOT NULL AND (
    (i.kind = 'count' AND r.value IS NOT NULL AND r.value < i.threshold)
    OR (i.kind IN ('rate', 'ratio') AND r.numerator IS NOT NULL AND r.numerator < i.threshold)
    OR (r.denominator IS NOT NULL AND r.denominator < i.threshold))"""


@dataclass(frozen=True)
class Cell:
    territory: str
    indicator: str
    period: str


def secondary_cells(cur: duckdb.DuckDBPyConnection, mode: str | None) -> tuple[set[Cell], set[Cell]]:
    """Cells to hide beyond the primary rule: (cells of the file, cells already stored).

    Works on `dq_rows` (with `primary_secret`) and `dq_ind`; reads stored observations for the
    other cells of each relation (in 'keep' mode a stored cell wins over the file's).
    """
    # Relations between indicators (total = sum of parts), per territory and period.
    sums = cur.execute("SELECT total, list(part ORDER BY part) FROM dq_sums GROUP BY total").fetchall()
    geo = _geographic_totals(cur)
    if not sums and not geo:
        return set(), set()
    _register_keys(cur, _cell_keys(cur, sums, geo))
    cells, secret, in_file = _cell_values(cur, file_first=mode != "keep")
    thresholds = dict(cur.execute("SELECT id, threshold FROM dq_ind").fetchall())
    relations = _relations(cells, secret, sums, geo, thresholds)
    hidden = _suppress_by_component(cells, secret, relations, in_file)
    new = {c for c in hidden - secret if not c.territory.endswith("(reste de la commune)")}
    return {c for c in new if c in in_file}, {c for c in new if c not in in_file}


_GEOGRAPHIC_TOTALS = """
        WITH links AS (
            SELECT l.parent, l.child FROM territory_link l
            JOIN territory t ON t.code = l.parent AND t.level IN ('commune', 'groupe', 'ensemble')
            JOIN territory c ON c.code = l.child AND c.level = 'quartier'),
        parents AS (
            SELECT l.parent, any_value(t.level) AS level, list(DISTINCT l.child ORDER BY l.child) AS children
            FROM links l JOIN territory t ON t.code = l.parent GROUP BY l.parent),
        split AS (SELECT l.child FROM territory_link l JOIN territory t ON t.code = l.parent
                  WHERE t.level = 'commune' GROUP BY l.child HAVING count(*) > 1),
        counts AS (
            SELECT r.territory, r.indicator, r.period FROM dq_rows r JOIN dq_ind i ON i.id = r.indicator
            WHERE i.kind = 'count' AND NOT r.skip),
        hits AS (
            SELECT c.territory AS parent, c.indicator, c.period FROM counts c
            WHERE c.territory IN (SELECT parent FROM links)
            UNION
            SELECT l.parent, c.indicator, c.period FROM counts c JOIN links l ON l.child = c.territory
            JOIN observation o ON o.territory = l.parent AND o.indicator = c.indicator AND o.period = c.period)
        SELECT h.parent, p.level, p.children, h.indicator, h.period,
               EXISTS (SELECT 1 FROM split s WHERE list_contains(p.children, s.child)) AS inexact
        FROM hits h JOIN parents p ON p.parent = h.parent"""


def _geographic_totals(cur) -> list[tuple[str, str, list[str], str, str]]:
    """(parent, level, quartiers, indicator, period) for counts whose parent total is known.

    A parent is a group, an ensemble or a commune; a relation matters only where its total is known:
    the parent's cell is in the file, or stored while some of its quartiers are in the file. A commune
    one of whose quartiers spans several communes is no exact sum and is left out.
    """
    rows = cur.execute(_GEOGRAPHIC_TOTALS).fetchall()
    return [(parent, level, children, ind, period) for parent, level, children, ind, period, inexact in rows
            if not (level == "commune" and inexact)]


def _cell_keys(cur, sums, geo) -> set[tuple[str, str, str]]:
    """Every cell a relation involves: (territory, indicator, period)."""
    keys: set[tuple[str, str, str]] = set()
    if sums:
        rows = cur.execute("""SELECT DISTINCT r.territory, r.period FROM dq_rows r
                              WHERE NOT r.skip AND r.indicator IN (SELECT total FROM dq_sums UNION SELECT part FROM dq_sums)""").fetchall()
        for territory, period in rows:
            for total, parts in sums:
                keys.update((territory, ind, period) for ind in (total, *parts))
    for parent, _level, children, ind, period in geo:
        keys.update((t, ind, period) for t in (parent, *children))
    return keys


def _register_keys(cur, keys: set[tuple[str, str, str]]) -> None:
    import pandas as pd

    cur.execute("CREATE OR REPLACE TEMP TABLE dq_keys (territory VARCHAR, indicator VARCHAR, period VARCHAR)")
    cur.register("dq_keys_df", pd.DataFrame(sorted(keys), columns=["territory", "indicator", "period"]))
    cur.execute("INSERT INTO dq_keys SELECT * FROM dq_keys_df")
    cur.unregister("dq_keys_df")


def _cell_values(cur, *, file_first: bool) -> tuple[dict[Cell, float | None], set[Cell], set[Cell]]:
    """(value of each cell, secret cells, cells taken from the file): the file's value after the
    primary rule, else the stored one; a stored secret cell's value is unknown to everyone."""
    cells: dict[Cell, float | None] = {}
    secret: set[Cell] = set()
    in_file: set[Cell] = set()
    values = cur.execute("""
        SELECT k.territory, k.indicator, k.period,
               r.line IS NOT NULL AS in_file, r.value AS file_value, r.primary_secret,
               o.territory IS NOT NULL AS stored, o.value AS stored_value, o.is_secret AS stored_secret
        FROM dq_keys k
        LEFT JOIN (SELECT * FROM dq_rows WHERE NOT skip) r USING (territory, indicator, period)
        LEFT JOIN observation o USING (territory, indicator, period)""").fetchall()
    for territory, ind, period, file_has, file_value, file_secret, stored, stored_value, stored_secret in values:
        cell = Cell(territory, ind, period)
        if file_has and (file_first or not stored):
            in_file.add(cell)
            cells[cell] = file_value if not file_secret else (file_value if file_value is not None else 0.0)
            if file_secret:
                secret.add(cell)
        elif stored:
            cells[cell] = None if stored_secret else stored_value
            if stored_secret:
                secret.add(cell)
        else:
            cells[cell] = None
    return cells, secret, in_file


def _relations(cells: dict[Cell, float | None], secret: set[Cell], sums, geo, thresholds) -> list[Relation]:
    """Totals and their parts; a commune's quartiers also get the "rest of the commune" cell
    (secret when under the threshold), added to `cells` and `secret`."""
    relations: list[Relation] = []
    for territory, period in {(c.territory, c.period) for c in cells}:
        for total, parts in sums:
            rel_cells = [Cell(territory, ind, period) for ind in (total, *parts)]
            if all(c in cells for c in rel_cells):
                relations.append(Relation(rel_cells[0], tuple(rel_cells[1:])))
    for parent, level, children, ind, period in geo:
        members = [Cell(c, ind, period) for c in children]
        total = Cell(parent, ind, period)
        if level == "commune":
            rest = Cell(f"{parent} (reste de la commune)", ind, period)
            known = [cells.get(m) for m in [total, *members]]
            rest_value = None if any(v is None for v in known) else known[0] - sum(known[1:])
            cells[rest] = rest_value
            threshold = thresholds.get(ind)
            if rest_value is not None and threshold is not None and 0 <= rest_value < threshold:
                secret.add(rest)
            members.append(rest)
        relations.append(Relation(total, tuple(members)))
    return relations


def _suppress_by_component(values: dict, secret: set, relations: list[Relation], in_file: set) -> set:
    """Run secondary suppression separately on each group of linked cells that holds a secret."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for relation in relations:
        first = relation.cells[0]
        for cell in relation.cells[1:]:
            parent[find(cell)] = find(first)
    groups: dict = defaultdict(list)
    for relation in relations:
        groups[find(relation.cells[0])].append(relation)
    hidden = set(secret)
    for group in groups.values():
        group_cells = {c for r in group for c in r.cells}
        group_secret = secret & group_cells
        if not group_secret:
            continue
        # Prefer hiding the file's cells: a stored cell is hidden only when nothing else protects.
        sub_values = {c: values.get(c) for c in group_cells}
        hidden |= secondary_suppression(sub_values, group_secret, group,
                                        prefer=lambda c: c in in_file)
    return hidden


def secrecy_warnings(cur: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Rates given without their counts cannot be checked against the threshold: say so."""
    n = _first(cur.execute("""SELECT count(*) FROM dq_rows r JOIN dq_ind i ON i.id = r.indicator
                       WHERE NOT r.skip AND i.kind IN ('rate', 'ratio', 'mean') AND i.threshold IS NOT NULL
                       AND r.value IS NOT NULL AND r.denominator IS NULL"""))[0]
    if not n:
        return []
    return [Problem("secret_non_verifiable", "taux ou moyennes fournis sans numérateur ni dénominateur : "
                    "le secret statistique ne peut pas être vérifié par l'application. Assurez-vous "
                    "qu'aucune de ces valeurs n'est calculée sur moins de 11 personnes ou ménages, ou "
                    "ajoutez les colonnes « numerateur » et « denominateur ».", severity=WARNING, count=n)]

