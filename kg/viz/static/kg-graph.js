/* kg graph page: draws the inlined graph with vis-network and wires search, legend,
 * filters, tooltips and the details panel. Positions come precomputed from Python,
 * so physics stays off and the first frame is the final layout.
 * Exposes window.kg for tests and benchmarks (window.kg.ready turns true after the
 * first frame; performance mark "kg-ready" records when). */
(function () {
  "use strict";

  performance.mark("kg-start");
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg-parsed");
  var types = {};
  data.legend.forEach(function (t) { types[t.type] = t; });
  // Node details are the bulk of a big page: parsed on first use, after the first frame.
  var info = null;
  function getInfo() {
    if (info === null) {
      var block = document.getElementById("kg-info");
      if (!block || document.readyState === "loading") return {}; // still being parsed
      info = JSON.parse(block.textContent);
    }
    return info;
  }
  var big = data.nodes.length > 1500;

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var hiddenTypes = new Set();
  var community = "";
  var visible = null; // null: every node visible (the common case, kept cheap)

  function nodeShown(node) {
    if (hiddenTypes.has(node.type)) return false;
    return community === "" || String(node.community) === community;
  }
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return visible === null || visible.has(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return visible === null || (visible.has(e.from) && visible.has(e.to)); }
  });

  var container = document.getElementById("kg-graph");
  var options = {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false },
    nodes: {
      borderWidth: 1,
      font: { size: 14, face: "system-ui, sans-serif", color: "#222" },
      // Labels smaller than this on screen are skipped, so a zoomed-out page of
      // thousands of nodes draws shapes only.
      scaling: { label: { drawThreshold: 9 } }
    },
    edges: {
      smooth: false,
      color: { color: "#9aa7b8", highlight: "#1f2d3d", hover: "#1f2d3d", opacity: big ? 0.3 : 0.6 },
      selectionWidth: 1.5,
      hoverWidth: 0.5,
      arrows: { to: { enabled: data.directed, scaleFactor: 0.5 } }
    },
    interaction: {
      hover: true,
      tooltipDelay: 120,
      hideEdgesOnDrag: big,
      hideEdgesOnZoom: big,
      keyboard: false,
      navigationButtons: false
    }
  };
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  performance.mark("kg-network");
  if (!data.nodes.length) {
    container.appendChild(el("p", { "class": "empty", text: "Nothing to draw on this page for these inputs (see the note on the left)." }));
  }

  var kg = (window.kg = {
    data: data,
    network: network,
    nodes: nodes,
    edges: edges,
    nodeView: nodeView,
    edgeView: edgeView,
    ready: false,
    readyAt: null,
    focused: null
  });

  network.once("afterDrawing", function () {
    kg.readyAt = performance.now();
    performance.mark("kg-ready");
    kg.ready = true;
    document.body.setAttribute("data-ready", "1");
    // Parse the details once the browser is idle, so the first hover answers at once.
    (window.requestIdleCallback || window.setTimeout)(function () { getInfo(); });
  });

  // ------------------------------------------------------------------ helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") node.textContent = attrs[k];
        else if (k === "style") node.style.cssText = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function typeName(type) { return types[type] ? types[type].name : type; }
  function typeColor(type) {
    if (types[type]) return types[type].color;
    var known = { MODEL: "#e15759", METHOD: "#f28e2b", DATASET: "#59a14f", TASK: "#b07aa1", METRIC: "#c9a227" };
    return known[type] || "#888";
  }
  function swatch(type) {
    return el("span", { "class": "swatch shape-" + (types[type] ? types[type].shape : "dot"), style: "background:" + typeColor(type) });
  }
  function segments(list) {
    var frag = document.createDocumentFragment();
    list.forEach(function (s) {
      if (s.length === 1) { frag.appendChild(document.createTextNode(s[0])); return; }
      var mark = el("mark", {
        "class": "mention",
        "data-type": s[1],
        "data-entity": s[2],
        title: typeName(s[1]) + ": " + ((getInfo()[s[2]] && getInfo()[s[2]].name) || s[2]),
        style: "background:" + typeColor(s[1]) + "40; border-bottom:2px solid " + typeColor(s[1])
      }, [s[0]]);
      if (nodes.get(s[2])) {
        mark.classList.add("linked");
        mark.addEventListener("click", function () { focusNode(s[2]); });
      }
      frag.appendChild(mark);
    });
    return frag;
  }
  function nodeLink(id, text) {
    if (!nodes.get(id)) return el("span", { text: text });
    var a = el("a", { href: "#", text: text });
    a.addEventListener("click", function (ev) { ev.preventDefault(); focusNode(id); });
    return a;
  }
  function meta(i) {
    var bits = [];
    if (i.year) bits.push(String(i.year));
    if (i.venue) bits.push(i.venue);
    return bits.join(" · ");
  }

  // ------------------------------------------------------------------ tooltips
  var tooltip = document.getElementById("kg-tooltip");
  function nodeTooltip(id) {
    var i = getInfo()[id];
    if (!i) return null;
    var box = el("div", null, [el("div", { "class": "tt-type" }, [swatch(i.type), typeName(i.type)]), el("strong", { text: i.name })]);
    if (i.paper_count !== undefined) {
      if (i.aliases && i.aliases.length) box.appendChild(el("div", { text: "Also: " + i.aliases.slice(0, 8).join(", ") }));
      box.appendChild(el("div", { text: "Named in " + i.paper_count + " paper" + (i.paper_count === 1 ? "" : "s") }));
    } else {
      if (meta(i)) box.appendChild(el("div", { text: meta(i) }));
      if (i.link) box.appendChild(el("div", { "class": "tt-link", text: i.link }));
      if (i.entities && i.entities.length) {
        box.appendChild(el("div", { text: "Entities: " + i.entities.map(function (e) { return e[1]; }).join(", ") }));
      }
    }
    return box;
  }
  function showTooltip(content, pointer) {
    if (!content) return;
    tooltip.replaceChildren(content);
    tooltip.hidden = false;
    var rect = container.getBoundingClientRect();
    var x = rect.left + pointer.x + 14, y = rect.top + pointer.y + 14;
    tooltip.style.left = Math.min(x, window.innerWidth - tooltip.offsetWidth - 8) + "px";
    tooltip.style.top = Math.min(y, window.innerHeight - tooltip.offsetHeight - 8) + "px";
  }
  function hideTooltip() { tooltip.hidden = true; }
  network.on("hoverNode", function (p) { showTooltip(nodeTooltip(p.node), p.pointer.DOM); });
  network.on("blurNode", hideTooltip);
  network.on("hoverEdge", function (p) {
    var e = edges.get(p.edge);
    if (e && e.tip) showTooltip(el("div", { text: e.tip }), p.pointer.DOM);
  });
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // ------------------------------------------------------------------ details panel
  var details = document.getElementById("kg-details");
  function showDetails(id) {
    var i = getInfo()[id];
    if (!i) return;
    var box = el("div", { "class": "details", "data-node": id }, [el("div", { "class": "tt-type" }, [swatch(i.type), typeName(i.type)])]);
    if (i.paper_count !== undefined) {
      box.appendChild(el("h3", { text: i.name }));
      if (i.aliases.length) box.appendChild(el("p", { text: "Also called: " + i.aliases.join(", ") }));
      box.appendChild(el("p", { text: "Named in " + i.paper_count + " paper" + (i.paper_count === 1 ? "" : "s") + ":" }));
      var list = el("ol", { "class": "papers" });
      i.papers.forEach(function (p) {
        list.appendChild(el("li", null, [nodeLink(p[0], p[1]), p[2] ? " (" + p[2] + ")" : ""]));
      });
      box.appendChild(list);
      if (i.paper_count > i.papers.length) {
        box.appendChild(el("p", { "class": "hint", text: "... and " + (i.paper_count - i.papers.length) +
          " more; kg lookup \u201c" + i.name + "\u201d lists them all." }));
      }
    } else {
      var h = el("h3");
      h.appendChild(i.title_segments.length ? segments(i.title_segments) : document.createTextNode(i.name));
      box.appendChild(h);
      if (meta(i)) box.appendChild(el("p", { "class": "meta", text: meta(i) }));
      if (i.authors && i.authors.length) box.appendChild(el("p", { "class": "meta", text: i.authors.join(", ") }));
      if (i.link) box.appendChild(el("p", null, [el("a", { href: i.link, target: "_blank", rel: "noopener", text: i.link })]));
      var abstract = el("p", { "class": "abstract" });
      if (i.abstract_segments.length) abstract.appendChild(segments(i.abstract_segments));
      else abstract.appendChild(el("span", { "class": "hint", text: "No abstract." }));
      box.appendChild(abstract);
      if (i.entities.length) {
        var ents = el("p", null, ["Top entities: "]);
        i.entities.forEach(function (e, k) {
          if (k) ents.appendChild(document.createTextNode(", "));
          ents.appendChild(nodeLink(e[0], e[1]));
        });
        box.appendChild(ents);
      }
    }
    details.replaceChildren(box);
    details.parentNode.scrollIntoView({ block: "nearest" });
  }
  network.on("click", function (p) {
    if (p.nodes.length) { kg.focused = p.nodes[0]; showDetails(p.nodes[0]); }
    else if (p.edges.length) {
      var e = edges.get(p.edges[0]);
      if (e) details.replaceChildren(el("p", { text: e.tip || "" }));
    }
  });

  // ------------------------------------------------------------------ search
  var byName = null;
  // The name index and the datalist are built when first needed (search box focused).
  function buildIndex() {
    if (byName !== null) return;
    byName = new Map();
    var all = getInfo();
    var options_ = document.createDocumentFragment();
    Object.keys(all).forEach(function (id) {
      var i = all[id];
      [i.name].concat(i.aliases || []).forEach(function (n) {
        var key = String(n).toLowerCase();
        if (!byName.has(key)) byName.set(key, id);
      });
      options_.appendChild(el("option", { value: i.name }));
    });
    document.getElementById("kg-names").appendChild(options_);
  }
  document.getElementById("kg-search").addEventListener("focus", buildIndex);

  function find(query) {
    buildIndex();
    var q = query.trim().toLowerCase();
    if (!q) return null;
    if (byName.has(q)) return byName.get(q);
    if (getInfo()[query.trim()]) return query.trim();
    var best = null;
    byName.forEach(function (id, key) {
      if (best === null && key.indexOf(q) === 0) best = id;
    });
    if (best !== null) return best;
    byName.forEach(function (id, key) {
      if (best === null && key.indexOf(q) >= 0) best = id;
    });
    return best;
  }
  function focusNode(id) {
    if (!nodes.get(id)) return false;
    if (visible !== null && !visible.has(id)) resetFilters();
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    kg.focused = id;
    showDetails(id);
    // A shareable address: opening page.html#node=<id> focuses the same node.
    history.replaceState(null, "", "#node=" + encodeURIComponent(id));
    return true;
  }
  var status = document.getElementById("kg-search-status");
  document.getElementById("kg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var query = document.getElementById("kg-search").value;
    var id = find(query);
    if (id === null) { status.textContent = "Nothing named \u201c" + query + "\u201d on this page."; return; }
    status.textContent = "";
    focusNode(id);
  });
  kg.find = find;
  kg.focusNode = focusNode;
  kg.showDetails = showDetails;

  // ------------------------------------------------------------------ legend and filters
  function applyFilters() {
    if (hiddenTypes.size === 0 && community === "") visible = null;
    else {
      visible = new Set();
      nodes.forEach(function (n) { if (nodeShown(n)) visible.add(n.id); });
    }
    nodeView.refresh();
    edgeView.refresh();
  }
  function resetFilters() {
    hiddenTypes.clear();
    community = "";
    document.querySelectorAll("#kg-legend input").forEach(function (box) { box.checked = true; });
    document.getElementById("kg-community").value = "";
    applyFilters();
  }
  kg.applyFilters = applyFilters;
  var legend = document.getElementById("kg-legend");
  data.legend.forEach(function (t) {
    var box = el("input", { type: "checkbox", "data-type": t.type });
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) hiddenTypes.delete(t.type); else hiddenTypes.add(t.type);
      applyFilters();
    });
    legend.appendChild(el("li", null, [el("label", null, [box, swatch(t.type), t.name + " (" + t.count + ")"])]));
  });
  document.getElementById("kg-encoding").textContent =
    "Node size: " + data.size_by + ". Link width: weight." + (data.directed ? " Arrows: citing \u2192 cited." : "");

  var select = document.getElementById("kg-community");
  if (data.communities.length) {
    data.communities.forEach(function (c) {
      select.appendChild(el("option", { value: String(c.id), text: "#" + c.id + ": " + c.label + " (" + c.count + ")" }));
    });
    select.addEventListener("change", function () { community = select.value; applyFilters(); });
  } else {
    document.getElementById("kg-community-box").hidden = true;
  }

  var omitted = data.omitted;
  var noteBox = document.getElementById("kg-omitted");
  if (data.isolated) {
    var one = data.isolated === 1;
    noteBox.appendChild(el("p", {
      text: data.isolated + (data.page === "papers"
        ? (one ? " paper that shares" : " papers that share") + " no distinctive entity with another paper"
        : (one ? " entity" : " entities") + " never named together with another entity") +
        (one ? " is" : " are") + " not drawn; search the knowledge graph page for " + (one ? "it." : "them.")
    }));
    noteBox.hidden = false;
  }
  if (omitted && omitted.nodes !== undefined) {
    var box = noteBox;
    box.insertBefore(el("h2", { text: "Reduced graph" }), box.firstChild);
    var byType = Object.keys(omitted.by_type || {}).map(function (t) {
      var n = omitted.by_type[t];
      return n + " " + typeName(t).toLowerCase() + (n === 1 ? "" : "s");
    });
    var nodesText = omitted.nodes ? "Showing the " + data.nodes.length + " most connected of " + data.total_nodes + " nodes"
      : "Showing all " + data.nodes.length + " nodes";
    var edgesText = " and " + data.edges.length + " of " + data.total_edges + " links";
    var why = [];
    if (omitted.edges_of_left_out_nodes) why.push(omitted.edges_of_left_out_nodes + " links went with the left-out nodes");
    if (omitted.edges_capped) why.push(omitted.edges_capped + " lighter links were dropped (every node keeps its strongest link)");
    edgesText += why.length ? " (" + why.join("; ") + ")" : "";
    var left = omitted.nodes ? " Left out: " + omitted.nodes + " nodes" + (byType.length ? " (" + byType.join(", ") + ")" : "") + ", the least connected." : "";
    box.appendChild(el("p", {
      text: nodesText + edgesText + "." + left + " Pages draw at most " + omitted.max_nodes + " nodes and " + omitted.max_edges +
        " links; raise [html] max_nodes and max_edges in kg.toml to draw more."
    }));
    box.hidden = false;
  }
  network.once("afterDrawing", function () {
    var match = /^#node=(.+)$/.exec(location.hash);
    if (match) focusNode(decodeURIComponent(match[1]));
  });

  if (!noteBox.hidden && !noteBox.querySelector("h2")) noteBox.insertBefore(el("h2", { text: "Not drawn" }), noteBox.firstChild);
})();
