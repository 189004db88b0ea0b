/* The dashboard's two charts: shares of nights and school days that meet the rule, per school, grade or class. */
(function () {
  "use strict";

  function bars(el, categories, series, unit) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      textStyle: { fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v == null ? "—" : v + unit; } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}" + unit } },
      series: series.map(function (s) { return { type: "bar", name: s.name, data: s.data, barMaxWidth: 28, itemStyle: { color: s.color } }; }),
      aria: { enabled: true },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("wellbeing-chart");
    if (!holder || !window.echarts) return;
    var data = JSON.parse(holder.textContent);
    var sleep = document.querySelector("[data-chart='sleep']");
    var pe = document.querySelector("[data-chart='pe']");
    if (sleep) bars(sleep, data.categories, [
      { name: data.labels.sleep, data: data.sleep, color: "#2f6fb5" },
      { name: data.labels.bedtime, data: data.bedtime, color: "#8bb4e0" },
    ], data.labels.unit);
    if (pe) bars(pe, data.categories, [{ name: data.labels.pe, data: data.pe, color: "#2e8b57" }], data.labels.unit);
  });
})();
