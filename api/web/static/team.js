// The team dashboard's chart: members and active members per level (bars) and GMV
// per level (line), from the JSON the page carries. ECharts is served from the package.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("levels-data").textContent);
  var el = document.getElementById("levels-chart");
  if (!el || !window.echarts) { return; }
  var zh = document.documentElement.lang === "zh-CN";
  var chart = window.echarts.init(el, null, { locale: zh ? "ZH" : "EN", renderer: "canvas" });
  var L = data.labels;
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [L.members, L.active, L.gmv] },
    grid: { left: 56, right: 72, top: 56, bottom: 32 },
    xAxis: { type: "category", name: L.level, data: data.levels },
    yAxis: [{ type: "value", name: L.members }, { type: "value", name: L.gmv }],
    series: [
      { name: L.members, type: "bar", data: data.members },
      { name: L.active, type: "bar", data: data.active },
      { name: L.gmv, type: "line", yAxisIndex: 1, data: data.gmv }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  el.setAttribute("data-drawn", "true");
})();
