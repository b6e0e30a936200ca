"""The template of a residence consumption file (CSV or XLSX): its columns, the allowed words, the quartiers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from dq_core.errors import DQError
from dq_core.files.kinds.energy_residences import TEMPLATE_COLUMNS
from dq_core.files.partner.template import instruction_blocks

RESIDENCE_HELP = """\
**Consommation par résidence** : une ligne par résidence, énergie et mois (ou jour). Les colonnes de la
résidence (nom, bailleur, lieu, logements, chauffage, DPE) peuvent n'être remplies que sur sa première ligne.

| colonne | contenu | exemple |
|---|---|---|
| `id_residence` | identifiant de la résidence chez vous, le même d'un envoi à l'autre | `HT-0042` |
| `nom_residence`, `bailleur` | nom de la résidence, bailleur | `Les Glycines` ; `Habitat Test` |
| `code_quartier` | code du quartier (feuille « quartiers ») ; sinon coordonnées ou adresse | `QN03501M` |
| `latitude`, `longitude` | en degrés (WGS84), si pas de code de quartier | `48,0921` ; `-1,6458` |
| `adresse`, `code_postal`, `commune` | si ni code ni coordonnées (Base Adresse Nationale indexée) | `12 rue de la Paix` |
| `logements` | nombre de logements de la résidence (au moins 2) | `48` |
| `chauffage` | `électrique individuel`, `gaz individuel` ou `collectif` | `collectif` |
| `dpe` | classe du DPE, de A à G ; vide si inconnue | `E` |
| `energie` | `électricité`, `gaz` ou `chaleur` (réseau de chaleur) | `gaz` |
| `periode` | un mois ou un jour (tout le fichier du même pas) | `2024-01`, `janvier 2024`, `2024-01-17` |
| `kwh` | consommation de la période en kWh ; vide si non mesurée | `12 480` |
| `points_livraison` | facultatif : compteurs (points de livraison) comptés | `48` |
| `estime` | facultatif : `estimé` quand la valeur n'est pas un relevé | `estimé` |

L'adresse ou les coordonnées servent seulement à trouver le quartier : elles ne sont pas gardées. Une résidence
de moins de 10 logements est enregistrée mais jamais montrée seule (elle rejoint les « autres résidences » de son
quartier) ; une résidence d'un seul logement est refusée (ce serait la consommation d'un ménage).
"""
ALLOWED = [("chauffage", ["électrique individuel", "gaz individuel", "collectif"]),
           ("energie", ["électricité", "gaz", "chaleur"]), ("dpe", list("ABCDEFG"))]


def _quartiers(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return cur.execute("SELECT code, name FROM territory WHERE level = 'quartier' ORDER BY code").fetchall()


def residence_template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(TEMPLATE_COLUMNS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def residence_template_xlsx(cur: duckdb.DuckDBPyConnection) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#dde7f0", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    data = book.add_worksheet("donnees")
    for col, name in enumerate(TEMPLATE_COLUMNS):
        data.write_string(0, col, name, head)
        data.set_column(col, col, 16)
    data.freeze_panes(1, 1)
    values = book.add_worksheet("valeurs")
    for col, (column, words) in enumerate(ALLOWED):
        values.write_string(0, col, column, head)
        for row, word in enumerate(words, start=1):
            values.write_string(row, col, word)
        target = TEMPLATE_COLUMNS.index(column)
        data.data_validation(1, target, 20000, target, {
            "validate": "list", "source": f"=valeurs!${chr(65 + col)}$2:${chr(65 + col)}${len(words) + 1}",
            "error_type": "warning", "error_title": "Valeur inattendue",
            "error_message": "Choisissez une valeur de la feuille « valeurs »."})
    quartiers = book.add_worksheet("quartiers")
    for col, name in enumerate(["code", "nom"]):
        quartiers.write_string(0, col, name, head)
    for row, (code, name) in enumerate(_quartiers(cur), start=1):
        quartiers.write_string(row, 0, code)
        quartiers.write_string(row, 1, name)
    quartiers.set_column(0, 0, 14)
    quartiers.set_column(1, 1, 40)
    notice = book.add_worksheet("mode_d_emploi")
    for col, width in enumerate((22, 60, 30)):
        notice.set_column(col, col, width)
    row, previous, widths = 0, None, (22, 60, 30)
    for block, cells in instruction_blocks(RESIDENCE_HELP):
        if block == "text":
            row += previous == "row"                     # a blank line after the table
            text = " ".join(c for c in cells if c)
            notice.merge_range(row, 0, row, 2, text, wrap)
            notice.set_row(row, 15 * (1 + len(text) // 100) + 3)
            row += 2
        else:
            for col, text in enumerate(cells[:3]):
                notice.write_string(row, col, text, head if block == "head" else wrap)
            notice.set_row(row, 15 * max(1 + len(t) // w for t, w in zip(cells, widths, strict=False)))
            row += 1
        previous = block
    notice.set_paper(9)
    notice.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def build_residence_template(cur: duckdb.DuckDBPyConnection, path: str | Path | None = None, *,
                             kind: str | None = None) -> bytes:
    """The residence template as bytes (CSV or XLSX, from `kind` or the path's extension), written to `path`."""
    if kind is None:
        suffix = Path(path).suffix.lower() if path else ".xlsx"
        kind = {".csv": "csv", ".xlsx": "xlsx"}.get(suffix)
        if kind is None:
            raise DQError(f"Extension « {suffix} » non prise en charge : le modèle s'écrit en .csv ou en .xlsx.")
    content = residence_template_csv() if kind == "csv" else residence_template_xlsx(cur)
    if path:
        Path(path).write_bytes(content)
    return content
