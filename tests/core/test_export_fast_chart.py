"""The fast line chart writes byte for byte the XML of XlsxWriter's own line chart."""

import io

import xlsxwriter
from xlsxwriter.chart_line import ChartLine

from dq_core.export.fast_chart import FastLineChart, add_line_chart

TOKENS = [None, "0.46", "-1.5E-07", "12", " 3\x1c", "1_0", "abc", "a&b<c>", "x\x01y", "_x0041_", "T1 2020",
          "2019", 7, 2.5, True, "inf", "nan", ""]


def _xml(chart, method: str, data) -> str:
    chart.fh = io.StringIO()
    getattr(chart, method)(data)
    return chart.fh.getvalue()


def test_cached_points_are_written_as_xlsxwriter_writes_them():
    ours, theirs = FastLineChart(), ChartLine()
    for method in ("_write_num_cache", "_write_str_cache"):
        for data in (TOKENS, [], [None], ["5"]):
            assert _xml(ours, method, data) == _xml(theirs, method, data), (method, data)
    assert _xml(ours, "_write_num_cache", None) == _xml(theirs, "_write_num_cache", None)


def test_add_line_chart_registers_the_chart_in_its_workbook():
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    chart = add_line_chart(wb)
    assert isinstance(chart, FastLineChart) and wb.charts == [chart] and chart.embedded
    wb.add_worksheet()
    wb.close()
