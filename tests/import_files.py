"""Files for the import tests, written by code: good files in many real-world shapes, and a corpus
of bad files, each with the French words its refusal must contain."""

from __future__ import annotations

import gzip
import io
import zipfile
from dataclasses import dataclass

import openpyxl

from dq_core.lambert import from_wgs84 as wgs84_to_lambert93

HEADER = "code_territoire;indicateur;periode;valeur"


def csv_bytes(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


class Text(str):
    """A cell value written as text even when it starts with '=' (a label, never a formula)."""


def xlsx_bytes(sheets: dict[str, list[list]], percent_cells: tuple = ()) -> bytes:
    """A workbook from {sheet name: rows}; `percent_cells` = ((sheet, row, col), …) formatted '0.0%'."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            sheet.append(row)
            for c, value in enumerate(row, start=1):
                if isinstance(value, Text):
                    sheet.cell(row=r, column=c).data_type = "s"
    for name, row, col in percent_cells:
        book[name].cell(row=row, column=col).number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tiny_point(code_index: int, dx: float = 0.02, dy: float = 0.02) -> tuple[float, float]:
    """(lon, lat) of a point inside the tiny workspace's territory number `code_index` (its square
    starts at lon -6 + 0.1 i, lat 46, side 0.05; see tests/factories.py)."""
    return -6 + 0.1 * code_index + dx, 46 + dy


# Tiny workspace territory indices: QNX0101M = 6, QNX0102I = 7, QNX0103N = 8 (TINY_TERRITORIES order).
TILLEULS, PLATEAU, PETIT = 6, 7, 8


@dataclass(frozen=True)
class BadFile:
    id: str
    name: str
    content: bytes
    expected: tuple[str, ...]               # French words the report must contain
    status: str = "refused"
    indicators: bytes | None = None         # companion declarations file
    indicators_name: str = "indicateurs.csv"


def _good_xlsx() -> bytes:
    return xlsx_bytes({"donnees": [["code_territoire", "indicateur", "periode", "valeur"],
                                   ["QNX0101M", "pop_totale", 2023, 3100]]})


def _points_csv(rows: list[tuple], header: str = "residence;latitude;longitude;periode;demandeurs_emploi_abc") -> bytes:
    return csv_bytes(header, *(";".join(str(v) for v in row) for row in rows))


def bad_files() -> list[BadFile]:
    good_xlsx = _good_xlsx()
    lon, lat = tiny_point(TILLEULS)
    x, y = wgs84_to_lambert93(lon, lat)
    return [
        BadFile("vide", "vide.csv", b"", ("vide",)),
        BadFile("blancs", "blancs.csv", b"\xef\xbb\xbf  \r\n\r\n", ("vide",)),
        BadFile("entete_seul", "entete.csv", csv_bytes(HEADER), ("aucune ligne de données",)),
        BadFile("binaire", "donnees.csv", bytes(range(256)) * 20, ("n'est pas un fichier CSV ou Excel", "binaire")),
        BadFile("image", "photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, ("image",)),
        BadFile("pdf", "rapport.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", ("PDF",)),
        BadFile("xls", "ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, (".xls", ".xlsx")),
        BadFile("zip", "archive.zip", zip_bytes({"a.txt": b"bonjour"}), ("archive ZIP",)),
        BadFile("ods", "classeur.ods", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                                  "content.xml": b"<x/>"}), ("OpenDocument",)),
        BadFile("docx", "note.docx", zip_bytes({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<x/>"}),
                ("Word",)),
        BadFile("gzip", "donnees.csv.gz", gzip.compress(csv_bytes(HEADER, "QNX0101M;pop_totale;2023;1")),
                ("compressé",)),
        BadFile("xlsx_tronque", "tronque.xlsx", good_xlsx[: len(good_xlsx) // 2], ("abîmé ou incomplet",)),
        BadFile("csv_tronque", "tronque.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2022;3 000")
                + b"QNX0101M;pop_totale;20", ("semble tronqué", "ligne 3")),
        BadFile("colonne_manquante", "sans_valeur.csv", csv_bytes("code_territoire;indicateur;periode",
                                                                  "QNX0101M;pop_totale;2023"),
                ("Colonnes attendues introuvables", "valeur")),
        BadFile("territoire_inconnu", "terr.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;3 100",
                                                            "QNX0109M;pop_totale;2023;1 000"),
                ("code de territoire inconnu", "QNX0109M", "Codes proches", "QNX0101M", "ligne 3")),
        BadFile("territoire_nom", "nom.csv", csv_bytes(HEADER, "Les Tilleuls;pop_totale;2023;3 100"),
                ("code de territoire inconnu", "QNX0101M")),
        BadFile("territoire_vide", "terr_vide.csv", csv_bytes(HEADER, ";pop_totale;2023;3 100"),
                ("code du territoire vide",)),
        BadFile("indicateur_inconnu", "ind.csv", csv_bytes(HEADER, "QNX0101M;taux_pauvret;2023;40"),
                ("indicateur inconnu", "taux_pauvrete", "feuille « indicateurs »")),
        BadFile("nombre_illisible", "nombre.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;douze cents"),
                ("n'est pas un nombre lisible", "douze cents", "ligne 2", "colonne « valeur »")),
        BadFile("nombre_anglais", "anglais.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;1,234.5"),
                ("n'est pas un nombre lisible", "1,234.5")),
        BadFile("periode_illisible", "periode.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;l'an dernier;3 100",
                                                               "QNX0101M;pop_totale;2023-13;3 100"),
                ("période illisible", "l'an dernier", "2023-13")),
        BadFile("effectif_negatif", "negatif.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;-12"),
                ("ne peut pas être négatif", "−12")),
        BadFile("taux_hors_bornes", "taux.csv", csv_bytes(HEADER, "QNX0101M;taux_pauvrete;2023;112,5 %"),
                ("entre 0 et 100", "112,5")),
        BadFile("numerateur_superieur", "numden.csv",
                csv_bytes(HEADER + ";numerateur;denominateur", "QNX0101M;taux_pauvrete;2023;40;3 500;3 000"),
                ("numérateur est plus grand que le dénominateur",)),
        BadFile("doublon", "doublon.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;3 100",
                                                    "QNX0102I;pop_totale;2023;2 000", "qnx0101m;pop_totale;2023;3 150"),
                ("ligne en double", "2 fois", "lignes 2, 4")),
        BadFile("conflit", "conflit.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2021;3 333"),
                ("existe déjà dans la base", "remplacer", "garder"), status="needs_choice"),
        BadFile("statut_inconnu", "statut.csv", csv_bytes(HEADER + ";statut", "QNX0101M;pop_totale;2023;3 100;peut-être"),
                ("statut inconnu", "peut-être")),
        BadFile("colonnes_en_trop", "trop.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2023;3 100;oups;encore"),
                ("plus de valeurs que l'en-tête",)),
        BadFile("guillemet_non_ferme", "guillemet.csv", csv_bytes(HEADER, 'QNX0101M;"pop_totale;2023;3 100',
                                                                  "QNX0102I;pop_totale;2023;2 000"),
                ("guillemet", "ligne 2")),
        BadFile("colonne_nom", "personnes.csv", csv_bytes(HEADER + ";nom", "QNX0101M;pop_totale;2023;3 100;Dupont"),
                ("un nom", "données sur des personnes")),
        BadFile("emails", "emails.csv", csv_bytes(HEADER + ";contact", "QNX0101M;pop_totale;2023;3 100;jean.dupont@exemple.fr"),
                ("adresses e-mail", "données personnelles")),
        BadFile("telephones", "tel.csv", csv_bytes(HEADER + ";joindre", "QNX0101M;pop_totale;2023;3 100;06 12 34 56 78"),
                ("numéros de téléphone",)),
        BadFile("nir", "nir.csv", csv_bytes(HEADER + ";ref", "QNX0101M;pop_totale;2023;3 100;1 85 05 78 006 084 36"),
                ("sécurité sociale (NIR)",)),
        BadFile("date_naissance", "naissance.csv", csv_bytes(HEADER + ";date_naissance", "QNX0101M;pop_totale;2023;3 100;12/03/1985"),
                ("date de naissance",)),
        BadFile("colonne_adresse", "adresse.csv", csv_bytes(HEADER + ";adresse", "QNX0101M;pop_totale;2023;3 100;3 rue des Lilas"),
                ("adresse exacte",)),
        BadFile("adresses_en_valeurs", "adresses.csv", csv_bytes(HEADER + ";commentaire",
                                                                 "QNX0101M;pop_totale;2023;3 100;12 bis rue Victor Hugo"),
                ("des adresses exactes",)),
        BadFile("une_ligne_par_personne", "locataires.csv",
                _points_csv([(f"logement {i}", lat, lon, 2023, 1) for i in range(30)]),
                ("personnes ou des ménages un par un",)),
        BadFile("coordonnees_illisibles", "points.csv", _points_csv([("A", "quarante-six", lon, 2023, 25)]),
                ("coordonnées illisibles", "quarante-six")),
        BadFile("lambert_hors_bornes", "points_l93.csv",
                csv_bytes("residence;x;y;periode;demandeurs_emploi_abc", f"A;{lon};{lat};2023;25"),
                ("Lambert-93",)),
        BadFile("large_sans_indicateur", "large.csv", csv_bytes("code_territoire;2021;2022", "QNX0101M;3 000;3 100"),
                ("indiquez l'indicateur",)),
        BadFile("declarations_seules", "indicateurs.csv",
                csv_bytes("id;libelle;domaine;unite;nature", "nb_x;Nombre de X;logement;logements;effectif"),
                ("déclare des indicateurs mais ne contient pas de valeurs",)),
        BadFile("declaration_nature", "nouveau.csv", csv_bytes(HEADER, "QNX0101M;nb_logements_vacants;2023;40"),
                ("nature inconnue", "beaucoup"),
                indicators=csv_bytes("id;libelle;domaine;unite;nature",
                                     "nb_logements_vacants;Logements vacants;logement;logements;beaucoup")),
        BadFile("declaration_domaine", "nouveau.csv", csv_bytes(HEADER, "QNX0101M;nb_logements_vacants;2023;40"),
                ("domaine inconnu", "Logement"),
                indicators=csv_bytes("id;libelle;domaine;unite;nature",
                                     "nb_logements_vacants;Logements vacants;logemnt;logements;effectif")),
        BadFile("declaration_somme", "nouveau.xlsx", xlsx_bytes({
            "donnees": [["code_territoire", "indicateur", "periode", "valeur"], ["QNX0101M", "nb_total", 2023, 40]],
            "indicateurs": [["id", "libelle", "domaine", "unite", "nature", "somme_de"],
                            ["nb_total", "Total", "logement", "logements", "effectif", "nb_a + nb_inconnu"]]}),
                ("cite un indicateur inconnu", "nb_a")),
        BadFile("lambert_points_ok_but_x_text", "l93.csv",
                csv_bytes("residence;x;y;periode;demandeurs_emploi_abc", f"A;{x:.0f};{y:.0f};2023;douze"),
                ("n'est pas un nombre lisible", "douze")),
    ]
