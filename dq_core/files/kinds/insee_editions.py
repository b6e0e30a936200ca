"""Which year the figures of an INSEE thematic base describe: edition → data year, per group of columns.

An edition of the "Données par thématique" QPV bases gathers sources of different years: REVN 2022 holds
Filosofi 2018 incomes, DEMO 2018 repeats the 2013 census unchanged. Every entry below says where the fact
comes from. A column or an edition missing here has no established data year: its figures keep the
edition's year, and their note says so (never a guess).
"""

from __future__ import annotations

from dataclasses import dataclass

from dq_core.flags import NOTE_EDITION_YEAR


@dataclass(frozen=True)
class DataYear:
    period: str                      # the year the figures describe, or the edition's when not established
    established: bool
    note: str | None                 # said next to every figure (population repeated, year not established)


@dataclass(frozen=True)
class Rule:
    themes: tuple[str, ...]
    columns: frozenset[str]          # upper-case column names
    years: dict[int, str]            # edition → data year
    basis: dict[int, str]            # edition → where the fact comes from (kept with the rule, for review)
    note: str | None = None          # shown with each figure ({edition}, {year})


_FILOSOFI = frozenset({"PMIMP", "PART_CHOMPRINC", "DECUC_Q1", "DECUC_Q2", "DECUC_Q3", "DECUC_D1", "DECUC_D9",
                       "DECUC_D1D9", "BREV", "DISP_Q1", "DISP_Q2", "DISP_Q3", "DISP_D1", "DISP_D9", "DISP_D1D9",
                       "TP60", "PACT", "PPEN", "PPSOC", "PIMPOT", "PPAT"})
_POPULATION = frozenset({"POP_MUN", "POP_COM_QP", "POP_COM"})
_CENSUS_SHARES = frozenset({"TX_F", "TX_TOT_0A24", "TX_F_0A24", "TX_TOT_60ETPLUS", "TX_F_60ETPLUS", "IND_JEUNE",
                            "TX_TOT_MEN1", "TX_TOT_MEN6", "TX_TOT_ET", "TX_F_ET", "TX_TOT_EMPL", "TX_F_EMPL",
                            "TX_ET_EMPL", "TX_TOT_EPREC", "TX_F_EPREC", "TX_ET_EPREC"})

_VERIFIED_FILO = ("identical, quartier by quartier (median and poverty rate of all 1 352 QPV), to INSEE's "
                  "Filosofi {year} 'données par source' file data_filo{yy}_qp_revdis.csv")
_INFERRED_FILO = ("inferred: REVN 2017, 2018 and 2019 each hold a different Filosofi year, none equal to Filosofi "
                  "2016-2019 (compared with data_filo16..19_qp_revdis.csv), and REVN 2021 holds Filosofi 2017: one "
                  "Filosofi year per edition, four years before it")
_POP_2013 = ("the national total 5 019 573 of DEMO 2017-2019 is INSEE's 2013 census population of the QPV "
             "(métropole + La Réunion); DEMO 2017, 2018 and 2019 carry the same populations for every quartier")
_POP_2018 = "DEMO 2021 and 2022 carry the same populations for every quartier: INSEE's 2018 census QPV populations"
_SHARES_2013 = ("the census shares of DEMO and IPRO 2017 and 2018 are identical for every quartier, and the "
                "2017 edition's populations are those of the 2013 census")

RULES: list[Rule] = [
    Rule(("REVN",), _FILOSOFI, years={2021: "2017", 2022: "2018"},
         basis={2021: _VERIFIED_FILO.format(year=2017, yy=17), 2022: _VERIFIED_FILO.format(year=2018, yy=18)}),
    Rule(("REVN",), _FILOSOFI, years={2017: "2013", 2018: "2014", 2019: "2015"},
         basis=dict.fromkeys((2017, 2018, 2019), _INFERRED_FILO),
         note="Filosofi {year} : année déduite de la succession des éditions de l'Insee (l'édition {edition} "
              "ne la précise pas)."),
    Rule(("DEMO",), _POPULATION,
         years={2017: "2013", 2018: "2013", 2019: "2013", 2020: "2013", 2021: "2018", 2022: "2018"},
         basis={**dict.fromkeys((2017, 2018, 2019, 2020), _POP_2013), **dict.fromkeys((2021, 2022), _POP_2018)},
         note="Population au recensement de {year} (reprise par l'édition {edition})."),
    Rule(("DEMO", "IPRO"), _CENSUS_SHARES,
         years={2017: "2013", 2018: "2013"}, basis=dict.fromkeys((2017, 2018), _SHARES_2013),
         note="Recensement de {year} (repris par l'édition {edition})."),
]


def data_year(theme: str, column: str, edition: int) -> DataYear:
    """The data year of `column` in the `edition` of a thematic base (`theme`: DEMO, IPRO, REVN)."""
    name = column.strip().upper()
    for rule in RULES:
        if theme in rule.themes and name in rule.columns and edition in rule.years:
            year = rule.years[edition]
            note = rule.note.format(year=year, edition=edition) if rule.note else None
            return DataYear(year, True, note)
    return DataYear(str(edition), False, NOTE_EDITION_YEAR.format(edition=edition))
