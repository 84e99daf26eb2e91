"""An in-memory grid index over points for exact k-nearest queries. Pure numpy, no database.

The points are laid on a plane (x = R·cos φ_max·λ, y = R·φ, φ_max the largest |latitude| of the
points), cut into square cells, and sorted by cell key (column × rows + row), so every column's
run of cells is one contiguous slice of the sorted arrays. A query looks at the cells in rings
around its own cell, computes the true great-circle distance of every candidate it meets, and stops
once it holds k results and the next ring lies farther than the k-th: a point outside ring r is at
least r cell widths away on the plane, and the plane never overstates a distance (cos φ_max is the
smallest scale), so the answer is exact — tests compare it with brute force on random data.

When few points pass the caller's filter (an item accepted at 40 outlets), scanning those few
directly is cheaper than walking rings, and equally exact; `nearest` picks that path itself.
"""

from __future__ import annotations

import math

import numpy as np

from yiwang.servicemap.coordinates import EARTH_RADIUS_M, distances_m

SCAN_BELOW = 1024  # candidates after filtering: scan them directly below this many
MAX_RINGS = 48  # beyond this many rings the query scans every candidate (a far-away point)
_BOUND_SAFETY = 0.995  # the plane's distance may understate by < 0.1 % at 250 km; keep a margin


class GridIndex:
    def __init__(self, lats: np.ndarray, lngs: np.ndarray, *, cell_m: float | None = None):
        self.lats = np.asarray(lats, dtype=np.float64)
        self.lngs = np.asarray(lngs, dtype=np.float64)
        self.n = len(self.lats)
        if self.n == 0:
            self.cell_m = 1000.0
            return
        self.max_abs_lat = float(np.max(np.abs(self.lats)))
        self.k_x = EARTH_RADIUS_M * math.cos(math.radians(min(self.max_abs_lat, 89.0)))
        x = self.k_x * np.radians(self.lngs)
        y = EARTH_RADIUS_M * np.radians(self.lats)
        self.x0, self.y0 = float(x.min()), float(y.min())
        width, height = float(x.max()) - self.x0, float(y.max()) - self.y0
        if cell_m is None:
            # About two points per cell on average, within sensible limits for a city.
            cell_m = math.sqrt(max(width * height, 1.0) / max(self.n / 2, 1))
            cell_m = min(max(cell_m, 200.0), 20_000.0)
        self.cell_m = float(cell_m)
        self.ncx = int(width // self.cell_m) + 1
        self.ncy = int(height // self.cell_m) + 1
        cx = ((x - self.x0) // self.cell_m).astype(np.int64)
        cy = ((y - self.y0) // self.cell_m).astype(np.int64)
        keys = cx * self.ncy + cy
        self.order = np.argsort(keys, kind="stable")
        self.sorted_keys = keys[self.order]

    def _cell(self, lat: float, lng: float) -> tuple[int, int]:
        x = self.k_x * math.radians(lng)
        y = EARTH_RADIUS_M * math.radians(lat)
        return int((x - self.x0) // self.cell_m), int((y - self.y0) // self.cell_m)

    def _slice(self, col: int, row_from: int, row_to: int) -> np.ndarray:
        """Indices of the points in column `col`, rows row_from … row_to (clipped to the grid)."""
        if col < 0 or col >= self.ncx:
            return np.empty(0, dtype=np.int64)
        row_from, row_to = max(row_from, 0), min(row_to, self.ncy - 1)
        if row_from > row_to:
            return np.empty(0, dtype=np.int64)
        lo = np.searchsorted(self.sorted_keys, col * self.ncy + row_from, side="left")
        hi = np.searchsorted(self.sorted_keys, col * self.ncy + row_to, side="right")
        return self.order[lo:hi]

    def _ring(self, c0: int, r0: int, k: int) -> np.ndarray:
        if k == 0:
            return self._slice(c0, r0, r0)
        parts = [self._slice(c0 - k, r0 - k, r0 + k), self._slice(c0 + k, r0 - k, r0 + k)]
        for col in range(max(c0 - k + 1, 0), min(c0 + k - 1, self.ncx - 1) + 1):
            parts.append(self._slice(col, r0 - k, r0 - k))
            parts.append(self._slice(col, r0 + k, r0 + k))
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def scan(self, lat: float, lng: float, k: int, candidates: np.ndarray, radius_m: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Exact k nearest among `candidates` (indices) by scanning them all."""
        if len(candidates) == 0:
            return np.empty(0, dtype=np.int64), np.empty(0)
        d = distances_m(lat, lng, self.lats[candidates], self.lngs[candidates])
        limit = radius_m[candidates] if isinstance(radius_m, np.ndarray) else radius_m
        keep = d <= limit
        candidates, d = candidates[keep], d[keep]
        if len(d) > k:
            part = np.argpartition(d, k - 1)[:k]
            candidates, d = candidates[part], d[part]
        order = np.lexsort((candidates, d))  # by distance, then index: a stable, total order
        return candidates[order], d[order]

    def nearest(self, lat: float, lng: float, k: int, *, allowed: np.ndarray | None = None,
                candidates: np.ndarray | None = None, radius_m: np.ndarray | float = math.inf) -> tuple[np.ndarray, np.ndarray]:
        """Indices and distances (metres, ascending) of the k nearest points that are `allowed`
        (a boolean mask) and within `radius_m` (one bound, or one per point). `candidates`, the
        indices of the allowed points, may be passed when the caller already has them."""
        if self.n == 0 or k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0)
        if candidates is None:
            candidates = np.arange(self.n) if allowed is None else np.flatnonzero(allowed)
        if allowed is None and len(candidates) != self.n:
            allowed = np.zeros(self.n, dtype=bool)
            allowed[candidates] = True
        if len(candidates) <= SCAN_BELOW or abs(lat) > self.max_abs_lat + 0.5:
            return self.scan(lat, lng, k, candidates, radius_m)
        reach = float(np.max(radius_m[candidates])) if isinstance(radius_m, np.ndarray) else float(radius_m)
        c0, r0 = self._cell(lat, lng)
        found_idx: list[np.ndarray] = []
        found_d: list[np.ndarray] = []
        count = 0
        kth = math.inf
        for ring in range(MAX_RINGS + 1):
            # Rings 0 … ring-1 are done: a point not seen yet lies at least ring-1 whole cells away.
            bound = max(ring - 1, 0) * self.cell_m * _BOUND_SAFETY
            if bound > reach or (count >= k and bound >= kth):
                break
            idx = self._ring(c0, r0, ring)
            if allowed is not None and len(idx):
                idx = idx[allowed[idx]]
            if len(idx):
                d = distances_m(lat, lng, self.lats[idx], self.lngs[idx])
                limit = radius_m[idx] if isinstance(radius_m, np.ndarray) else radius_m
                keep = d <= limit
                if keep.any():
                    found_idx.append(idx[keep])
                    found_d.append(d[keep])
                    count += int(keep.sum())
                    if count >= k:
                        all_d = np.concatenate(found_d)
                        kth = float(np.partition(all_d, k - 1)[k - 1])
            if self._covers_grid(c0, r0, ring):
                break
        else:
            return self.scan(lat, lng, k, candidates, radius_m)
        if not found_idx:
            return np.empty(0, dtype=np.int64), np.empty(0)
        idx, d = np.concatenate(found_idx), np.concatenate(found_d)
        order = np.lexsort((idx, d))[:k]
        return idx[order], d[order]

    def _covers_grid(self, c0: int, r0: int, ring: int) -> bool:
        return c0 - ring <= 0 and c0 + ring >= self.ncx - 1 and r0 - ring <= 0 and r0 + ring >= self.ncy - 1
