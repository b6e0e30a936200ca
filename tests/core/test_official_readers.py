"""Readers of the official formats: bytes in, clean frames out (no database)."""

import json

import pytest

from dq_core.errors import DQError
from dq_core.files.kinds import NotRecognised, correspondence
from dq_core.files.kinds import insee_thematic as thematic
from dq_core.files.kinds import qpv_geography as geography
from dq_core.files.kinds.insee_catalogue import THEME_LABELS
from dq_core.files.official import collect_uploads, read_file
from dq_core.files.read.codes import pad_code
from dq_core.files.read.numbers import numbers, parse_number
from dq_core.files.read.source import FileSource
from dq_core.files.read.tables import read_csv_text
from dq_core.files.read.text import decode
from tests.official_fixtures import (
    QPV2024,
    REGIONAL,
    correspondence_csv,
    lambert_shapefile_zip,
    require_official,
    thematic_xlsx,
)

DEMO_HEADER = ("CODGEO;LIBGEO;POP_MUN;POP_COM_QP;POP_COM;LIB_COM;TX_F;TX_TOT_0A24;TX_F_0A24;TX_TOT_60ETPLUS;"
               "TX_F_60ETPLUS;IND_JEUNE;TX_TOT_MEN1;TX_TOT_MEN6;TX_TOT_ET;TX_F_ET;NOTE_RP;A;PERCOU;AM;AI;ACSSENF;"
               "ACAVENF;AC3ENF;A_NETUD_24;A_ETUD;ENF;ENF_2;ENF_3_5;ENF_6_10;ENF_11_14;ENF_15_17;ENF_18_24;NOTE_CNAF")
MALAKOFF_DEMO_2022 = ("QP044013;Malakoff;3\u202f486;43\u202f975;314\u202f138;Nantes;51,1;39,3;36,7;16,4;17,6;2,0;"
                      "36,1;;27,8;28,7;0;1\u202f301;2\u202f995;260;644;80;317;144;106;31;1\u202f298;191;235;345;"
                      "219;160;148;0")


def demo_csv(*rows: str, trailing: int = 40) -> bytes:
    body = "\r\n".join(r + ";" * trailing for r in (DEMO_HEADER, *rows))
    return ("\ufeff" + body + "\r\n").encode("utf-8")


def test_french_numbers_and_secret_cells():
    assert parse_number("3\u202f486") == 3486.0
    assert parse_number("1\u00a0428\u00a0400") == 1428400.0
    assert parse_number("-10,1") == -10.1
    for empty in ("", " ", "s", "nd", "ns", "so", None):
        assert parse_number(empty) is None
    import pandas as pd
    assert numbers(pd.Series(["47,3", "", "9\u202f050"], dtype="string")).tolist()[::2] == [47.3, 9050.0]
    assert pad_code("1053") == "01053" and pad_code("2A004") == "2A004" and pad_code(1053.0) == "01053"


def test_thematic_csv_is_recognised_from_its_header_whatever_its_name():
    kind, reading = read_file(FileSource("telechargement 2022 (3).csv", data=demo_csv(MALAKOFF_DEMO_2022)))
    assert kind.name == "insee_thematique" and f"« {THEME_LABELS['DEMO']} »" in reading.label
    assert reading.label.endswith("édition 2022") and set(reading.observations["edition"]) == {"2022"}
    with pytest.raises(DQError, match="Édition introuvable"):
        # No year anywhere: the reader refuses to guess the edition of a DEMO file.
        thematic.read_thematic("x.csv", read_csv_text(decode(demo_csv(MALAKOFF_DEMO_2022))), "DEMO")


def test_thematic_reader_values_periods_notes_and_secrets():
    table = read_csv_text(decode(demo_csv(MALAKOFF_DEMO_2022)))
    data = thematic.read_thematic("DEMO_2022.csv", table, "DEMO")
    obs = data.observations.set_index(["territory", "indicator"])
    assert data.edition == 2022 and data.theme == "DEMO"
    pop = obs.loc[("QP044013", "pop_totale")]
    assert pop["value"] == 3486 and pop["period"] == "2018" and pop["edition"] == "2022"
    assert "recensement de 2018" in pop["note"]
    assert obs.loc[("QP044013", "part_femmes")]["period"] == "2022"
    grands = obs.loc[("QP044013", "part_grands_menages")]          # empty cell in the file
    assert grands["is_secret"] and grands["value"] != grands["value"]
    assert "secret" in grands["note"]
    assert list(data.quartiers["commune_names"][0]) == ["Nantes"]


def test_ensemble_row_becomes_the_reference_of_all_quartiers():
    ensemble = "Ensemble;Ensemble des QPV;5\u202f019\u202f573;;;" + ";52,1" * 10 + ";;1\u202f428\u202f400" + ";1" * 16
    data = thematic.read_thematic("DEMO_2017.csv", read_csv_text(decode(demo_csv(ensemble, MALAKOFF_DEMO_2022))),
                                  "DEMO")
    ens = data.observations[data.observations["territory"] == "ENSQP2015"].set_index("indicator")
    assert ens.loc["pop_totale", "value"] == 5019573 and ens.loc["pop_totale", "period"] == "2013"
    assert not ens["is_secret"].any()                 # the national row's blanks are not secrets
    assert "pop_quartiers_commune" not in ens.index
    assert set(data.quartiers["code"]) == {"QP044013"}


def test_renamed_and_trailing_space_columns():
    header = "CODGEO;LIBGEO;TX_TOT_EMPL;TX_F_EMPL;TX_ET_EMPL;TX_TOT_EDLIM;TX_F_EDLIM;TX_ET_EDLIM;CA;NOTE_ASP;EVOL_CA_N_E ;ABC;ABC_F;ABC_H"
    row = "QP044013;Malakoff;46,0;40,5;35,4;25,2;;37,5;9;0;12,5;597;289;308"
    data = thematic.read_thematic("IPRO_2021.csv", read_csv_text("\r\n".join([header, row])), "IPRO")
    obs = data.observations.set_index("indicator")
    assert obs.loc["part_emplois_precaires", "value"] == 25.2
    assert obs.loc["part_emplois_precaires", "is_break"]               # EPREC → EDLIM in 2021
    assert obs.loc["evolution_entrees_contrats_aides", "value"] == 12.5
    assert obs.loc["demandeurs_emploi_abc", "value"] == 597 and data.unmapped == []


def test_secondary_suppression_hides_what_subtraction_would_give():
    header = "CODGEO;LIBGEO;TX_TOT_EMPL;ABCDE;ABCDE_F;ABCDE_H;ABC;ABC_F;ABC_H;NOTE_PE"
    rows = ["QP044013;Malakoff;46,0;660;316;344;597;;308;0",      # ABC_F alone blank: = 597 - 308
            "QP044014;Bout;40,0;400;;;380;200;180;0"]              # two blanks in ABCDE: already safe
    data = thematic.read_thematic("IPRO_2022.csv", read_csv_text("\n".join([header, *rows])), "IPRO")
    obs = data.observations.set_index(["territory", "indicator"])
    assert obs.loc[("QP044013", "demandeurs_emploi_abc_femmes"), "is_secret"]
    hidden = obs.loc[("QP044013", "demandeurs_emploi_abc_hommes")]
    assert hidden["is_secret"] and hidden["value"] != hidden["value"] and "secondaire" in hidden["note"]
    assert data.secondary == 1
    assert not obs.loc[("QP044013", "demandeurs_emploi_abc"), "is_secret"]
    assert obs.loc[("QP044014", "demandeurs_emploi_abc_femmes"), "value"] == 200


def test_derived_rates_only_from_published_counts():
    header = "CODGEO;LIBGEO;PMIMP;TP60;C;C_C2SNP;C_C2SP;NOTE_CNAM;A;APRES50"
    rows = ["QP044013;Malakoff;22,8;47,3;3\u202f848;1\u202f215;308;0;1\u202f301;456",
            "QP044014;Bout;20,0;30,0;1\u202f000;;50;0;400;120"]
    data = thematic.read_thematic("REVN_2022.csv", read_csv_text("\n".join([header, *rows])), "REVN")
    obs = data.observations.set_index(["territory", "indicator"])
    assert obs.loc[("QP044013", "beneficiaires_c2s"), "value"] == 1523
    assert obs.loc[("QP044013", "part_c2s"), "value"] == pytest.approx(39.6)
    assert obs.loc[("QP044013", "part_c2s"), "denominator"] == 3848
    assert obs.loc[("QP044014", "part_c2s"), "is_secret"]                 # one input secret
    assert obs.loc[("QP044013", "part_alloc_dependants"), "value"] == pytest.approx(35.0)


def test_mixed_derived_tables_are_skipped_not_failed():
    table = read_csv_text("code_qp,nom_qp,pop_mun,tx_f,percou,tp60,pmimp,abcde,tx_tot_empl\nQP009001,X,1,2,3,4,5,6,7")
    with pytest.raises(NotRecognised, match="composite"):
        thematic.theme_of(table)


def test_xlsx_header_found_below_title_rows_whatever_the_sheet_name():
    workbook = thematic_xlsx(demo_csv(MALAKOFF_DEMO_2022), sheet="Données quartiers", title_rows=7,
                             title="Démographie des quartiers prioritaires - édition 2022")
    kind, data = read_file(FileSource("base.xlsx", data=workbook))
    assert kind.name == "insee_thematique" and data.label.endswith("édition 2022")
    assert data.observations.set_index("indicator").loc["pop_totale", "value"] == 3486


def test_geojson_2024_official_layout_any_case_and_multi_commune():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"Code_QP": "QN04405M", "Lib_QP": "Bellevue",
                                           "INSEE_COM": "44109; 44162", "LIB_COM": "Nantes; Saint-Herblain"},
         "geometry": {"type": "Polygon", "coordinates": [[[-1.6, 47.2], [-1.59, 47.2], [-1.59, 47.21],
                                                           [-1.6, 47.2]]]}}]}
    frame = geography.read_geojson(json.dumps(doc)).frame
    row = frame.iloc[0]
    assert row["code"] == "QN04405M" and row["vintage"] == 2024 and row["name"] == "Bellevue"
    assert list(row["commune_codes"]) == ["44109", "44162"]
    assert -1.6 < row["lon"] < -1.59 and 47.2 < row["lat"] < 47.21


def test_zipped_lambert93_shapefile_is_reprojected():
    # A square around Nantes in Lambert-93 metres.
    x, y = 355_000, 6_690_000
    ring = [(x, y), (x + 500, y), (x + 500, y + 500), (x, y + 500), (x, y)]
    data = lambert_shapefile_zip([({"CODE_QP": "QP044013", "NOM_QP": "Malakoff", "COMMUNE_QP": "Nantes"}, ring)])
    sources = collect_uploads([("qp-politiquedelaville-shp.zip", data)])
    kind, reading = read_file(sources[0])
    row = reading.quartiers.iloc[0]
    assert kind.name == "qpv_contours_shapefile" and row["code"] == "QP044013" and row["commune_names"] == ["Nantes"]
    assert -1.6 < row["lon"] < -1.5 and 47.2 < row["lat"] < 47.25
    assert json.loads(row["geometry"])["type"] == "Polygon"


def test_correspondence_layout():
    data = correspondence_csv([
        ("QN04413M", "Malakoff", "Modifié", [("QP044013", "Malakoff")]),
        ("QN04405M", "Bellevue", "", [("QP044005", "Bellevue"), ("QP044006", "Autre")]),
        ("QN04914N", "Gide - Colomb", "Nouveau", []),
    ])
    kind, reading = read_file(FileSource("liste-correspondance.csv", data=data))
    pairs = reading.correspondence
    assert kind.name == "anct_correspondance"
    assert pairs[pairs["qp2024"] == "QN04405M"]["qp2015"].tolist() == ["QP044005", "QP044006"]
    assert pairs.set_index("qp2024").loc["QN04914N", "status"] == "N"
    assert correspondence.status_of("QN03503I") == "I"


def test_unrecognised_files_say_why():
    for name, data in [("notes.md", b"# Notes\nrien"), ("dpe.json", b'{"total": 3, "results": []}'),
                       ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00")]:
        with pytest.raises(NotRecognised):
            read_file(FileSource(name, data=data))


def test_anct_list_fixture_pads_insee_codes():
    require_official()
    kind, reading = read_file(FileSource("x.csv", data=(QPV2024 / "listeqp2024_sample_FIXTURE.csv").read_bytes()))
    frame = reading.quartiers.set_index("code")
    assert kind.name == "qpv_liste" and len(frame) == 4
    assert frame.loc["QN00101M", "commune_codes"] == ["01053"]
    assert frame.loc["QN00201M", "commune_codes"] == ["02571", "02691"]


def test_real_regional_extracts_read_with_their_row_counts():
    require_official()
    for path in sorted(REGIONAL.glob("*.csv")):
        kind, reading = read_file(FileSource(path.name, path=path))
        assert kind.name == "insee_thematique", path.name
        assert len(reading.quartiers) == 78, path.name


def test_every_official_indicator_is_documented_in_french():
    from dq_core.files.kinds.insee_catalogue import OFFICIAL_INDICATORS, THEME_COLUMNS
    from dq_core.store.catalogue import DOMAINS

    domains = {d for d, _ in DOMAINS}
    ids = {ind.id for ind in OFFICIAL_INDICATORS}
    assert len(ids) == len(OFFICIAL_INDICATORS)
    for ind in OFFICIAL_INDICATORS:
        assert ind.domain in domains and ind.label and ind.definition.endswith("."), ind.id
        assert ind.producer and ind.dataset and ind.unit, ind.id
        if ind.kind in {"rate", "ratio", "mean"}:
            assert ind.scale and ind.numerator_label and ind.denominator_label, ind.id
    for theme, columns in THEME_COLUMNS.items():
        assert set(columns.values()) <= ids, theme


def test_quality_notes_are_kept_on_the_columns_they_qualify():
    header = "CODGEO;LIBGEO;TX_F;NOTE_RP;A;PERCOU;NOTE_CNAF;POP_MUN"
    table = read_csv_text("\n".join([header, "QP044013;Malakoff;51,1;0;1\u202f301;2\u202f995;5;3\u202f486"]))
    obs = thematic.read_thematic("DEMO_2022.csv", table, "DEMO").observations.set_index("indicator")
    assert "« Caf »" in obs.loc["allocataires_caf", "note"] and "5" in obs.loc["allocataires_caf", "note"]
    assert "qualité" not in obs.loc["part_femmes", "note"]          # NOTE_RP = 0: no reservation
    assert obs.loc["part_femmes", "period"] == "2022" and "non précisée" in obs.loc["part_femmes", "note"]
    assert obs.loc["pop_totale", "period"] == "2018" and "recensement de 2018" in obs.loc["pop_totale", "note"]


def test_anct_geojson_zip_imports_the_whole_france_file_only():
    import io
    import zipfile

    def collection(code):
        return json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
            "code_qp": code, "lib_qp": "Q", "insee_com": "44109", "lib_com": "Nantes"}, "geometry": {
            "type": "Polygon", "coordinates": [[[-1.6, 47.2], [-1.59, 47.2], [-1.59, 47.21], [-1.6, 47.2]]]}}]})
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson", collection("QN04413M"))
        z.writestr("GEOJSON/QP2024_LaReunion_WGS84.geojson", collection("QN97401I"))
    sources = collect_uploads([("qpv-2024-geojson.zip", archive.getvalue())])
    assert [s.name for s in sources] == ["qpv-2024-geojson.zip/GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"]
    assert read_file(sources[0])[1].quartiers["code"].tolist() == ["QN04413M"]


def test_correspondence_xlsx_variant():
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "hexagone"
    ws.append(["Liste de correspondance QP 2024 - QP 2015"])
    ws.append([])
    ws.append(["QP2024", "Nom QP 2024", "QP 2015 correspondant"])
    ws.append(["QN04405M", "Bellevue", "QP044005, QP044006"])
    ws.append(["QN04413M", "Malakoff", "QP044013"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    kind, reading = read_file(FileSource("liste-correspondance-qp2024-qp2015-hexagone.xlsx", data=buffer.getvalue()))
    assert kind.name == "anct_correspondance"
    assert reading.correspondence.values.tolist() == [["QN04405M", "QP044005", "M"], ["QN04405M", "QP044006", "M"],
                                              ["QN04413M", "QP044013", "M"]]
