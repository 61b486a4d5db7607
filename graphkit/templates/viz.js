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
  var nodes = new vis.DataSet(D.nodes.map(function (n) {
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, shape: n.shape, size: n.size, cls: n.cls,
      borderWidth: n.hl ? 4 : 1,
      color: { background: n.color, border: n.hl ? "#111111" : n.color,
               highlight: { background: n.color, border: "#000000" },
               hover: { background: n.color, border: "#000000" } }
    };
  }));
  var edges = new vis.DataSet(D.edges.map(function (e) {
    return {
      id: e.id, from: e.from, to: e.to, label: e.type, type: e.type, status: e.status,
      dashes: !!e.dashes, width: e.hl ? 3.5 : (e.status === "confirmed" ? 2 : 1.2),
      color: { color: e.color, highlight: "#000000", hover: e.color, opacity: e.hl ? 1 : 0.85 },
      smooth: e.curve ? { enabled: true, type: "curvedCW", roundness: e.curve } : false
    };
  }));
  var container = document.getElementById("gk-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, D.options);
  window.gkNetwork = network;
  window.gkNodes = nodes;
  window.gkEdges = edges;
  network.once("afterDrawing", function () {
    // The initial fit ignores labels: zoom out a little so end nodes and labels stay inside.
    network.moveTo({ scale: network.getScale() * 0.75, animation: false });
    window.gkDrawnAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
  document.getElementById("gk-counts").textContent =
    D.nodes.length + " nodes · " + D.edges.length + " edges";

  // -- legend and filters ----------------------------------------------------------------------
  var hidden = { cls: {}, type: {}, status: {} };
  function applyFilters() {
    var nodeUpd = D.nodes.map(function (n) { return { id: n.id, hidden: !!hidden.cls[n.cls] }; });
    var edgeUpd = D.edges.map(function (e) {
      var off = hidden.type[e.type] || (e.status && hidden.status[e.status]) ||
        hidden.cls[byId[e.from].cls] || hidden.cls[byId[e.to].cls];
      return { id: e.id, hidden: !!off };
    });
    nodes.update(nodeUpd);
    edges.update(edgeUpd);
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
  network.on("hoverEdge", function (p) { if (edgeById[p.edge]) showTip(edgeSummary(edgeById[p.edge]), domEvent(p)); });
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
  function claimBox(e) {
    var box = el("div", null, "gk-claim");
    var rel = el("div", name(e.from) + " —" + e.type + "→ " + name(e.to), "gk-rel");
    rel.addEventListener("click", function () { network.selectEdges([e.id]); showEdge(e.id); });
    box.appendChild(rel);
    var meta = el("div", null, "gk-meta");
    if (e.status) meta.appendChild(el("span", e.status, "gk-badge"));
    if (dates(e)) meta.appendChild(el("span", dates(e)));
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
  window.gkShowNode = showNode;
  window.gkShowEdge = showEdge;
  network.on("click", function (p) {
    hideTip();
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
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
    network.selectNodes([hit.id]);
    network.focus(hit.id, { scale: 1.2, animation: false });
    showNode(hit.id);
  });
  document.getElementById("gk-fit").addEventListener("click", function () { network.fit({ animation: false }); });
})();
