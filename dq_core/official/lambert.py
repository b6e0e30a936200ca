"""Lambert-93 (EPSG:2154, RGF93) to WGS84 longitude/latitude, without a projection library.

RGF93 and WGS84 differ by less than a metre: the inverse Lambert conformal conic projection on the
GRS80 ellipsoid is all a QPV map needs.
"""

from __future__ import annotations

import math

A = 6378137.0
F = 1 / 298.257222101
E = math.sqrt(2 * F - F * F)
LAT1, LAT2, LAT0, LON0 = (math.radians(v) for v in (49.0, 44.0, 46.5, 3.0))
X0, Y0 = 700000.0, 6600000.0


def _m(phi: float) -> float:
    return math.cos(phi) / math.sqrt(1 - (E * math.sin(phi)) ** 2)


def _t(phi: float) -> float:
    s = E * math.sin(phi)
    return math.tan(math.pi / 4 - phi / 2) / ((1 - s) / (1 + s)) ** (E / 2)


N = (math.log(_m(LAT1)) - math.log(_m(LAT2))) / (math.log(_t(LAT1)) - math.log(_t(LAT2)))
AF = A * _m(LAT1) / (N * _t(LAT1) ** N)
RHO0 = AF * _t(LAT0) ** N


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(x, y) in Lambert-93 metres → (longitude, latitude) in degrees."""
    dx, dy = x - X0, RHO0 - (y - Y0)
    rho = math.copysign(math.hypot(dx, dy), N)
    t = (rho / AF) ** (1 / N)
    lon = math.atan2(dx, dy) / N + LON0
    phi = math.pi / 2 - 2 * math.atan(t)
    for _ in range(12):
        s = E * math.sin(phi)
        new = math.pi / 2 - 2 * math.atan(t * ((1 - s) / (1 + s)) ** (E / 2))
        if abs(new - phi) < 1e-12:
            phi = new
            break
        phi = new
    return math.degrees(lon), math.degrees(phi)


def looks_like_lambert93(x: float, y: float) -> bool:
    return 0 < x < 1_300_000 and 6_000_000 < y < 7_200_000
