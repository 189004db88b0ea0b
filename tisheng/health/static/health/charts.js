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
