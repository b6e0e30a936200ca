"""Partner files that used to be stored wrong without a word (issue 11 §3): each is refused in French with
the workspace exactly as before — or, where the file is right but was misread, now read right."""

from __future__ import annotations

import io
import struct
from datetime import datetime

import openpyxl
import pytest

from dq_core.files import FileSource, ImportOptions, import_file
from dq_core.files.read.text import MAX_CELL_CHARS
from dq_core.store import db
from tests.core.test_import_refusals import database_checksum
from tests.factories import build_tiny_workspace
from tests.import_files import HEADER, csv_bytes, xlsx_bytes

NEXT_YEAR = datetime.now().year + 1
MEAN = csv_bytes("id;libelle;domaine;unite;nature", "taille_moyenne;Taille moyenne des ménages;logement;personnes;moyenne")


def cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file (OLE2, version 3) holding `streams` of 4 KiB or more in regular sectors — the
    container Excel writes a password-protected workbook in (streams EncryptionInfo, EncryptedPackage)."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat, data, starts = [fat_sector, end], b"", []
    for content in streams.values():
        content += bytes(-len(content) % 512)
        first, count = len(fat), len(content) // 512
        fat += [first + i + 1 for i in range(count - 1)] + [end]
        starts.append(first)
        data += content

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child)
                + bytes(16 + 4 + 16) + struct.pack("<IQ", start, size))
    names = list(streams)
    directory = entry("Root Entry", 5, 1, free, end, 0) + b"".join(
        entry(n, 2, free, i + 2 if i + 1 < len(names) else free, starts[i], len(streams[n]))
        for i, n in enumerate(names))
    directory = directory.ljust(512, b"\0")
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + b"\xff" * (109 * 4 - 4))
    return header + fat_bytes + directory + data


def _hidden_first_sheet() -> bytes:
    book = openpyxl.Workbook()
    old = book.active
    old.title = "ancienne version"
    old.append(["code_territoire", "indicateur", "periode", "valeur"])
    old.append(["QNX0101M", "pop_totale", 2023, 99_999])
    old.sheet_state = "hidden"
    new = book.create_sheet("donnees")
    new.append(["code_territoire", "indicateur", "periode", "valeur"])
    new.append(["QNX0101M", "pop_totale", 2023, 3_100])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _formula_without_value() -> bytes:
    """openpyxl writes formulas as a program does: with no computed value until a spreadsheet opens it."""
    return xlsx_bytes({"donnees": [["code_territoire", "indicateur", "periode", "valeur"],
                                   ["QNX0101M", "pop_totale", 2023, 3_100],
                                   ["QNX0102I", "pop_totale", 2023, "=D2-1900"]]})


def _thousand_columns() -> bytes:
    """A column per month over 84 years: before, DuckDB refused the reading's SQL (expressions over 1 000
    levels deep, a traceback) and the personal-data check compiled 7 patterns per column (minutes, gigabytes)."""
    months = [f"{1930 + i // 12}-{i % 12 + 1:02d}" for i in range(1005)]
    return csv_bytes("code_territoire;indicateur;" + ";".join(months),
                     "QNX0101M;pop_totale;" + ";".join("" if i % 50 else "3 100" for i in range(1005)))


REFUSED = [
    ("infini", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;1" + "0" * 400), ["nombre démesuré ou infini", "ligne 2"]),
    ("dix_puissance_308", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;1" + "0" * 308), ["nombre démesuré"]),
    ("annee_2099", csv_bytes(HEADER, "QNX0101M;pop_totale;2099;3 100"),
     ["période dans le futur (2099)", f"au plus jusqu'à {NEXT_YEAR}"]),
    ("mois_pour_annuel", csv_bytes(HEADER, "QNX0101M;pop_totale;2023-04;3 100", "QNX0101M;pop_totale;2023-05;3 110"),
     ["valeur « 2023-04 » : période avril 2023 pour l'indicateur annuel « pop_totale »", "une année (2023)"]),
    ("date_excel_pour_annuel", xlsx_bytes({"donnees": [["code_territoire", "indicateur", "periode", "valeur"],
                                                        ["QNX0101M", "pop_totale", datetime(2023, 1, 1), 3_100]]}),
     ["période janvier 2023 pour l'indicateur annuel", "Une date (1er janvier)", "l'année seule (2023)"]),
    ("mediane_negative", csv_bytes(HEADER, "QNX0101M;revenu_median_uc;2023;-12 400"),
     ["une médiane ne peut pas être négative"]),
    ("moyenne_negative", csv_bytes(HEADER, "QNX0101M;taille_moyenne;2023;-2,1"),
     ["une moyenne ne peut pas être négative"]),
    ("pourcentage_effectif", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;3 100 %"),
     ["un pourcentage pour un effectif", "valeur « 3\u202f100 »"]),
    ("formule_sans_valeur", _formula_without_value(), ["formule sans valeur calculée (D3)", "enregistrez-le"]),
    ("classeur_mot_de_passe", cfb({"EncryptionInfo": bytes(4096), "EncryptedPackage": bytes(4096)}),
     ["protégé par un mot de passe"]),
    ("cellule_geante", csv_bytes(HEADER + ";commentaire", "QNX0101M;pop_totale;2023;3 100;" + "x" * (MAX_CELL_CHARS + 1)),
     ["ligne 2 : une cellule dépasse"]),
    ("nir_points", csv_bytes(HEADER + ";ref", "QNX0101M;pop_totale;2023;3 100;1.85.05.78.006.084.36"),
     ["sécurité sociale (NIR)"]),
    ("nir_tirets", csv_bytes(HEADER + ";ref", "QNX0101M;pop_totale;2023;3 100;2-91-12-2A-004-123"),
     ["sécurité sociale (NIR)"]),
    ("naissance_iso", csv_bytes(HEADER + ";info", "QNX0101M;pop_totale;2023;3 100;1985-03-12"),
     ["des dates précises"]),
    ("email_deguise", csv_bytes(HEADER + ";contact", "QNX0101M;pop_totale;2023;3 100;écrire à jean [at] mail.fr"),
     ["adresses e-mail (déguisées)"]),
    ("mille_colonnes", _thousand_columns(), ["valeur « 1930-01 » : période janvier 1930 pour l'indicateur annuel"]),
    ("civilite_nom", csv_bytes(HEADER + ";suivi", "QNX0101M;pop_totale;2023;3 100;dossier de M. Jean Dupont"),
     ["des noms de personnes"]),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    path = build_tiny_workspace(tmp_path_factory.mktemp("hostile") / "tiny.duckdb", demo=False)
    con = db.connect(path)
    yield con
    con.close()


@pytest.mark.parametrize("case", REFUSED, ids=[c[0] for c in REFUSED])
def test_silently_wrong_partner_file_is_refused_and_changes_nothing(workspace, case):
    name, content, expected = case
    before = database_checksum(workspace.cursor())
    options = ImportOptions(mode="replace", indicators_file=FileSource.from_bytes("ind.csv", MEAN)
                            if name == "moyenne_negative" else None)
    suffix = ".xlsx" if content[:2] in (b"PK", b"\xd0\xcf") else ".csv"
    with workspace.cursor() as cur:
        report = import_file(cur, FileSource.from_bytes(name + suffix, content), options)
    text = report.text()
    assert report.status == "refused", text
    for words in expected:
        assert words in text, f"« {words} » absent de :\n{text}"
    assert database_checksum(workspace.cursor()) == before


def stored(con, territory: str, indicator: str, period: str):
    row = con.execute("SELECT value FROM observation WHERE territory = ? AND indicator = ? AND period = ?",
                      [territory, indicator, period]).fetchone()
    return row[0] if row else None


def test_the_visible_sheet_is_imported_not_a_hidden_first_one(user_db):
    con = db.connect(user_db)
    report = import_file(con.cursor(), FileSource.from_bytes("x.xlsx", _hidden_first_sheet()),
                         ImportOptions(mode="replace"))
    assert report.status == "imported", report.text()
    assert stored(con, "QNX0101M", "pop_totale", "2023") == 3_100
    con.close()


def test_utf16_without_bom_a_mixed_companion_and_a_long_comment_are_read(user_db):
    con = db.connect(user_db)
    data = ("\n".join([HEADER + ";commentaire", "QNX0101M;nb_rehab;2023;40;" + "très long " * 20_000]) + "\n")
    companion = (b"id;libelle;domaine;unite;nature\n" + "nb_rehab;Logements réhabilités;logement;".encode()
                 + "logements;effectif\n".encode("cp1252") + "nb_neuf;Logements rénovés – été;logement;".encode("cp1252")
                 + b"logements;effectif\n")
    report = import_file(con.cursor(), FileSource.from_bytes("x.csv", data.encode("utf-16-le")),
                         ImportOptions(mode="replace", indicators_file=FileSource.from_bytes("ind.csv", companion)))
    assert report.status == "imported", report.text()
    assert report.encoding == "UTF-16 (sans BOM)"
    assert stored(con, "QNX0101M", "nb_rehab", "2023") == 40
    labels = dict(con.execute("SELECT id, label FROM indicator WHERE id IN ('nb_rehab', 'nb_neuf')").fetchall())
    assert labels == {"nb_rehab": "Logements réhabilités", "nb_neuf": "Logements rénovés – été"}
    con.close()
