// Every chart on a page: an element with data-chart="ID" draws the ECharts option in
// the JSON script ID (built on the server: no functions, only data). ECharts is served
// from the package.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var zh = document.documentElement.lang === "zh-CN";
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var option = JSON.parse(document.getElementById(el.getAttribute("data-chart")).textContent);
    var chart = window.echarts.init(el, null, { locale: zh ? "ZH" : "EN" });
    option.animation = false;
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-drawn", "true");
  });
})();
