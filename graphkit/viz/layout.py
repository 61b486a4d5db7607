"""Positions in page pixels: layered left-to-right for paths, force-directed otherwise."""

from __future__ import annotations

import math

from graphkit.viz.selection import Selection


def layout(sel: Selection, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions in page pixels: layered left-to-right for paths, force-directed otherwise."""
    if sel.paths:
        return _layered(sel.paths)
    return _spring(sel.nodes, [(u, v) for u, v, _ in sel.edges], seed=seed)


def _layered(paths: list[list[str]]) -> dict[str, tuple[float, float]]:
    layer: dict[str, int] = {}
    for p in paths:
        for i, n in enumerate(p[:-1]):
            layer[n] = min(layer.get(n, i), i)
    target = paths[0][-1]
    layer[target] = max(len(p) for p in paths) - 1  # the target always ends the picture
    rows: dict[int, list[str]] = {}
    for n, i in sorted(layer.items(), key=lambda x: (x[1], x[0])):
        rows.setdefault(i, []).append(n)
    pos = {}
    last = max(rows)
    for i, ns in rows.items():
        # Keep middle layers off the centre line, where edges that skip a layer run.
        shift = 70.0 if 0 < i < last and len(ns) % 2 else 0.0
        for j, n in enumerate(ns):
            pos[n] = (i * 260.0, (j - (len(ns) - 1) / 2) * 140.0 + shift)
    return pos


def _spring(nodes: list[str], edges: list[tuple[str, str]], seed: int = 7):
    """Fruchterman-Reingold in numpy (float32), with weak gravity so components stay close."""
    import numpy as np

    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    idx = {v: i for i, v in enumerate(nodes)}
    pairs = [(idx[a], idx[b]) for a, b in edges if a != b]
    u = np.array([a for a, _ in pairs], dtype=np.int64)
    v = np.array([b for _, b in pairs], dtype=np.int64)
    pos = np.random.default_rng(seed).random((n, 2)).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    iterations = 100 if n <= 300 else 60
    t = 0.1
    dt = t / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = dx * dx + dy * dy
        np.maximum(d2, 1e-6, out=d2)
        rep = (k * k) / d2
        disp = np.stack([(dx * rep).sum(1), (dy * rep).sum(1)], 1)
        if len(pairs):
            e = pos[u] - pos[v]
            f = e * ((np.sqrt((e * e).sum(1)) + 1e-9) / k)[:, None]
            np.add.at(disp, u, -f)
            np.add.at(disp, v, f)
        disp -= (pos - 0.5) * (0.05 * n * k)
        length = np.sqrt((disp * disp).sum(1)) + 1e-9
        pos += disp * (np.minimum(length, t) / length)[:, None]
        t -= dt
    pos -= pos.mean(0)
    span = float(np.abs(pos).max()) or 1.0
    scale = 120.0 * math.sqrt(n) + 150.0
    return {
        nid: (float(x) / span * scale, float(y) / span * scale) for nid, (x, y) in zip(nodes, pos)
    }
