"""Addresses → points, against the address base indexed in the workspace (`address` table), in DuckDB.

Each address is parsed (`normalise`), its commune found by postcode or name, its street by key (exact,
then the closest spelling by Jaro-Winkler similarity), its number on that street. The quality says how
far it went: `exacte` (number found), `voie` (street found: the nearest number on the same side),
`commune` (commune only: no point), `introuvable`. Nothing is written: the addresses are registered as
an in-memory view for the query, then dropped.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from dq_core.addresses.normalise import ParsedAddress

EXACT, STREET, COMMUNE, NOT_FOUND = "exacte", "voie", "commune", "introuvable"
QUALITY_LABELS = {EXACT: "adresse exacte", STREET: "voie seulement", COMMUNE: "commune seulement",
                  NOT_FOUND: "introuvable"}
# Below this similarity two street names are different streets (`RUE PAIX` / `RUE PAIX JEAN` is 0.94).
STREET_SIMILARITY = 0.88
COMMUNE_SIMILARITY = 0.90

# The newest indexed file of each commune.
_CURRENT = """
CREATE OR REPLACE TEMP VIEW current_address AS
SELECT * FROM address
QUALIFY batch_id = max(batch_id) OVER (PARTITION BY code_insee)
"""

_MATCH_SQL = """
WITH communes AS (
    SELECT DISTINCT code_insee, code_postal, commune_key FROM current_address
), commune_match AS (          -- every commune the postcode or the name points to
    SELECT w.id, c.code_insee,
           max(CASE WHEN w.commune <> '' THEN jaro_winkler_similarity(w.commune, c.commune_key) ELSE 0 END) AS name_score,
           bool_or(w.postcode = c.code_postal) AS postcode_ok
    FROM wanted w JOIN communes c
      ON w.postcode = c.code_postal
      OR (w.commune <> '' AND jaro_winkler_similarity(w.commune, c.commune_key) >= $commune_similarity)
    GROUP BY w.id, c.code_insee
), commune_best AS (
    SELECT * FROM commune_match
    WHERE postcode_ok OR name_score >= $commune_similarity
    QUALIFY rank() OVER (PARTITION BY id ORDER BY (name_score >= $commune_similarity)::INT + postcode_ok::INT DESC,
                                                  name_score DESC) = 1
), streets AS (
    SELECT DISTINCT code_insee, street_key FROM current_address
), street_best AS (
    SELECT cb.id, s.code_insee, s.street_key,
           CASE WHEN s.street_key = w.street THEN 1.0 ELSE jaro_winkler_similarity(w.street, s.street_key) END AS score
    FROM commune_best cb JOIN wanted w USING (id) JOIN streets s USING (code_insee)
    WHERE w.street <> '' AND jaro_winkler_similarity(w.street, s.street_key) >= $street_similarity
    QUALIFY row_number() OVER (PARTITION BY cb.id ORDER BY score DESC, s.code_insee) = 1
), numbered AS (               -- on the street: the number itself, else the nearest on the same side
    SELECT sb.id, sb.code_insee, sb.score, a.lon, a.lat, a.numero = w.number AS same_number
    FROM street_best sb JOIN wanted w USING (id)
    JOIN current_address a ON a.code_insee = sb.code_insee AND a.street_key = sb.street_key
    QUALIFY row_number() OVER (PARTITION BY sb.id ORDER BY
        (a.numero = w.number AND (a.rep = w.rep OR w.rep = '' OR a.rep = ''))::INT DESC,
        (a.numero = w.number AND a.rep = w.rep)::INT DESC,
        (a.numero % 2 = w.number % 2)::INT DESC,
        abs(coalesce(a.numero, 0) - coalesce(w.number, 0)), a.rep) = 1
)
SELECT w.id,
       coalesce(n.code_insee, (SELECT any_value(code_insee) FROM commune_best c WHERE c.id = w.id)) AS code_insee,
       CASE WHEN n.id IS NOT NULL AND n.same_number THEN 'exacte'
            WHEN n.id IS NOT NULL THEN 'voie'
            WHEN EXISTS (SELECT 1 FROM commune_best c WHERE c.id = w.id) THEN 'commune'
            ELSE 'introuvable' END AS quality,
       round(coalesce(n.score, 0), 3) AS score, n.lon, n.lat
FROM wanted w LEFT JOIN numbered n USING (id)
ORDER BY w.id
"""


def has_address_base(cur: duckdb.DuckDBPyConnection) -> bool:
    return bool(cur.execute("SELECT count(*) > 0 FROM (SELECT 1 FROM address LIMIT 1)").fetchone()[0])


def match_addresses(cur: duckdb.DuckDBPyConnection, parsed: list[ParsedAddress]) -> pd.DataFrame:
    """One row per address, in order: code_insee, quality, score, lon, lat."""
    wanted = pd.DataFrame({
        "id": range(len(parsed)),
        "number": pd.array([p.number for p in parsed], dtype="Int64"),
        "rep": [p.repetition for p in parsed],
        "street": [p.street for p in parsed],
        "postcode": [p.postcode or "" for p in parsed],
        "commune": [p.commune for p in parsed],
    })
    cur.execute(_CURRENT)
    cur.register("wanted", wanted)
    try:
        sql = (_MATCH_SQL.replace("$commune_similarity", str(COMMUNE_SIMILARITY))
               .replace("$street_similarity", str(STREET_SIMILARITY)))
        return cur.execute(sql).df()
    finally:
        cur.unregister("wanted")
        cur.execute("DROP VIEW IF EXISTS current_address")
