/* The fitness summary's chart: pupils per level by grade and sex, stacked (ECharts 6, SVG renderer).
   The table beside it holds the same numbers, so the page works without this script. */
(function () {
  "use strict";
  document.querySelectorAll('[data-chart="fitness-levels"]').forEach(function (el) {
    var data = JSON.parse(document.getElementById(el.dataset.chartData).textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      textStyle: { fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' },
      color: ["#5a9e6f", "#2f6db5", "#d9a441", "#c0504d"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      aria: { enabled: true },
      animation: false,
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", stack: "levels", data: s.data }; }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();

/* The dashboards' charts: [data-chart="health"] holds {"kind": "line"|"bar", "horizontal", "categories",
   "series": [{name, data}]} (rates in %). The tables beside them hold the same numbers. */
(function () {
  "use strict";
  document.querySelectorAll('[data-chart="health"]').forEach(function (el) {
    var data = JSON.parse(document.getElementById(el.dataset.chartData).textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    var category = { type: "category", data: data.categories, axisLabel: { interval: 0 } };
    var value = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
    chart.setOption({
      textStyle: { fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' },
      color: ["#2f6db5", "#c0504d", "#5a9e6f", "#d9a441"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 24, bottom: 8, top: 36, containLabel: true },
      aria: { enabled: true },
      animation: false,
      xAxis: data.horizontal ? value : category,
      yAxis: data.horizontal ? Object.assign({}, category, { inverse: true }) : value,
      // Lines carry the value of the first series only: the labels of close lines would overlap.
      series: data.series.map(function (s, i) {
        return { name: s.name, type: data.kind, data: s.data, connectNulls: true,
                 label: { show: data.kind === "bar" || i === 0, position: data.horizontal ? "right" : "top",
                          formatter: "{c}%" } };
      }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
