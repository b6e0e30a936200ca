"""Small files in the layout of INSEE's reference files: Filosofi DISP (communes … France métropolitaine)
and Caf allocataires per IRIS — written here, never copied from the shared data."""

from __future__ import annotations

# The variables after CODGEO;LIBGEO, as in FILO2018_DISP_*.csv (`yy` = the data year's two digits);
# 2014 has PTSAC instead of PACT, PTSA and PCHO.
_DISP_VARIABLES = ("NBMEN{y};NBPERS{y};NBUC{y};Q1{y};Q2{y};Q3{y};Q3_Q1;D1{y};D2{y};D3{y};D4{y};D6{y};D7{y};D8{y};"
                   "D9{y};RD;S80S20{y};GI{y};PACT{y};PTSA{y};PCHO{y};PBEN{y};PPEN{y};PPAT{y};PPSOC{y};PPFAM{y};"
                   "PPMINI{y};PPLOGT{y};PIMPOT{y}")
_DISP_2014 = ("NBMEN14;NBPERS14;NBUC14;Q114;Q214;Q314;Q3_Q1;D114;D214;D314;D414;D614;D714;D814;D914;RD;S80S2014;"
              "GI14;PTSAC14;PBEN14;PPEN14;PPAT14;PPSOC14;PPFAM14;PPMINI14;PPLOGT14;PIMPOT14")


def disp_header(year: int) -> list[str]:
    variables = _DISP_2014 if year == 2014 else _DISP_VARIABLES.format(y=f"{year % 100:02d}")
    return ["CODGEO", "LIBGEO", *variables.split(";")]


def disp_row(year: int, code: str, name: str, median: int, *, small: bool = False) -> str:
    """A territory's line: every variable derived from its median (so a test can say what it expects);
    a small commune has only NBMEN, NBPERS, NBUC and Q2, the other cells empty, as INSEE ships them."""
    header = disp_header(year)
    q2 = f"{median}"
    values = {"NBMEN": "1200", "NBPERS": "2600", "NBUC": "1790,4", "Q2": q2}
    if not small:
        values |= {"Q1": f"{median - 5000}", "Q3": f"{median + 6000}", "Q3_Q1": "11000", "D1": f"{median - 9000}",
                   "D9": f"{median + 15000}", "RD": "3,4", "S80S20": "4,4", "GI": "0,294", "PACT": "74,5",
                   "PTSA": "65,9", "PCHO": "3,0", "PBEN": "5,6", "PTSAC": "67,4", "PPEN": "28,3", "PPAT": "10,2",
                   "PPSOC": "5,5", "PPFAM": "2,1", "PPMINI": "2,1", "PPLOGT": "1,3", "PIMPOT": "-18,51"}
        values |= {f"D{i}": f"{median - 1000 * (5 - i)}" for i in (2, 3, 4, 6, 7, 8)}
    cells = [code, name]
    for column in header[2:]:
        stem = column if column in ("Q3_Q1", "RD") else column[:-2]
        cells.append(values.get(stem, ""))
    return ";".join(cells)


def disp_csv(year: int, *rows: str, trailing: int = 0) -> bytes:
    """`;`, decimal comma, UTF-8 with BOM; `trailing` empty columns (the 2017 files end with 70 of them)."""
    lines = [";".join(disp_header(year)) + ";" * trailing, *(r + ";" * trailing for r in rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


CAF_COLUMNS = ("A;PERCOU;AI;AM;ACSSENF;ACAVENF;AC3ENF;ENF;ENF_2;ENF_3_5;ENF_6_10;ENF_11_14;ENF_15_17;ENF_18_24;"
               "A_ETUD;A_NETUD_24;AAL;AAPL;AAAH;APPA;ARSAS").split(";")
CAF_2016_EXTRA = ["APRES50", "APRES100"]


def caf_row(iris: str, allocataires: int | None, *, blank: tuple[str, ...] = (), extra: bool = False) -> str:
    """An IRIS line (2019-2020 layout `CODGEO;NOTE;A;…`): counts derived from A; `allocataires=None` is
    an IRIS left blank by the Caf; `blank` columns are left empty (small counts)."""
    columns = CAF_COLUMNS + (CAF_2016_EXTRA if extra else [])
    if allocataires is None:
        return ";".join([iris, "0"] + [""] * len(columns))
    a = allocataires
    derived = {"A": a, "PERCOU": int(a * 2.4), "APRES50": a // 4, "APRES100": a // 8}
    cells = [iris, "0"]
    for i, column in enumerate(columns):
        value = derived.get(column, max(5, a // (i + 3)))
        cells.append("" if column in blank else f"{value:,}".replace(",", " "))
    return ";".join(cells)


def caf_csv(*rows: str, extra: bool = False) -> bytes:
    columns = CAF_COLUMNS + (CAF_2016_EXTRA if extra else [])
    return ("\r\n".join([";".join(["CODGEO", "NOTE", *columns]), *rows]) + "\r\n").encode("utf-8")
