// The genealogy tree: ECharts' tree series, a level fetched when a member is opened
// (/tree/children), so a team of any size opens one click at a time.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("tree-data").textContent);
  var el = document.getElementById("tree-chart");
  var detail = document.getElementById("tree-detail");
  if (!el || !window.echarts) { return; }
  var L = cfg.labels;
  var zh = cfg.lang === "zh";
  var money = function (fen) {
    var yuan = (fen / 100).toLocaleString(zh ? "zh-CN" : "en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return "¥" + yuan;
  };
  function item(n) {  // a member as a node of the series
    return {
      name: n.id, value: n.team_size, member: n, loaded: false,
      collapsed: true, children: n.recruits > 0 ? [] : undefined,
      symbolSize: 8 + Math.min(18, Math.log10(1 + n.team_size) * 5),
      itemStyle: { color: n.active ? "#18794e" : "#9aa5b1", borderColor: n.active ? "#18794e" : "#9aa5b1" },
      label: { formatter: n.id + (n.team_size ? " (" + n.team_size + ")" : "") }
    };
  }
  function more(n) {
    return { name: L.more.replace("{n}", n), member: null, symbol: "none",
             label: { color: "#616e7c" } };
  }
  function attach(node, level) {
    node.children = level.children.map(item);
    if (level.more > 0) { node.children.push(more(level.more)); }
    node.loaded = true;
    node.collapsed = false;
  }
  // the root, and the levels the server opened on the way to a member looked for
  var root = item(cfg.levels[0].node);
  attach(root, cfg.levels[0]);
  var at = root;
  for (var i = 1; i < cfg.levels.length; i++) {
    var id = cfg.levels[i].node.id;
    var next = at.children.filter(function (c) { return c.name === id; })[0];
    if (!next) { break; }
    attach(next, cfg.levels[i]);
    at = next;
  }
  if (cfg.focus) { at.itemStyle = { color: "#c81e1e", borderColor: "#c81e1e" }; }

  var chart = window.echarts.init(el, null, { locale: zh ? "ZH" : "EN" });
  function draw() {
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var n = p.data.member;
          if (!n) { return p.name; }
          return "<b>" + n.id + "</b><br>" + L.team_size + ": " + n.team_size +
            "<br>" + L.recruits + ": " + n.recruits + "<br>" + L.gmv + ": " + money(n.gmv) +
            "<br>" + L.team_gmv + ": " + money(n.team_gmv) + "<br>" + (n.active ? L.active : L.inactive);
        }
      },
      series: [{
        type: "tree", data: [root], orient: "LR", top: 16, bottom: 16, left: 110, right: 160,
        symbol: "circle",
        roam: true, expandAndCollapse: true, initialTreeDepth: -1,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 12 },
        leaves: { label: { position: "right", align: "left" } }
      }]
    }, { replaceMerge: ["series"] });
  }
  function find(node, path) {  // the node at a tree path of names (ECharts gives ancestors)
    for (var k = 1; k < path.length; k++) {
      node = (node.children || []).filter(function (c) { return c.name === path[k]; })[0];
      if (!node) { return null; }
    }
    return node;
  }
  function show(n) {
    if (!n) { detail.textContent = ""; return; }
    var q = cfg.query ? cfg.query + "&" : "";
    detail.innerHTML = "";
    var h = document.createElement("h2"); h.textContent = n.id; detail.appendChild(h);
    [[L.team_size, n.team_size], [L.recruits, n.recruits], [L.gmv, money(n.gmv)],
     [L.team_gmv, money(n.team_gmv)]].forEach(function (row) {
      var p = document.createElement("p"); p.textContent = row[0] + ": " + row[1]; detail.appendChild(p);
    });
    var card = document.createElement("a");
    card.href = cfg.member.replace("__ID__", encodeURIComponent(n.id)) + (cfg.query ? "?" + cfg.query : "");
    card.textContent = L.open_card;
    var cp = document.createElement("p"); cp.appendChild(card); detail.appendChild(cp);
    [[cfg.team, L.open_team], [cfg.members, L.open_members]].forEach(function (link) {
      var a = document.createElement("a");
      a.href = link[0] + "?" + q.replace(/(^|&)root=[^&]*/g, "") + "root=" + encodeURIComponent(n.id);
      a.textContent = link[1];
      var p = document.createElement("p"); p.appendChild(a); detail.appendChild(p);
    });
  }
  function open(node) {  // a click on a member: show it, fold it, or fetch its recruits
    show(node.member);
    if (node.loaded) { node.collapsed = !node.collapsed; return Promise.resolve(node); }
    if (!node.member.recruits) { return Promise.resolve(node); }
    var url = cfg.children + "?" + (cfg.query ? cfg.query + "&" : "") + "member=" + encodeURIComponent(node.member.id);
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (r) {
        if (!r.ok) { detail.textContent = L.failed + " " + (r.body.error ? r.body.error.message : ""); return node; }
        attach(node, r.body);
        draw();
        return node;
      })
      .catch(function () { detail.textContent = L.failed; return node; });
  }
  chart.on("click", function (p) {
    var node = find(root, (p.treeAncestors || []).slice(1).map(function (a) { return a.name; }));
    if (node && node.member) { open(node); }
  });
  // open the shown member named ``id`` as a click would (browser tests walk the tree)
  el.openMember = function (id) {
    var hit = null;
    (function walk(n) { if (n.name === id && n.member) { hit = n; } (n.children || []).forEach(walk); })(root);
    return hit ? open(hit).then(function (n) { return n.children ? n.children.filter(function (c) { return c.member; }).map(function (c) { return c.name; }) : []; }) : Promise.resolve(null);
  };
  draw();
  show(at.member);
  window.addEventListener("resize", function () { chart.resize(); });
  el.setAttribute("data-drawn", "true");
})();
