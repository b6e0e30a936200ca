"""Lambert-93 (RGF93, EPSG:2154) ⇄ WGS84 longitude/latitude, on arrays, without a projection library.

The IGN's formulas for the Lambert conformal conic projection (notes ALG0004/ALG0002); RGF93 and
WGS84 differ by less than a metre, which is all a map of quartiers or a point-in-polygon test needs.
"""

from __future__ import annotations

import math

import numpy as np

# Lambert-93: GRS80 ellipsoid, standard parallels 44° and 49°, origin 46°30' N 3° E,
# false easting 700 000 m, false northing 6 600 000 m.
_A = 6378137.0
_F = 1 / 298.257222101
_E = math.sqrt(_F * (2 - _F))
_LON0 = math.radians(3.0)
_PHI0, _PHI1, _PHI2 = (math.radians(v) for v in (46.5, 44.0, 49.0))
_X0, _Y0 = 700000.0, 6600000.0


def _iso_latitude(phi):
    sin = np.sin(phi)
    return np.log(np.tan(np.pi / 4 + phi / 2) * ((1 - _E * sin) / (1 + _E * sin)) ** (_E / 2))


def _m(phi: float) -> float:
    return math.cos(phi) / math.sqrt(1 - _E**2 * math.sin(phi) ** 2)


_N = (math.log(_m(_PHI2) / _m(_PHI1))) / (float(_iso_latitude(_PHI1)) - float(_iso_latitude(_PHI2)))
_C = _A * _m(_PHI1) / _N * math.exp(_N * float(_iso_latitude(_PHI1)))
_YS = _Y0 + _C * math.exp(-_N * float(_iso_latitude(_PHI0)))


def from_wgs84(lon, lat):
    """(lon, lat) in degrees → (x, y) in metres, Lambert-93 (arrays or scalars)."""
    lon, lat = np.radians(np.asarray(lon, float)), np.radians(np.asarray(lat, float))
    radius = _C * np.exp(-_N * _iso_latitude(lat))
    gamma = _N * (lon - _LON0)
    return _X0 + radius * np.sin(gamma), _YS - radius * np.cos(gamma)


def to_wgs84(x, y, tolerance: float = 1e-12):
    """(x, y) in metres, Lambert-93 → (lon, lat) in degrees (arrays or scalars)."""
    dx, dy = np.asarray(x, float) - _X0, _YS - np.asarray(y, float)
    radius = np.hypot(dx, dy)
    gamma = np.arctan2(dx, dy)
    lon = _LON0 + gamma / _N
    iso = -np.log(np.abs(radius / _C)) / _N
    phi = 2 * np.arctan(np.exp(iso)) - np.pi / 2
    for _ in range(30):       # the IGN's fixed-point iteration (converges in ~6 steps)
        sin = np.sin(phi)
        new = 2 * np.arctan(((1 + _E * sin) / (1 - _E * sin)) ** (_E / 2) * np.exp(iso)) - np.pi / 2
        if np.all(np.abs(new - phi) < tolerance):
            phi = new
            break
        phi = new
    return np.degrees(lon), np.degrees(phi)


def looks_like_lambert93(x, y) -> bool:
    """Metropolitan France in Lambert-93: x in [0, 1 300 000], y in [6 000 000, 7 200 000]."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    return bool(ok.any()) and bool(np.all((x[ok] > 0) & (x[ok] < 1.3e6) & (y[ok] > 6.0e6) & (y[ok] < 7.2e6)))
