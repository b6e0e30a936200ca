"""The file-kind seam: what a kind of file says about itself, and the sample of a file it looks at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from dq_core import french
from dq_core.errors import DQError
from dq_core.files.read.source import SAMPLE, FileSource, gunzipped, sniff_kind
from dq_core.files.read.tables import Table, read_csv_text, read_xlsx_tables
from dq_core.files.read.text import decode, decode_head

HEAD_ROWS = 60          # rows of a file that recognising looks at


class NotRecognised(DQError):
    """The file is none of the kinds this way in reads: skipped (not an error), with the reason."""


@dataclass
class Sample:
    """A file as recognising and reading see it: its container, its first rows, then (on demand) all of it.

    `head_tables` hold the first rows only (recognising never reads a large file whole); `tables` and
    `text` read the whole file, once, for kinds that read files whole.
    """
    source: FileSource
    indicators: dict[str, str] = field(default_factory=dict)    # catalogue id → label (partner headers)

    def __post_init__(self):
        # A `.gz` (the address base is published so) is read as the file it holds.
        if sniff_kind(self.source) == "gzip":
            self.source = gunzipped(self.source)

    @cached_property
    def container(self) -> str:
        """'csv', 'xlsx', 'shapefile', 'zip', 'empty', 'binary'… (`read.source.sniff_kind`)."""
        return sniff_kind(self.source)

    @cached_property
    def is_json(self) -> bool:
        return self.container == "csv" and decode_head(self.source.head(4096)).lstrip().startswith(("{", "["))

    @cached_property
    def head_tables(self) -> list[Table]:
        if self.container == "xlsx":
            return _sheets_first(read_xlsx_tables(self.source, max_rows=HEAD_ROWS))
        if self.container != "csv" or self.is_json:
            return []
        head = self.source.head(SAMPLE + 1)
        lines = decode_head(head[:SAMPLE]).splitlines(keepends=True)
        if len(lines) > HEAD_ROWS or len(head) > SAMPLE:
            lines = lines[:min(len(lines) - 1, HEAD_ROWS)] or lines        # no half line at the end
        return _or_empty("".join(lines))

    @cached_property
    def text(self) -> str:
        return decode(self.source.read())

    @cached_property
    def tables(self) -> list[Table]:
        if self.container == "xlsx":
            return _sheets_first(read_xlsx_tables(self.source))
        return [] if self.is_json else _or_empty(self.text)


def _or_empty(text: str) -> list[Table]:
    try:
        return [read_csv_text(text)]
    except DQError:
        return []


def _sheets_first(tables: list[Table]) -> list[Table]:
    """A workbook's `QP`/`QPV` sheet first: INSEE's workbooks hold the quartiers there."""
    return sorted(tables, key=lambda t: (t.sheet or "").upper() not in ("QP", "QPV"))


# The columns of `Reading.observations`. `period` is the year (or month…) the figure describes, `edition`
# the producer's edition of the file, `source` how the product and edition are cited (`texts.citation`).
OBSERVATION_COLUMNS = ["territory", "indicator", "period", "period_start", "value", "numerator", "denominator",
                       "is_secret", "is_provisional", "is_estimated", "is_break", "note", "edition", "source"]


@dataclass
class Reading:
    """A file read into the normalised tables every kind shares; `files.official_write` writes them.

    `quartiers`: code, name, vintage, commune_codes / commune_names (lists), geometry, lon, lat;
    `observations`: `OBSERVATION_COLUMNS`; `indicators`: the
    catalogue ids they use (declared with the batch); `correspondence`: qp2024, qp2015, status;
    `residences`, `energy_use`, `degree_days`: the energy tables' columns (`files.energy_write.TABLES`).
    """
    label: str                                  # « Insee, base thématique … édition 2022 »
    quartiers: pd.DataFrame | None = None
    authoritative: bool = False                 # a geography: its names and communes win
    has_geometry: bool = False
    observations: pd.DataFrame | None = None
    indicators: list[str] = field(default_factory=list)
    secondary: int = 0                          # cells hidden by secondary suppression
    correspondence: pd.DataFrame | None = None
    addresses: pd.DataFrame | None = None       # the address base (`ban_addresses.ADDRESS_COLUMNS`)
    # Reference files (no quartiers): territories to add when absent (code, level, name), and what the
    # French import detail says about what was kept.
    territories: pd.DataFrame | None = None
    detail: str | None = None
    # Energy (`files.energy_write.TABLES` gives their columns): a landlord's residences and their metered
    # consumption, degree days per zone and month.
    residences: pd.DataFrame | None = None
    energy_use: pd.DataFrame | None = None
    degree_days: pd.DataFrame | None = None
    # Rows that need the workspace (its address base, its quartiers' contours) before they become the
    # tables above: `FileKind.place` turns them into those tables, then they are dropped.
    to_locate: pd.DataFrame | None = None
    # What was read and what was set aside, in French (« 809 adresses, 742 localisées… »).
    skipped: list[str] = field(default_factory=list)
    # Column names the kind does not know (a renamed or new variable): ignored, and said in the import report.
    unrecognised: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FileKind:
    """One kind of file. `recognise` looks at a sample's content (never its name); `read` turns the
    whole file into a `Reading` (kinds read whole) — partner tables instead are streamed into the
    workspace by the import pipeline, through `stage`, once the user has confirmed their mapping."""
    name: str                                   # identifier: 'insee_thematique', 'partenaire_long'…
    label: str                                  # French, for messages: « base thématique de l'Insee »
    recognise: Callable[[Sample], bool]
    read: Callable[[Sample], Reading] | None = None
    stage: Callable | None = None               # partner tables: (cur, raw, mapping, labels, report)
    needs: tuple[str, ...] = ()                 # what the user gives: a mapping of columns, a partner name
    personal: bool = False                      # people's data: never imported, only located in memory
    # Rows placed in quartiers with the workspace (addresses matched, points in contours) once read:
    # (cursor, reading) → reading; a French DQError when the workspace cannot (no address base…).
    place: Callable | None = None
    from_partners: bool = False                 # read whole, but brought by partners: the Importer's way in
    tabular: bool = True                        # False: a block of key/value lines and a grid, not one table

    @property
    def is_partner(self) -> bool:
        return self.stage is not None


UNRECOGNISED_SHOWN = 10


def unrecognised_columns(names: list[str]) -> str:
    """« 2 colonnes non reconnues, ignorées : TP6019, POP_MUN2 » (the first ten named), for the import report."""
    shown = ", ".join(names[:UNRECOGNISED_SHOWN])
    more = f" et {len(names) - UNRECOGNISED_SHOWN} autres" if len(names) > UNRECOGNISED_SHOWN else ""
    return f"{french.count(len(names), 'colonne non reconnue')}, {french.agree(len(names), 'ignorée')} : {shown}{more}"
