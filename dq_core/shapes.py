"""Geometry helpers on GeoJSON dicts, shared by the file kinds that bring shapes and by the maps."""

from __future__ import annotations

import shapely
import shapely.geometry


def point_inside(geometry: dict) -> tuple[float, float] | None:
    """A point inside the territory (for a label or a marker), as (lon, lat). Not the centroid: the
    centroid of a concave (U- or C-shaped) quartier can fall outside it, in its neighbour."""
    if not geometry or not geometry.get("coordinates"):
        return None
    shape = shapely.geometry.shape(geometry)
    if not shape.is_valid:
        shape = shapely.make_valid(shape)             # self-intersecting rings exist in published files
    point = shapely.point_on_surface(shape)
    return None if point.is_empty else (float(point.x), float(point.y))
