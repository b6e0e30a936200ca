"""A small address base in the BAN's current layout, around the tiny workspace's quartier squares
(tests/factories.py), and a messy list of addresses with the answers a person would give."""

from __future__ import annotations

import gzip

BAN_HEADER = ("id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;"
              "nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;"
              "source_position;source_nom_voie;certification_commune;cad_parcelles")
# Squares of the tiny workspace: Les Tilleuls QNX0101M lon -5.4..-5.35, Le Plateau QNX0102I -5.3..-5.25,
# Petit Quartier QNX0103N -5.2..-5.15, all lat 46..46.05.
INSIDE_TILLEULS, INSIDE_PLATEAU, OUTSIDE = (-5.38, 46.02), (-5.28, 46.02), (-5.45, 46.2)


def ban_rows() -> list[tuple]:
    """(numero, rep, nom_voie, code_postal, code_insee, nom_commune, lon, lat)."""
    rows = []
    for n in range(1, 21):              # odd numbers inside Les Tilleuls, even ones outside
        lon, lat = INSIDE_TILLEULS if n % 2 else OUTSIDE
        rows.append((n, "", "Rue de la Paix", "99001", "X0101", "Villeneuve-Test", lon + n * 1e-4, lat))
    for n, rep in ((2, ""), (8, ""), (8, "bis"), (10, "")):
        rows.append((n, rep, "Avenue du Général de Gaulle", "99001", "X0101", "Villeneuve-Test", *INSIDE_PLATEAU))
    rows.append((8, "", "Avenue du Général Leclerc", "99001", "X0101", "Villeneuve-Test", *OUTSIDE))
    rows.append((1, "", "Place Saint-Exupéry", "99002", "X0102", "Bourg-Test", *OUTSIDE))
    rows.append((3, "", "Place Saint-Exupéry", "99002", "X0102", "Bourg-Test", -5.35, 46.03))   # on a border
    return rows


def ban_csv(rows: list[tuple] | None = None) -> bytes:
    lines = [BAN_HEADER]
    for n, rep, street, postcode, insee, commune, lon, lat in rows or ban_rows():
        lines.append(f"{insee}_abcd_{n:05d};;{n};{rep};{street};{postcode};{insee};{commune};;;0;0;{lon};{lat};"
                     f"entrée;;;{commune.upper()};{street.upper()};commune;commune;1;")
    return ("\n".join(lines) + "\n").encode("utf-8")


def ban_gz(rows: list[tuple] | None = None) -> bytes:
    return gzip.compress(ban_csv(rows), mtime=0)      # the same bytes each time, like a download


# (address as typed, expected quality, expected quartier)
MESSY = [
    ("8 bis av. du Gal de Gaulle 99001 Villeneuve-Test", "exacte", "QNX0102I"),
    ("8B AVENUE GENERAL DE GAULLE, 99001", "exacte", "QNX0102I"),
    ("3 r de la paix villeneuve test", "exacte", "QNX0101M"),
    ("4 rue de la Paix 99001 Villeneuve-Test", "exacte", None),
    ("5 Rue de la Paiz 99001", "exacte", "QNX0101M"),
    ("99 rue de la Paix 99001 Villeneuve-Test", "voie", "QNX0101M"),
    ("12 Rue Inconnue 99001 Villeneuve-Test", "commune", None),
    ("1 place St Exupery 99002 BOURG TEST CEDEX", "exacte", None),
    ("3 pl. Saint-Exupéry, Bourg-Test", "exacte", "QNX0101M"),
    ("n'importe quoi", "introuvable", None),
]
