"""Positions in page pixels: layered left-to-right for paths, force-directed otherwise.

Both leave room for the labels: every node owns a box as large as its label (two lines at most,
see :func:`wrap_label`), boxes do not overlap, and no line passes through a node it does not
join. Connected components are laid out one by one and packed side by side, so a lone node
does not push the rest of the picture into a corner.
"""

from __future__ import annotations

import math

from graphkit.viz.selection import Selection

LABEL_WIDTH = 24  # characters per label line (two lines at most)
CHAR_PX = 7.0  # average glyph width of the 13 px label font
LINE_PX = 16.0
NODE_PX = 30.0  # room for the node's own shape above its label
CLEARANCE = 22.0  # how far a line passes from a node it does not join
EDGE_PX = 150.0  # typical length of a line in the force-directed layout
MAX_GROW = 1.6  # label boxes grow at most this much for a picture shrunk to fit
_MAX_DECLUTTER = 600  # above this many nodes only the force-directed layout runs
_MAX_LINE_CHECKS = 200_000  # nodes x lines above which lines may cross nodes


def wrap_label(name: str, width: int = LABEL_WIDTH, lines: int = 2) -> str:
    r"""A node label on at most ``lines`` lines of about ``width`` characters, cut with "…".

    >>> wrap_label("U.S. Immigration and Customs Enforcement")
    'U.S. Immigration and\nCustoms Enforcement'
    >>> wrap_label("Palantir")
    'Palantir'
    """
    out, line = [], ""
    for w in name.split():
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    out.append(line)
    if len(out) > lines or any(len(x) > width + 6 for x in out):
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
        out = [x if len(x) <= width + 6 else x[: width - 1] + "…" for x in out]
    return "\n".join(out)


def caption(node_id: str, d: dict) -> str:
    """The label on the canvas: the name, or for a node whose name is only its id (say, a
    statement), the start of its summary."""
    name = str(d.get("name", node_id))
    summary = d.get("summary")
    return str(summary) if name == node_id and summary else name


def label_box(label: str) -> tuple[float, float]:
    """Width and height in page pixels of a node with this (wrapped) label."""
    rows = label.split("\n")
    return max(40.0, max(len(r) for r in rows) * CHAR_PX + 10), NODE_PX + LINE_PX * len(rows)


def layout(sel: Selection, graph=None, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions in page pixels: layered left-to-right for paths, force-directed otherwise.

    With ``graph`` the boxes kept free around nodes fit their names; without, a default size.
    """
    boxes = {
        n: label_box(wrap_label(caption(n, graph.G.nodes[n]))) if graph is not None else (120, 62)
        for n in sel.nodes
    }
    pairs = sorted({(u, v) for u, v, _ in sel.edges if u != v})
    if sel.paths:
        # Labels keep at least 12 px on screen: when a wide path picture is shown smaller than
        # page size, its labels take more room than their boxes. Give them that room
        # vertically (where the window has space to spare), not sideways, which would only
        # shrink the picture further.
        pos = _declutter(_layered(sel.paths, boxes), pairs, boxes, move_x=False)
        need = min(2.5, 12 / 13 / _fit_scale(pos, boxes))
        if need > 1.05:
            tall = {n: (w, NODE_PX * need + (h - NODE_PX) * need) for n, (w, h) in boxes.items()}
            pos = _declutter(_layered(sel.paths, tall), pairs, tall, move_x=False)
        return _unlevel(pos, pairs)
    comps = []
    for comp in _components(sel.nodes, pairs):
        members = set(comp)
        sub = [(u, v) for u, v in pairs if u in members]
        comps.append((_spring(comp, sub, seed=seed), sub))
    if len(sel.nodes) > _MAX_DECLUTTER:
        return _pack([part for part, _ in comps], boxes)
    # Labels keep at least 12 px on screen, so when the picture must be shrunk to fit the
    # window they take more room in page pixels: grow the boxes and make room again (only
    # while every label is shown; larger pictures label their hubs).
    grow = 1.0
    for _ in range(3 if len(sel.nodes) <= 150 else 1):
        big = {n: (w * grow, NODE_PX + (h - NODE_PX) * grow) for n, (w, h) in boxes.items()}
        comps = [(_declutter(part, sub, big), sub) for part, sub in comps]
        pos = _pack([part for part, _ in comps], big)
        need = min(MAX_GROW, 12 / 13 / _fit_scale(pos, big))
        if need <= grow * 1.1:
            break
        grow = need
    return _unlevel(pos, pairs)


def _fit_scale(pos, boxes, window=(800.0, 740.0)) -> float:
    """The scale at which the page's first view shows ``pos`` in a window of about 1280x800
    (the page zooms out 15% after fitting)."""
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    w = max(xs) - min(xs) + 150
    h = max(ys) - min(ys) + 60
    return min(1.0, window[0] / w, window[1] / h) * 0.85


def _unlevel(pos, pairs):
    """Tilt exactly horizontal or vertical lines by a pixel: vis-network 9.1.2 draws the label
    of such a line at the canvas origin instead of on the line."""
    pos = dict(pos)
    for u, v in pairs:
        (xu, yu), (xv, yv) = pos[u], pos[v]
        if abs(yu - yv) < 1:
            pos[v] = (pos[v][0], yu + 1.5)
        if abs(xu - xv) < 1:
            pos[v] = (xu + 1.5, pos[v][1])
    return pos


def _components(nodes: list[str], pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Connected components (ignoring direction), largest first."""
    parent = {n: n for n in nodes}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for u, v in pairs:
        if u in parent and v in parent:
            parent[root(u)] = root(v)
    comps: dict[str, list[str]] = {}
    for n in nodes:
        comps.setdefault(root(n), []).append(n)
    return sorted(comps.values(), key=lambda c: (-len(c), c[0]))


def _layered(paths: list[list[str]], boxes) -> dict[str, tuple[float, float]]:
    layer: dict[str, int] = {}
    for p in paths:
        for i, n in enumerate(p[:-1]):
            layer[n] = min(layer.get(n, i), i)
    target = paths[0][-1]
    layer[target] = max(len(p) for p in paths) - 1  # the target always ends the picture
    rows: dict[int, list[str]] = {}
    for n, i in sorted(layer.items(), key=lambda x: (x[1], x[0])):
        rows.setdefault(i, []).append(n)
    last = max(rows)
    widths = {i: max(boxes[n][0] for n in ns) for i, ns in rows.items()}
    height = max(h for _, h in boxes.values()) + 30
    pos, x = {}, 0.0
    for i in range(last + 1):
        ns = rows.get(i, [])
        # Keep middle layers off the centre line, where edges that skip a layer run.
        shift = height / 2 if 0 < i < last and len(ns) % 2 else 0.0
        for j, n in enumerate(ns):
            pos[n] = (x, (j - (len(ns) - 1) / 2) * height + shift)
        x += max(widths.get(i, 0), widths.get(i + 1, 0)) + 110
    return pos


def _spring(nodes: list[str], edges: list[tuple[str, str]], seed: int = 7):
    """Fruchterman-Reingold in numpy (float32) with weak gravity, scaled so that a typical line
    is ``EDGE_PX`` long."""
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
    if len(pairs):
        typical = float(np.median(np.sqrt(((pos[u] - pos[v]) ** 2).sum(1)))) or float(k)
    else:
        typical = float(k)
    scale = EDGE_PX / typical
    return {nid: (float(x) * scale, float(y) * scale) for nid, (x, y) in zip(nodes, pos)}


def _declutter(pos, pairs, boxes, *, move_x: bool = True, rounds: int | None = None):
    """Push apart nodes whose label boxes overlap, and nodes that a line they do not join
    passes through (perpendicular to the line; vertically only with ``move_x=False``).
    Lines are checked while nodes x lines stays under ``_MAX_LINE_CHECKS``."""
    import numpy as np

    names = list(pos)
    n = len(names)
    if n < 2:
        return pos
    rounds = rounds or (120 if n <= 200 else 40)
    idx = {v: i for i, v in enumerate(names)}
    p = np.array([pos[v] for v in names], dtype=np.float64)
    wh = np.array([boxes[v] for v in names], dtype=np.float64)
    ends = np.array([(idx[a], idx[b]) for a, b in pairs if a in idx and b in idx], dtype=np.int64)
    ends = ends.reshape(-1, 2)
    if n * len(ends) > _MAX_LINE_CHECKS:
        ends = ends[:0]
    ar = np.arange(n)
    eye = np.eye(n, dtype=bool)
    order = np.sign(np.subtract.outer(ar, ar)).astype(np.float64)  # breaks ties
    half_w = (wh[:, 0, None] + wh[None, :, 0]) / 2 + 8
    half_h = (wh[:, 1, None] + wh[None, :, 1]) / 2 + 4
    own = (ends[None, :, 0] == ar[:, None]) | (ends[None, :, 1] == ar[:, None])
    # a line keeps off the node and its label: the centre of the box below the node's centre
    drop = (wh[:, 1] - NODE_PX) / 2
    reach = np.maximum(CLEARANCE, wh[:, 1, None] / 2 + 6)
    for _ in range(rounds):
        moved = 0.0
        # label boxes: overlap along x and y for every pair
        dx = p[:, 0, None] - p[None, :, 0]
        dy = p[:, 1, None] - p[None, :, 1]
        ox = half_w - np.abs(dx)
        oy = half_h - np.abs(dy)
        hit = (ox > 0) & (oy > 0) & ~eye
        if hit.any():
            # prefer sideways moves: boxes are wide, and so is the window
            along_x = hit & (ox < 2 * oy) if move_x else np.zeros_like(hit)
            along_y = hit & ~along_x
            sx = np.where(dx > 0, 1.0, np.where(dx < 0, -1.0, order))
            sy = np.where(dy > 0, 1.0, np.where(dy < 0, -1.0, order))
            step = np.stack([(along_x * ox * sx).sum(1), (along_y * oy * sy).sum(1)], 1) * 0.5
            step /= np.sqrt(np.maximum(1.0, hit.sum(1)))[:, None]  # damped: several at once
            p += step
            moved = float(np.abs(step).max())
        bad_any = False
        if len(ends):  # lines through nodes
            a, b = p[ends[:, 0]], p[ends[:, 1]]
            ab = b - a
            length = np.sqrt(np.maximum((ab * ab).sum(1), 1e-9))
            normal = np.stack([-ab[:, 1], ab[:, 0]], 1) / length[:, None]
            apx = p[:, 0, None] - a[None, :, 0]
            apy = (p[:, 1] + drop)[:, None] - a[None, :, 1]
            t = (apx * ab[None, :, 0] + apy * ab[None, :, 1]) / (length * length)[None]
            signed = apx * normal[None, :, 0] + apy * normal[None, :, 1]
            bad = (t > 0.02) & (t < 0.98) & (np.abs(signed) < reach) & ~own
            if bad.any():
                bad_any = True
                side = np.where(signed >= 0, 1.0, -1.0)
                amount = np.where(bad, (reach - np.abs(signed) + 2) * side, 0.0)
                if move_x:
                    step = amount @ normal
                else:  # columns stay: off a slanted line up or down, off a vertical one aside
                    vertical = np.abs(ab[:, 0]) < 0.3 * np.abs(ab[:, 1])
                    aside = (amount * vertical[None]) @ normal
                    step = (amount * ~vertical[None]) @ normal
                    step[:, 0] = aside[:, 0]
                    step[:, 1] = np.sign(step[:, 1]) * np.maximum(np.abs(step[:, 1]), 1.0) * 2
                p += step
                moved = max(moved, float(np.abs(step).max()))
        if moved < 0.5 or not (hit.any() or bad_any):
            break
    return {v: (float(x), float(y)) for v, (x, y) in zip(names, p)}


def _pack(parts: list[dict], boxes) -> dict[str, tuple[float, float]]:
    """Place laid-out components in rows (largest first), the rows about as wide as the whole
    picture is tall times 1.4, so the page's fit shows everything at a readable scale."""
    frames = []
    for part in parts:
        xs = [x - boxes[n][0] / 2 for n, (x, _) in part.items()]
        xe = [x + boxes[n][0] / 2 for n, (x, _) in part.items()]
        ys = [y - NODE_PX / 2 for _, y in part.values()]
        ye = [y + boxes[n][1] - NODE_PX / 2 for n, (_, y) in part.items()]
        frames.append((part, min(xs), min(ys), max(xe) - min(xs), max(ye) - min(ys)))
    area = sum((w + 40) * (h + 40) for *_, w, h in frames)
    row_width = max(max(w for *_, w, _ in frames), math.sqrt(area * 1.4))
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for part, x0, y0, w, h in frames:
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h + 40, 0.0
        for n, (px, py) in part.items():
            pos[n] = (px - x0 + x, py - y0 + y)
        x += w + 40
        row_h = max(row_h, h)
    return pos
