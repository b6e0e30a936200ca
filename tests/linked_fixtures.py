"""A small workspace of 2015 and 2024 quartiers linked by ANCT's correspondence (official layouts, written
here): one modified quartier continuing one 2015 quartier, one merging two, one unchanged, one new, one
modified quartier the correspondence leaves out."""

from __future__ import annotations

from pathlib import Path

from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.store import db
from tests.official_fixtures import correspondence_csv

REVN_HEADER = "CODGEO;LIBGEO;PMIMP;TP60;DISP_Q2;NOTE_FILO;A;APPA;ARSAS;AAAH;NOTE_CNAF"
DEMO_HEADER = "CODGEO;LIBGEO;POP_MUN;TX_TOT_0A24;NOTE_RP"


def revn(*rows: str) -> bytes:
    return ("\ufeff" + "\r\n".join([REVN_HEADER, *rows]) + "\r\n").encode("utf-8")


def demo(*rows: str) -> bytes:
    return ("\ufeff" + "\r\n".join([DEMO_HEADER, *rows]) + "\r\n").encode("utf-8")


LIST_2024 = ("\ufeffcode_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci;;;\n"
             "QN04413M;Malakoff;52;Pays de la Loire;44;Loire-Atlantique;44109;Nantes;244400404;Nantes Métropole;;;\n"
             'QN04405M;Bellevue;52;Pays de la Loire;44;Loire-Atlantique;"44109; 44162";"Nantes; Saint-Herblain";'
             "244400404;Nantes Métropole;;;\n"
             "QN03503I;Bréquigny - Champs-Manceaux - Les Clôteaux;53;Bretagne;35;Ille-et-Vilaine;35238;Rennes;"
             "243500139;Rennes Métropole;;;\n"
             "QN04914N;Gide - Colomb;52;Pays de la Loire;49;Maine-et-Loire;49353;Trélazé;244900015;Angers Loire "
             "Métropole;;;\n"
             "QN04401M;Bout des Landes;52;Pays de la Loire;44;Loire-Atlantique;44109;Nantes;244400404;"
             "Nantes Métropole;;;\n").encode("utf-8")

CORRESPONDENCE = correspondence_csv([
    ("QN04413M", "Malakoff", "Modifié", [("QP044013", "Malakoff")]),
    ("QN04405M", "Bellevue", "Modifié", [("QP044005", "Bellevue"), ("QP044006", "Bellevue Ouest")]),
    ("QN03503I", "Bréquigny - Champs-Manceaux - Les Clôteaux", "Inchangé",
     [("QP035003", "Les Clôteaux - Champs Manceaux")]),
    ("QN04914N", "Gide - Colomb", "Nouveau", [])])


# A 2024-geography edition for two quartiers: their own series start in 2024.
REVN_2024 = ("REVN_2024.csv", revn("QN04413M;Malakoff;23,0;45,0;13\u202f900;0;1\u202f250;400;300;120;0",
                                   "QN03503I;Bréquigny;21,0;32,0;14\u202f800;0;1\u202f000;300;400;100;0"))


def linked_files(*, with_2024: bool = True) -> list[tuple[str, bytes]]:
    """The files of the workspace; `with_2024`: a 2024-geography edition for two of the quartiers."""
    files = [
        ("DEMO_2019.csv", demo("QP044013;Malakoff;3\u202f486;40,0;0", "QP044005;Bellevue;5\u202f000;38,0;0",
                               "QP044006;Bellevue Ouest;1\u202f000;36,0;0")),
        ("REVN_2017.csv", revn("QP044013;Malakoff;20,0;38,0;12\u202f000;0;1\u202f200;300;400;100;0",
                               "QP044005;Bellevue;20,0;40,0;11\u202f000;0;2\u202f000;300;400;100;0",
                               "QP044006;Bellevue Ouest;20,0;40,0;11\u202f000;0;500;300;400;100;0",
                               "QP035003;Les Clôteaux - Champs Manceaux;20,0;30,0;14\u202f000;0;900;300;400;100;0")),
        ("REVN_2022.csv", revn("QP044013;Malakoff;22,8;47,3;13\u202f320;0;1\u202f301;456;336;134;0",
                               "QP044005;Bellevue;20,0;41,0;11\u202f500;0;2\u202f100;300;400;100;0",
                               "QP044006;Bellevue Ouest;20,0;41,0;11\u202f500;0;;300;400;100;0",
                               "QP035003;Les Clôteaux - Champs Manceaux;20,0;31,0;14\u202f500;0;950;300;400;100;0")),
        ("listeqp2024-cog2024.csv", LIST_2024),
        ("liste-correspondance-qp2024-qp2015.csv", CORRESPONDENCE),
    ]
    if with_2024:
        files.append(REVN_2024)
    return files


def build_linked_db(path: Path, **options) -> Path:
    """Write the workspace at `path` (closed afterwards, so that the CLI or the app can open it)."""
    con = db.connect(path)
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
        db.set_meta(cur, "workspace_name", "Quartiers reliés")
    files = linked_files(**options)
    report = import_sources(cur, [FileSource(name, data=data) for name, data in files])
    assert not report.errors and len(report.imported) == len(files), report.summary()
    con.close()
    return path


def add_2024_base(path: Path) -> Path:
    """Import the 2024-geography edition into the workspace at `path`."""
    con = db.connect(path)
    report = import_sources(con.cursor(), [FileSource(REVN_2024[0], data=REVN_2024[1])])
    con.close()
    assert report.imported and not report.errors, report.summary()
    return path
