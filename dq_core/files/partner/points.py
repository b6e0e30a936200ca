"""Point data (one row per building or address with coordinates) aggregated to quartiers, here.

Coordinates are WGS84 longitude/latitude or Lambert-93 x/y (converted by `dq_core.lambert`). Each point is placed in the quartier whose polygon contains it
(shapely, on the machine); only the sums per quartier leave this module — never a coordinate.
"""

from __future__ import annotations

import json

import numpy as np


def quartier_index(quartiers: list[tuple[str, str]]):
    """(codes, STRtree) of quartier polygons from (code, GeoJSON geometry) pairs."""
    import shapely
    from shapely.geometry import shape

    codes, geometries = [], []
    for code, geometry in quartiers:
        if not geometry:
            continue
        try:
            geom = shape(json.loads(geometry))
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        codes.append(code)
        geometries.append(geom)
    return codes, shapely.STRtree(geometries), geometries


def locate(lon, lat, index) -> list[str | None]:
    """The quartier code containing each point (None outside every quartier)."""
    import shapely

    codes, tree, _ = index
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    found: list[str | None] = [None] * len(lon)
    valid = ~(np.isnan(lon) | np.isnan(lat))
    if not valid.any() or not codes:
        return found
    positions = np.flatnonzero(valid)
    points = shapely.points(lon[valid], lat[valid])
    point_idx, poly_idx = tree.query(points, predicate="intersects")
    for p, q in zip(point_idx, poly_idx, strict=True):
        at = positions[p]
        if found[at] is None:                 # overlapping quartiers: the first one
            found[at] = codes[q]
    return found
