"""What a workspace holds: its name, its sources with their periods and the coverage of each indicator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from dq_core.store import db


@dataclass(frozen=True)
class SourceSummary:
    producer: str
    dataset: str
    indicators: int
    first_period: str | None
    last_period: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class WorkspaceSummary:
    name: str
    demo: bool
    quartiers: int
    communes: int
    indicators: int
    observations: int
    sources: list[SourceSummary]


def workspace_summary(cur: duckdb.DuckDBPyConnection) -> WorkspaceSummary:
    counts = dict(cur.execute("SELECT level, count(*) FROM territory GROUP BY level").fetchall())
    indicators = cur.execute("SELECT count(*) FROM indicator").fetchone()[0]
    observations = cur.execute("SELECT count(*) FROM observation").fetchone()[0]
    sources = [SourceSummary(*row) for row in cur.execute("""
        SELECT i.producer, i.dataset, count(DISTINCT i.id),
               min(o.period) FILTER (WHERE length(o.period) = 4),
               max(o.period), max(b.imported_at)
        FROM indicator i
        LEFT JOIN observation o ON o.indicator = i.id
        LEFT JOIN import_batch b ON b.id = o.batch_id AND b.status = 'imported'
        GROUP BY ALL ORDER BY i.producer, i.dataset""").fetchall()]
    name = db.get_meta(cur, "workspace_name") or "Ma base"
    return WorkspaceSummary(name, db.is_demo(cur), counts.get("quartier", 0), counts.get("commune", 0),
                            indicators, observations, sources)


def indicator_coverage(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per indicator: its catalogue entry, the periods it covers and how many quartiers.

    A missing rule or caveat is an empty text (pandas would make it NaN, shown as « nan »).
    """
    return cur.execute("""
        SELECT i.id, i.label, d.label AS domain, i.unit, i.kind, i.direction, i.producer, i.dataset,
               i.definition, i.periodicity, coalesce(i.secret_rule, '') AS secret_rule,
               coalesce(i.caveat, '') AS caveat,
               min(o.period) AS first_period, max(o.period) AS last_period,
               count(DISTINCT o.territory) FILTER (WHERE t.level = 'quartier') AS quartiers,
               count(DISTINCT o.territory) FILTER (WHERE t.level <> 'quartier') AS references
        FROM indicator i
        LEFT JOIN domain d ON d.id = i.domain
        LEFT JOIN observation o ON o.indicator = i.id
        LEFT JOIN territory t ON t.code = o.territory
        GROUP BY ALL
        ORDER BY any_value(d.sort_order), any_value(i.sort_order), i.id""").df()
