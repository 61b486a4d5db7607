#!/usr/bin/env python
"""Benchmark ``graphkit viz`` pages in headless Chromium against pyvis defaults.

For each size a synthetic graph (entities, contracts, evidence; claims with types and statuses
from the ontology) is written twice: by ``graphkit.viz`` (positions from Python, physics off)
and by pyvis with its defaults (physics on, ``cdn_resources="in_line"``, the two hard-coded
bootstrap CDN tags removed so the page is offline too). Every non-file request is aborted.

Measured from navigation start, median of ``--runs``:
- drawn: the network's first ``afterDrawing`` event;
- interactive: the first click on a node that selects it (clicks are retried every 250 ms;
  pyvis covers the canvas with a loading bar until stabilisation ends);
- redraw: one synchronous redraw of the whole canvas once interactive.
The baseline wait is capped (``--cap``); a capped run is reported as "> cap" and ends that
variant's runs for the size.

    python scripts/bench_viz.py                # sizes 300 and 2000 nodes (3 edges per node)
    python scripts/bench_viz.py --sizes 2000 --runs 3 --cap 60
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from graphkit import viz as V
from graphkit.graph import Graph, to_networkx
from graphkit.model import schema
from graphkit.projection import PropertyGraph

HOOK = """
(() => {
  window.__bench = {drawn: null, selected: null, net: null};
  const hook = (net) => {
    if (!net || window.__bench.net) return;
    window.__bench.net = net;
    net.once('afterDrawing', () => { window.__bench.drawn = performance.now(); });
    net.on('selectNode', () => {
      if (window.__bench.selected === null) window.__bench.selected = performance.now();
    });
  };
  for (const name of ['network', 'gkNetwork']) {
    let value;
    Object.defineProperty(window, name, {configurable: true,
      get() { return value; }, set(v) { value = v; hook(v); }});
  }
})();
"""

CLICK_TARGET = """() => {
  const net = window.__bench.net;
  const ids = Object.keys(net.getPositions());
  const id = ids[Math.floor(ids.length / 2)];
  const d = net.canvasToDOM(net.getPositions([id])[id]);
  const r = document.querySelector('canvas').getBoundingClientRect();
  return [d.x + r.left, d.y + r.top, r.left, r.top, r.right, r.bottom];
}"""

REDRAW = """() => {
  const net = window.__bench.net, out = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now(); net.renderer._redraw(); out.push(performance.now() - t);
  }
  out.sort((a, b) => a - b);
  return out[2];
}"""


def synthetic(n_nodes: int, edges_per_node: int = 3, seed: int = 1) -> Graph:
    """Entities and contracts with claim edges (preferential attachment: a few hubs)."""
    rnd = random.Random(seed)
    sch = schema()
    entity_labels = [sch.labels_of(c) for c, lb in sch.class_labels.items()]
    entity_labels = [ls for ls in entity_labels if "Entity" in ls and ls[0] != "Entity"]
    entity_labels = [ls for ls in entity_labels if ls[0] != "Organization"]
    contract = next(sch.labels_of(c) for c, lb in sch.class_labels.items() if lb == "Contract")
    evidence = next(sch.labels_of(c) for c, lb in sch.class_labels.items() if lb == "Evidence")
    types = sch.rel_type_names
    statuses = ["confirmed", "reported", "alleged", "disputed", "ended"]
    pg = PropertyGraph()
    ids = []
    for i in range(n_nodes):
        labels = contract if i % 10 == 9 else rnd.choice(entity_labels)
        nid = f"{labels[0].lower()}/n{i}"
        pg.nodes[nid] = {"labels": labels, "name": f"{labels[0]} {i}", "aliases": [f"N{i}"]}
        ids.append(nid)
    n_ev = max(10, n_nodes // 2)
    for j in range(n_ev):
        pg.nodes[f"evidence/e{j}"] = {
            "labels": evidence,
            "name": f"Source {j}",
            "title": f"Report number {j} on a contract",
            "url": f"https://example.org/report/{j}",
            "publisher": [f"Publisher {j % 37}"],
            "published": [f"20{10 + j % 14}-0{1 + j % 9}-1{j % 9}"],
        }
    targets = list(ids[:5])
    for k in range(n_nodes * edges_per_node):
        s = rnd.choice(ids)
        t = rnd.choice(targets) if rnd.random() < 0.5 else rnd.choice(ids)
        if s == t:
            continue
        targets.append(t)
        ev = [f"evidence/e{rnd.randrange(n_ev)}" for _ in range(rnd.randint(1, 3))]
        pg.edges.append(
            (
                s,
                t,
                rnd.choice(types),
                {
                    "claim": f"claim/c{k}",
                    "status": rnd.choice(statuses),
                    "start": str(2010 + rnd.randrange(14)),
                    "summary": f"Synthetic claim {k}.",
                    "evidence": ev,
                    "sources": [pg.nodes[e]["url"] for e in ev],
                },
            )
        )
    return Graph(to_networkx(pg))


def ours(g: Graph, out: Path) -> float:
    t = time.perf_counter()
    sel = V.select(g)
    V.check_size(sel, 10**6)
    out.write_text(V.build_html(g, sel), encoding="utf-8")
    return time.perf_counter() - t


def pyvis_defaults(g: Graph, out: Path) -> float:
    from pyvis.network import Network

    t = time.perf_counter()
    net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    keep = [n for n, d in g.G.nodes(data=True) if d["labels"][0] != "Evidence"]
    for n in keep:
        net.add_node(n, label=g.G.nodes[n]["name"])
    for u, v, d in g.G.edges(data=True):
        net.add_edge(u, v, title=d["type"])
    page = net.generate_html()
    page = re.sub(r"<link[^>]+cdn\.jsdelivr[^>]*/>", "", page)
    page = re.sub(r"<script[^>]+cdn\.jsdelivr[^>]*>\s*</script>", "", page)
    out.write_text(page, encoding="utf-8")
    return time.perf_counter() - t


def measure(browser, path: Path, cap: float) -> dict:
    """One page load: drawn / interactive / redraw in ms (None when over the cap)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    remote: list[str] = []

    def route(r):
        if r.request.url.split(":", 1)[0] in ("file", "data", "blob"):
            r.continue_()
        else:
            remote.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.add_init_script(HOOK)
    page.goto(path.as_uri(), wait_until="domcontentloaded", timeout=int(cap * 1000) + 30_000)
    start = time.monotonic()
    res = {"drawn": None, "interactive": None, "redraw": None, "remote": remote}
    try:
        while time.monotonic() - start < cap:
            state = page.evaluate("() => ({d: window.__bench.drawn, s: window.__bench.selected})")
            if state["d"] is not None:
                res["drawn"] = state["d"]
                if state["s"] is not None:
                    res["interactive"] = state["s"]
                    break
                x, y, left, top, right, bottom = page.evaluate(CLICK_TARGET)
                if left < x < right and top < y < bottom:
                    page.mouse.click(x, y)
            page.wait_for_timeout(250)
        if res["interactive"] is not None:
            res["redraw"] = page.evaluate(REDRAW)
    finally:
        page.close()
    return res


def fmt_ms(values: list, cap: float) -> str:
    if not values or any(v is None for v in values):
        return f"> {cap:.0f} s"
    m = statistics.median(values)
    return f"{m / 1000:.2f} s" if m >= 1000 else f"{m:.0f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="300,2000", help="node counts, comma-separated")
    ap.add_argument("--edges-per-node", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cap", type=float, default=60.0, help="seconds to wait per page")
    ap.add_argument("--chromium", default=V.chromium_path() or "/usr/bin/chromium")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    console = Console(stderr=True)
    table = Table(title=f"viz pages in headless Chromium (median of {args.runs})")
    for col in ("nodes", "edges", "page", "write", "size", "drawn", "interactive", "redraw"):
        table.add_column(col, justify="right" if col not in ("page",) else "left")
    variants = [("graphkit viz", ours), ("pyvis defaults (baseline)", pyvis_defaults)]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=list(V.CHROMIUM_FLAGS))
        sizes = [int(s) for s in args.sizes.split(",")]
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("pages", total=len(sizes) * len(variants) * args.runs)
            for n in sizes:
                g = synthetic(n, args.edges_per_node)
                n_view = sum(1 for _, d in g.G.nodes(data=True) if d["labels"][0] != "Evidence")
                for name, make in variants:
                    out = Path(tmp) / f"{n}-{make.__name__}.html"
                    writes, drawn, inter, redraw, remote = [], [], [], [], 0
                    for _ in range(args.runs):
                        writes.append(make(g, out))
                        bar.update(task, description=f"{name}, {n} nodes")
                        r = measure(browser, out, args.cap)
                        drawn.append(r["drawn"])
                        inter.append(r["interactive"])
                        redraw.append(r["redraw"])
                        remote += len(r["remote"])
                        bar.advance(task)
                        if r["interactive"] is None:  # capped: further runs would be too
                            bar.advance(task, args.runs - len(drawn))
                            break
                    table.add_row(
                        str(n_view),
                        f"{g.G.number_of_edges():,}",
                        name + (f" ({remote} remote requests!)" if remote else ""),
                        f"{statistics.median(writes):.2f} s",
                        f"{out.stat().st_size / 1e6:.1f} MB",
                        fmt_ms(drawn, args.cap),
                        fmt_ms(inter, args.cap),
                        fmt_ms(redraw, args.cap),
                    )
        browser.close()
    Console(width=130).print(table)


if __name__ == "__main__":
    main()
