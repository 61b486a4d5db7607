// graphkit viz: builds the network, legend, filters, tooltips and side panel from #gk-data.
// Every data string reaches the DOM through textContent (never innerHTML); links only to http(s).
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gk-data").textContent);
  var byId = {};
  D.nodes.forEach(function (n) { byId[n.id] = n; });
  var edgeById = {};
  D.edges.forEach(function (e) { edgeById[e.id] = e; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function webUrl(u) { return typeof u === "string" && /^https?:\/\/\S+$/i.test(u) ? u : null; }
  function first(v) { return Array.isArray(v) ? v.join(", ") : v; }
  function name(id) { return (D.details[id] && D.details[id].name) || id; }
  function dates(e) {
    if (!e.start && !e.end) return "";
    return (e.start || "?") + "–" + (e.end || "");
  }
  function link(url, text) {
    var a = el("a", text || url);
    var u = webUrl(url);
    if (u) {
      a.href = u;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.referrerPolicy = "no-referrer";
    }
    return a;
  }

  // -- network ------------------------------------------------------------------------------
  // One drawn line ("link") per pair of nodes; its claims are listed when it is clicked.
  var linkById = {};
  D.links.forEach(function (l) { linkById[l.id] = l; });
  var FONT = 13, MIN_LABEL_PX = 12;
  var pinned = {};  // nodes whose labels are drawn at every zoom
  D.nodes.forEach(function (n) { if (n.pin) pinned[n.id] = true; });
  var nodes = new vis.DataSet(D.nodes.map(function (n) {
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, shape: n.shape, size: n.size, cls: n.cls,
      borderWidth: n.hl ? 4 : 1,
      color: { background: n.color, border: n.hl ? "#111111" : n.color,
               highlight: { background: n.color, border: "#000000" },
               hover: { background: n.color, border: "#000000" } }
    };
  }));
  function members(l, visibleOnly) {
    return l.members.map(function (id) { return edgeById[id]; }).filter(function (e) {
      return !visibleOnly || !edgeHidden(e);
    });
  }
  function linkLabel(ms) {
    if (ms.length === 1) return ms[0].type;
    var counts = {};
    ms.forEach(function (e) { counts[e.type] = (counts[e.type] || 0) + 1; });
    return Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); })
      .map(function (t) { return counts[t] > 1 ? t + " \u00d7" + counts[t] : t; }).join(" \u00b7 ");
  }
  function linkWidth(l, ms) {
    var base = l.hl ? 3.5 : (ms.some(function (e) { return e.status === "confirmed"; }) ? 2 : 1.2);
    return ms.length > 1 ? Math.min(9, base + 1.5 * Math.log2(ms.length)) : base;
  }
  function visLink(l, ms) {
    return {
      id: l.id, from: l.from, to: l.to, label: linkLabel(ms), count: ms.length,
      dashes: !!l.dashes, width: linkWidth(l, ms),
      arrows: { to: { enabled: l.arrows.indexOf("to") >= 0, scaleFactor: 0.55 },
                from: { enabled: l.arrows.indexOf("from") >= 0, scaleFactor: 0.55 } },
      color: { color: l.color, highlight: "#000000", hover: l.color, opacity: l.hl ? 1 : 0.85 }
    };
  }
  var edges = new vis.DataSet(D.links.map(function (l) { return visLink(l, members(l, false)); }));
  var container = document.getElementById("gk-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, D.options);
  window.gkNetwork = network;
  window.gkNodes = nodes;
  window.gkEdges = edges;
  window.gkPinned = pinned;
  // Pinned labels keep at least MIN_LABEL_PX on screen at any zoom; the others appear as one
  // zooms in (vis-network's draw threshold). With few lines their labels are kept readable too.
  var EDGE_FONT = 10, MIN_EDGE_PX = 10, FEW_LINES = 40;
  var labelSize = null;
  function fitLabels(force) {
    var scale = network.getScale();
    var size = Math.round(Math.max(FONT, MIN_LABEL_PX / scale));
    if (size === labelSize && !force) return;
    labelSize = size;
    nodes.update(D.nodes.map(function (n) {
      return { id: n.id, font: { size: pinned[n.id] ? size : FONT } };
    }));
    if (D.links.length <= FEW_LINES) {
      var es = Math.round(Math.max(EDGE_FONT, MIN_EDGE_PX / scale));
      edges.update(D.links.map(function (l) { return { id: l.id, font: { size: es } }; }));
    }
  }
  function pin(id) {
    if (pinned[id]) return;
    pinned[id] = true;
    fitLabels(true);
  }
  window.gkLabelSize = function () { return labelSize; };
  // First view: every node inside the window with room for its label (about 190 px across
  // and 50 px below on screen), magnified up to 1.3x.
  function firstView() {
    if (!D.nodes.length) return;
    var xs = D.nodes.map(function (n) { return n.x; }), ys = D.nodes.map(function (n) { return n.y; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var w = container.clientWidth || 800, h = container.clientHeight || 600;
    var scale = Math.min(1.3, Math.max(w - 200, 100) / Math.max(x1 - x0, 1),
                         Math.max(h - 100, 100) / Math.max(y1 - y0, 1));
    network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 + 20 / scale }, scale: scale,
                     animation: false });
  }
  network.once("afterDrawing", function () {
    firstView();
    fitLabels(true);
    network.once("afterDrawing", function () {
      window.gkDrawnAt = performance.now();
      document.body.setAttribute("data-ready", "1");
    });
    network.redraw();
  });
  network.on("zoom", function () { fitLabels(false); });
  document.getElementById("gk-counts").textContent =
    D.nodes.length + " nodes \u00b7 " + D.edges.length + " relationships" +
    (D.links.length < D.edges.length ? " on " + D.links.length + " lines" : "");
  document.getElementById("gk-note").textContent =
    [D.note, D.as_of ? "claims valid on " + D.as_of + " (undated claims kept and marked)" : ""]
      .filter(Boolean).join(" \u00b7 ");

  // -- legend and filters ----------------------------------------------------------------------
  var hidden = { cls: {}, type: {}, status: {} };
  function edgeHidden(e) {
    return !!(hidden.type[e.type] || (e.status && hidden.status[e.status]) ||
      hidden.cls[byId[e.from].cls] || hidden.cls[byId[e.to].cls]);
  }
  function applyFilters() {
    var nodeUpd = D.nodes.map(function (n) { return { id: n.id, hidden: !!hidden.cls[n.cls] }; });
    var linkUpd = D.links.map(function (l) {
      var ms = members(l, true);
      if (!ms.length) return { id: l.id, hidden: true };
      var v = visLink(l, ms);
      v.hidden = false;
      return v;
    });
    nodes.update(nodeUpd);
    edges.update(linkUpd);
  }
  function control(section, kind, key, marker, count, help) {
    var lab = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-kind", kind);
    box.setAttribute("data-key", key);
    box.addEventListener("change", function () {
      hidden[kind][key] = !box.checked;
      applyFilters();
    });
    lab.appendChild(box);
    if (marker) lab.appendChild(marker);
    lab.appendChild(el("span", key));
    lab.appendChild(el("span", count, "gk-count"));
    if (help) lab.title = help;
    document.getElementById(section).appendChild(lab);
  }
  D.classes.forEach(function (c) {
    var sw = el("span", null, "gk-swatch " + c.shape);
    sw.style.background = c.color;
    control("gk-classes", "cls", c.label, sw, c.count, c.comment);
  });
  D.types.forEach(function (t) {
    var ln = el("span", null, "gk-line");
    ln.style.borderTopColor = t.color;
    control("gk-types", "type", t.type, ln, t.count);
  });
  if (D.statuses.length) {
    D.statuses.forEach(function (s) {
      control("gk-statuses", "status", s.status, el("span", null, "gk-line" + (s.dashed ? " dashed" : "")), s.count);
    });
  } else {
    document.getElementById("gk-statuses").hidden = true;
  }

  // -- tooltip -----------------------------------------------------------------------------------
  var tip = document.getElementById("gk-tip");
  function showTip(text, ev) {
    tip.textContent = text;
    tip.hidden = false;
    var x = ev && ev.clientX !== undefined ? ev.clientX : 0;
    var y = ev && ev.clientY !== undefined ? ev.clientY : 0;
    tip.style.left = Math.min(x + 14, window.innerWidth - 370) + "px";
    tip.style.top = (y + 14) + "px";
  }
  function hideTip() { tip.hidden = true; }
  function nodeSummary(id) {
    var d = D.details[id];
    var n = D.edges.filter(function (e) { return e.from === id || e.to === id; }).length;
    return d.name + "\n" + d.labels[0] + " · " + n + " edge(s) in view";
  }
  function edgeSummary(e) {
    var bits = [e.status, dates(e), e.evidence ? e.evidence.length + " source(s)" : ""].filter(Boolean);
    var s = name(e.from) + " —" + e.type + "→ " + name(e.to) + (bits.length ? "\n" + bits.join(" · ") : "");
    if (e.summary) s += "\n" + (e.summary.length > 200 ? e.summary.slice(0, 199) + "…" : e.summary);
    return s;
  }
  function domEvent(p) { return p.event && (p.event.srcEvent || p.event); }
  network.on("hoverNode", function (p) { showTip(nodeSummary(p.node), domEvent(p)); });
  function linkSummary(l) {
    var ms = members(l, true);
    if (ms.length === 1) return edgeSummary(ms[0]);
    var st = {};
    ms.forEach(function (e) { if (e.status) st[e.status] = (st[e.status] || 0) + 1; });
    return name(l.from) + " \u2014 " + name(l.to) + "\n" + ms.length + " relationships: " +
      linkLabel(ms) + "\n" + Object.keys(st).sort().map(function (s) { return s + " " + st[s]; }).join(" \u00b7 ") +
      "\nClick to list them all.";
  }
  network.on("hoverEdge", function (p) { if (linkById[p.edge]) showTip(linkSummary(linkById[p.edge]), domEvent(p)); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // -- side panel -------------------------------------------------------------------------------
  var panel = document.getElementById("gk-panel");
  function evidenceList(ids) {
    var ul = el("ul", null, "gk-evidence");
    (ids || []).forEach(function (id) {
      var ev = D.evidence[id] || {};
      var li = el("li");
      li.appendChild(link(ev.url, ev.title || ev.url || id));
      var meta = [first(ev.publisher), first(ev.published), first(ev.type)].filter(Boolean).join(" · ");
      if (meta) li.appendChild(el("div", meta, "gk-meta"));
      if (webUrl(ev.archive_url)) {
        var arch = el("div", null, "gk-meta");
        arch.appendChild(link(ev.archive_url, "archived copy"));
        li.appendChild(arch);
      }
      ul.appendChild(li);
    });
    return ul;
  }
  function claimBox(e, pairFrom) {
    // In a list of the claims between two entities, only the type and direction are new.
    var box = el("div", null, "gk-claim");
    var text = pairFrom === undefined ? name(e.from) + " —" + e.type + "→ " + name(e.to)
      : (e.from === pairFrom ? "—" + e.type + "→" : "←" + e.type + "—");
    var rel = el("div", text, "gk-rel");
    rel.addEventListener("click", function () { network.selectEdges([e.link]); showEdge(e.id); });
    box.appendChild(rel);
    var meta = el("div", null, "gk-meta");
    if (e.status) meta.appendChild(el("span", e.status, "gk-badge"));
    if (dates(e)) meta.appendChild(el("span", dates(e)));
    if (e.undated) meta.appendChild(el("span", "dates unknown: kept, may not hold on " + D.as_of, "gk-badge"));
    box.appendChild(meta);
    if (e.summary) box.appendChild(el("div", e.summary));
    (e.contracts || []).forEach(function (c) {
      var k = D.contracts[c] || {};
      var amount = k.obligated !== undefined ? " · obligated " + k.obligated + " " + (k.currency || "") : "";
      box.appendChild(el("div", "Contract " + (k.piid || k.name || c) + amount, "gk-meta"));
    });
    if (e.evidence && e.evidence.length) box.appendChild(evidenceList(e.evidence));
    return box;
  }
  function clear() { while (panel.firstChild) panel.removeChild(panel.firstChild); }
  function showNode(id) {
    var d = D.details[id];
    if (!d) return;
    clear();
    panel.appendChild(el("h2", d.name));
    var sub = el("div", null, "gk-sub");
    sub.appendChild(el("span", d.labels[0], "gk-badge"));
    sub.appendChild(el("span", id));
    panel.appendChild(sub);
    var table = el("table");
    var own = [];
    d.props.forEach(function (kv) {
      if (kv[0] === "evidence") { own = kv[1]; return; }
      var tr = el("tr");
      tr.appendChild(el("td", kv[0]));
      var td = el("td");
      if ((kv[0] === "url" || kv[0] === "archive_url") && webUrl(kv[1])) td.appendChild(link(kv[1]));
      else td.textContent = Array.isArray(kv[1]) ? kv[1].join(", ") : String(kv[1]);
      tr.appendChild(td);
      table.appendChild(tr);
    });
    if (table.firstChild) panel.appendChild(table);
    if (own.length) {
      panel.appendChild(el("h3", "Sources"));
      panel.appendChild(evidenceList(own));
    }
    var claims = D.edges.filter(function (e) { return e.from === id || e.to === id; });
    if (claims.length) {
      panel.appendChild(el("h3", "Relationships in view (" + claims.length + ")"));
      claims.forEach(function (e) { panel.appendChild(claimBox(e)); });
    }
  }
  function showEdge(id) {
    var e = edgeById[id];
    if (!e) return;
    clear();
    panel.appendChild(el("h2", e.type + (e.verb ? " (" + e.verb + ")" : "")));
    panel.appendChild(el("div", e.claim || e.id, "gk-sub"));
    panel.appendChild(claimBox(e));
  }
  function showLink(id) {
    var l = linkById[id];
    if (!l) return;
    var ms = members(l, true);
    if (ms.length === 1) { showEdge(ms[0].id); return; }
    clear();
    panel.appendChild(el("h2", name(l.from) + " \u2014 " + name(l.to)));
    panel.appendChild(el("div", ms.length + " relationships: " + linkLabel(ms), "gk-sub gk-count-line"));
    ms.slice().sort(function (a, b) {
      var x = (a.start || "") + a.id, y = (b.start || "") + b.id;
      return x < y ? -1 : x > y ? 1 : 0;
    }).forEach(function (e) { panel.appendChild(claimBox(e, l.from)); });
  }
  window.gkShowNode = showNode;
  window.gkShowEdge = showEdge;
  window.gkShowLink = showLink;
  network.on("click", function (p) {
    hideTip();
    if (p.nodes.length) { pin(p.nodes[0]); showNode(p.nodes[0]); }
    else if (p.edges.length) showLink(p.edges[0]);
  });

  // -- find and fit ------------------------------------------------------------------------------
  var names = document.getElementById("gk-names");
  if (D.nodes.length <= 5000) {
    D.nodes.forEach(function (n) { var o = el("option"); o.value = name(n.id); names.appendChild(o); });
  }
  var find = document.getElementById("gk-find");
  find.addEventListener("change", function () {
    var q = find.value.trim().toLowerCase();
    if (!q) return;
    var hit = D.nodes.find(function (n) { return name(n.id).toLowerCase() === q; }) ||
      D.nodes.find(function (n) { return name(n.id).toLowerCase().indexOf(q) >= 0; });
    if (!hit) return;
    pin(hit.id);
    network.selectNodes([hit.id]);
    network.focus(hit.id, { scale: Math.max(1, network.getScale()), animation: false });
    fitLabels(true);  // focus() emits no zoom event
    showNode(hit.id);
  });
  document.getElementById("gk-fit").addEventListener("click", function () {
    firstView();
    fitLabels(true);
  });
})();
