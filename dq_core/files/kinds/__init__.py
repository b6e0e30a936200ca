"""The kinds of files the app reads, each recognised from its content: one module a kind, one line here each.

`KINDS` is tried in order, the most specific first: an INSEE base also has a territory column, so it
would pass for a partner's table if partner layouts came first.
"""

from __future__ import annotations

from dq_core.files.kinds import (
    address_list,
    ban_addresses,
    caf_iris,
    correspondence,
    dju_export,
    enedis_addresses,
    energy_residences,
    insee_references,
    insee_sources,
    insee_thematic,
    meteofrance,
    odre_temperatures,
    partner_tables,
    qpv_geography,
)
from dq_core.files.kinds.base import FileKind, NotRecognised, Reading, Sample, unrecognised_columns
from dq_core.files.read.source import KIND_MESSAGES

KINDS: tuple[FileKind, ...] = (
    correspondence.KIND,
    ban_addresses.KIND,
    enedis_addresses.KIND,
    odre_temperatures.KIND,
    dju_export.KIND,
    meteofrance.DAILY,
    meteofrance.MONTHLY,
    energy_residences.KIND,
    insee_thematic.KIND,
    insee_sources.KIND,
    insee_references.KIND,
    caf_iris.KIND,
    qpv_geography.LIST,
    qpv_geography.GEOJSON,
    qpv_geography.SHAPEFILE,
    partner_tables.LONG,
    partner_tables.WIDE_PERIOD,
    partner_tables.WIDE_INDICATOR,
    partner_tables.POINTS,
    address_list.KIND,
)
BY_NAME = {kind.name: kind for kind in KINDS}

_CONTAINER_MESSAGES = {
    "zip": "Archive zip sans fichier reconnu (shapefile, GeoJSON, CSV ou Excel).",
    "xlsx": "Classeur Excel sans en-tête reconnu (CODGEO, code_qp, QP2024…) dans ses premières lignes.",
    "empty": "Le fichier est vide.",
}


def recognise(sample: Sample) -> FileKind | None:
    """The first kind that recognises the sample's content, or None."""
    return next((kind for kind in KINDS if kind.recognise(sample)), None)


def why_not_recognised(sample: Sample) -> str:
    """A French sentence for a file no kind recognises."""
    if sample.container in _CONTAINER_MESSAGES and not sample.head_tables:
        return _CONTAINER_MESSAGES[sample.container]
    if sample.is_json:
        return "Fichier JSON qui n'est pas une collection GeoJSON de quartiers."
    if sample.container in ("huge_xlsx", "encrypted_xlsx"):
        return KIND_MESSAGES[sample.container]
    if sample.container not in ("csv", "xlsx"):
        return "Fichier binaire d'un format non pris en charge."
    header = sample.head_tables[0].header if sample.head_tables else []
    companion = insee_sources.companion_message(header)
    if companion:
        return companion
    # Never quote the file: it may be anything on the machine (a folder's stray file, /etc/passwd).
    return (f"En-tête non reconnu ({len(header)} colonne{'s' if len(header) > 1 else ''}) : ni base thématique "
            "de l'Insee, ni liste ou contours de quartiers, ni table de correspondance, ni tableau de partenaire.")


__all__ = ["BY_NAME", "KINDS", "FileKind", "NotRecognised", "Reading", "Sample", "recognise", "unrecognised_columns",
           "why_not_recognised"]
