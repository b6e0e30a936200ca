"""Lambert-93 ⇄ WGS84: within a metre of the published coordinates, as dq_core.lambert promises."""

import math

import numpy as np

from dq_core.lambert import from_wgs84, to_wgs84

METRE = 1.0
EARTH_RADIUS = 6_371_000.0
PARIS_WGS84 = (2.3522, 48.8566)
PARIS_LAMBERT93 = (652_469.02, 6_862_035.26)        # published by the IGN for the point above


def ground_distance(lon_lat_a, lon_lat_b) -> float:
    """Metres between two nearby points given in degrees (local flat approximation)."""
    (lon_a, lat_a), (lon_b, lat_b) = lon_lat_a, lon_lat_b
    north = math.radians(lat_b - lat_a) * EARTH_RADIUS
    east = math.radians(lon_b - lon_a) * EARTH_RADIUS * math.cos(math.radians((lat_a + lat_b) / 2))
    return math.hypot(north, east)


def test_the_projection_origin_and_paris_are_within_a_metre():
    assert math.dist(from_wgs84(3.0, 46.5), (700_000, 6_600_000)) < METRE
    assert math.dist(from_wgs84(*PARIS_WGS84), PARIS_LAMBERT93) < METRE
    assert ground_distance(to_wgs84(*PARIS_LAMBERT93), PARIS_WGS84) < METRE


def test_a_round_trip_across_metropolitan_france_moves_a_point_less_than_a_metre():
    lon, lat = np.meshgrid(np.linspace(-5.0, 9.5, 12), np.linspace(41.4, 51.1, 12))
    x, y = from_wgs84(lon.ravel(), lat.ravel())
    back_x, back_y = from_wgs84(*to_wgs84(x, y))
    assert np.hypot(back_x - x, back_y - y).max() < METRE / 1000
    back_lon, back_lat = to_wgs84(x, y)
    assert max(ground_distance(a, b) for a, b in zip(zip(back_lon, back_lat, strict=True),
                                                     zip(lon.ravel(), lat.ravel(), strict=True), strict=True)) < METRE
