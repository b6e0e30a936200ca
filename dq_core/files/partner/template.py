"""The import template (CSV or XLSX), pre-filled with the catalogue's indicators and the quartiers."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb

from dq_core.errors import DQError
from dq_core.files.partner.declarations import DECLARATION_HEADER, DIRECTION_WORDS, KIND_WORDS
from dq_core.files.protect import PRIVACY_RULES
from dq_core.store.catalogue import load_indicators

TEMPLATE_COLUMNS = ["code_territoire", "indicateur", "periode", "valeur", "numerateur", "denominateur",
                    "statut", "nom_territoire", "libelle_indicateur"]
# Columns of the template that only help a person fill it; the importer ignores them silently.
HELPER_COLUMNS = {"nom_territoire", "libelle_indicateur"}

FORMAT_HELP = """\
**Format attendu (format « long »)** : une ligne par territoire, indicateur et période.

| colonne | contenu | exemple |
|---|---|---|
| `code_territoire` | code du quartier (ou de la commune…) tel qu'il figure dans la base | `QN07501M` |
| `indicateur` | identifiant de l'indicateur (voir le catalogue ; un nouvel indicateur se déclare à part) | `taux_pauvrete` |
| `periode` | année, trimestre ou mois | `2023`, `2023-T2`, `T2 2023`, `2023-04`, `04/2023`, `avril 2023` |
| `valeur` | le chiffre ; virgule décimale et espaces acceptés | `1 234`, `12,5`, `12,5 %` |
| `numerateur`, `denominateur` | facultatifs : les effectifs d'un taux | `412` ; `3 300` |
| `statut` | facultatif : `secret`, `provisoire`, `estimé`, `rupture` | `provisoire` |

Séparateur `;`, `,` ou tabulation ; encodage UTF-8 ou Windows (Excel) ; des lignes de titre au-dessus
de l'en-tête et des notes en dessous sont acceptées. Les fichiers Excel (.xlsx) sont lus sur leur
première feuille. D'autres présentations sont comprises : une colonne par période
(`code_territoire ; indicateur ; 2021 ; 2022 ; 2023`), une colonne par indicateur
(`code_territoire ; periode ; indicateur_a ; indicateur_b`), et des points avec coordonnées
(`latitude ; longitude` ou `x ; y` en Lambert-93, plus une colonne par effectif), agrégés par quartier.

**Nouveaux indicateurs** : une feuille « indicateurs » dans le classeur (ou un fichier joint) avec
les colonnes `id ; libelle ; domaine ; unite ; nature ; sens ; source ; producteur ; definition ;
periodicite ; seuil_secret ; somme_de` (nature : effectif, taux, rapport, moyenne, médiane, indice ;
`somme_de` : « femmes + hommes » quand l'indicateur est la somme d'autres).
"""


def _safe(text: object) -> str:
    """Text written to a spreadsheet cell: never a formula (a leading = + - @ gets an apostrophe)."""
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(cur: duckdb.DuckDBPyConnection) -> tuple[list, list, list]:
    indicators = load_indicators(cur)
    territories = cur.execute("""SELECT code, name, level FROM territory
        ORDER BY CASE level WHEN 'quartier' THEN 0 WHEN 'commune' THEN 1 ELSE 2 END, code""").fetchall()
    quartiers = [t for t in territories if t[2] == "quartier"] or territories
    return indicators, territories, quartiers


def template_csv(cur: duckdb.DuckDBPyConnection) -> bytes:
    """The CSV template: `;`-separated, UTF-8 with BOM (Excel opens it right), one row per quartier
    and indicator with `periode` and `valeur` to fill."""
    indicators, _, quartiers = _rows(cur)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for code, name, _ in quartiers:
        for ind in indicators:
            writer.writerow([code, ind.id, "", "", "", "", "", _safe(name), _safe(ind.label)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(cur: duckdb.DuckDBPyConnection) -> bytes:
    """The XLSX template: data sheet, declarations sheet, catalogue, territories and instructions."""
    import xlsxwriter

    indicators, territories, quartiers = _rows(cur)
    buffer = io.BytesIO()
    # Text from the database is data: never let XlsxWriter turn a string into a formula or a URL.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#dde7f0", "border": 1})
    text = book.add_format({"num_format": "@"})
    data = book.add_worksheet("donnees")
    for col, name in enumerate(TEMPLATE_COLUMNS):
        data.write_string(0, col, name, head)
    row = 1
    for code, name, _ in quartiers:
        for ind in indicators:
            data.write_string(row, 0, code, text)
            data.write_string(row, 1, ind.id, text)
            data.write_string(row, 7, name, text)
            data.write_string(row, 8, ind.label, text)
            row += 1
    data.set_column(0, 0, 14, text)
    data.set_column(1, 1, 30, text)
    data.set_column(2, 2, 10, text)
    data.set_column(3, 6, 13)
    data.set_column(7, 8, 40)
    data.freeze_panes(1, 0)
    if indicators:
        data.data_validation(1, 1, max(row, 2) + 5000, 1, {
            "validate": "list", "source": f"=catalogue!$A$2:$A${len(indicators) + 1}",
            "error_title": "Indicateur inconnu",
            "error_message": "Choisissez un identifiant du catalogue (feuille « catalogue »), ou déclarez "
                             "l'indicateur dans la feuille « indicateurs ».", "error_type": "warning"})
    declared = book.add_worksheet("indicateurs")
    for col, name in enumerate(DECLARATION_HEADER):
        declared.write_string(0, col, name, head)
    declared.set_column(0, len(DECLARATION_HEADER) - 1, 18)
    cat = book.add_worksheet("catalogue")
    for col, name in enumerate(CATALOGUE_COLUMNS):
        cat.write_string(0, col, name, head)
    for r, values in enumerate(catalogue_rows(indicators), start=1):
        for col, value in enumerate(values):
            cat.write_string(r, col, value)
    cat.set_column(0, 0, 30)
    cat.set_column(1, 1, 60)
    cat.set_column(2, 6, 18)
    cat.freeze_panes(1, 1)
    terr = book.add_worksheet("territoires")
    for col, name in enumerate(["code", "nom", "niveau"]):
        terr.write_string(0, col, name, head)
    for r, (code, name, level) in enumerate(territories, start=1):
        terr.write_string(r, 0, code)
        terr.write_string(r, 1, name)
        terr.write_string(r, 2, level)
    terr.set_column(0, 0, 14)
    terr.set_column(1, 1, 40)
    _write_instructions(book)
    book.close()
    return buffer.getvalue()


CATALOGUE_COLUMNS = ["id", "libelle", "domaine", "unite", "nature", "sens", "producteur", "source"]


def catalogue_rows(indicators) -> list[list[str]]:
    """The catalogue sheet in the words of the instructions (effectif, taux, médiane…, hausse favorable…)."""
    return [[ind.id, ind.label, ind.domain, ind.unit, KIND_WORDS.get(ind.kind, ind.kind),
             DIRECTION_WORDS.get(ind.direction, ind.direction), ind.producer, ind.dataset] for ind in indicators]


def instruction_blocks(markdown: str) -> list[tuple[str, list[str]]]:
    """The instructions as sheet rows: ("text", [bold lead, rest]) for a paragraph, ("head" | "row", cells)
    for a table.

    Markdown is for the page; in a sheet, a table's cells go to columns, a paragraph's wrapped lines are
    joined, `code` becomes « code » and the marks (`**`, `|---|`) go.
    """
    blocks: list[tuple[str, list[str]]] = []
    paragraph: list[str] = []
    in_table = False

    def close_paragraph() -> None:
        if paragraph:
            text = re.sub(r"`([^`]+)`", r"« \1 »", " ".join(paragraph))
            lead, rest = ("", text)
            if text.startswith("**") and "**" in text[2:]:
                lead, rest = text[2:].split("**", 1)
            blocks.append(("text", [lead.strip(), rest.replace("**", "")]))
            paragraph.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            close_paragraph()
            cells = [c.replace("`, `", " · ").replace("**", "").replace("`", "").strip()
                     for c in stripped.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):     # not the |---|---| line
                blocks.append(("row" if in_table else "head", cells))
            in_table = True
            continue
        in_table = False
        if stripped:
            paragraph.append(stripped)
        else:
            close_paragraph()
    close_paragraph()
    return blocks


def _write_instructions(book) -> None:
    sheet = book.add_worksheet("mode_d_emploi")
    widths = (20, 48, 28)              # about A4 portrait at full size (8 pt or more when printed)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True})
    formats = {"row": book.add_format({"text_wrap": True, "valign": "top", "border": 1}),
               "head": book.add_format({"text_wrap": True, "valign": "top", "border": 1, "bold": True,
                                        "bg_color": "#dde7f0"})}
    row, previous = 0, None
    for kind, cells in instruction_blocks(FORMAT_HELP + "\n" + PRIVACY_RULES):
        if previous in ("head", "row") and kind == "text":
            row += 1                                      # a blank line after a table
        if kind == "text":
            lead, rest = cells
            sheet.merge_range(row, 0, row, len(widths) - 1, "", wrap)
            if lead:
                sheet.write_rich_string(row, 0, bold, lead, rest, wrap)
            else:
                sheet.write_string(row, 0, rest, wrap)
            # a merged cell does not grow by itself: about 100 characters a line across the three columns
            sheet.set_row(row, 15 * _lines(lead + rest, sum(widths)) + 3)
            row += 2
        else:
            for col, text in enumerate(cells[:len(widths)]):
                sheet.write_string(row, col, text, formats[kind])
            sheet.set_row(row, 15 * max(_lines(t, w) for t, w in zip(cells, widths, strict=False)) + 2)
            row += 1
        previous = kind
    sheet.set_paper(9)                                    # A4, one page wide, as many pages long as needed
    sheet.fit_to_pages(1, 0)


def _lines(text: str, width: int) -> int:
    """How many lines `text` takes in a wrapped cell `width` characters wide (roughly)."""
    return max(1, -(-len(text) * 10 // (width * 11)))


def build_template(cur: duckdb.DuckDBPyConnection, path: str | Path | None = None, *,
                   kind: str | None = None) -> bytes:
    """The template as bytes (CSV or XLSX, from `kind` or the path's extension); written to `path`
    when given."""
    if kind is None:
        suffix = Path(path).suffix.lower() if path else ".xlsx"
        kind = {".csv": "csv", ".xlsx": "xlsx"}.get(suffix)
        if kind is None:
            raise DQError(f"Extension « {suffix} » non prise en charge : le modèle s'écrit en .csv ou en .xlsx.")
    content = template_csv(cur) if kind == "csv" else template_xlsx(cur)
    if path:
        Path(path).write_bytes(content)
    return content
