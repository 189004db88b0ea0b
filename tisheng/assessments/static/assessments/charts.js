/* Charts of the exam pages (ECharts 6, SVG renderer). Each chart element names its kind in data-chart
   ("exam-bands", "exam-box", "exam-bars", "exam-scatter", "exam-heatmap") and the id of its json_script in
   data-chart-data. The tables beside each chart hold the same numbers, so a page works without this script. */
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var COLORS = ["#2f6db5", "#d9774b", "#5a9e6f", "#8a6bb8"];

  function base(extra) {
    var option = {
      textStyle: { fontFamily: FONT },
      color: COLORS,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      aria: { enabled: true },
      animation: false,
    };
    Object.keys(extra).forEach(function (k) { option[k] = extra[k]; });
    return option;
  }

  function percent(v) { return v === null || v === undefined ? "–" : v + "%"; }

  function bars(data, rotate) {
    return base({
      grid: { left: 8, right: 16, bottom: 30, top: 36, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: percent },
      xAxis: { type: "category", data: data.categories, name: data.x_name, nameLocation: "middle", nameGap: 28,
               axisTick: { show: false }, axisLabel: { interval: 0, rotate: rotate ? 30 : 0 } },
      yAxis: { type: "value", name: data.unit, max: 100 },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data, barMaxWidth: 28 }; }),
    });
  }

  function box(data) {
    return base({
      tooltip: { trigger: "item" },
      xAxis: { type: "category", data: data.categories, axisTick: { show: false },
               axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", min: 0, max: data.full_mark },
      series: [
        { type: "boxplot", data: data.boxes, itemStyle: { color: "#e8f0fa", borderColor: "#2f6db5" } },
        { name: data.mean_name, type: "scatter", data: data.means, symbolSize: 8, itemStyle: { color: "#d9774b" } },
      ],
    });
  }

  function scatter(data) {
    return base({
      grid: { left: 8, right: 16, bottom: 30, top: 36, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) {
        return data.item + " " + p.value[2] + "<br>" + data.x_name + " " + p.value[0] + "<br>" + data.y_name + " " + p.value[1];
      } },
      xAxis: { type: "value", name: data.x_name, nameLocation: "middle", nameGap: 26, min: 0, max: 1 },
      yAxis: { type: "value", name: data.y_name, min: function (v) { return Math.min(0, Math.floor(v.min * 10) / 10); }, max: 1 },
      series: [{
        type: "scatter", symbolSize: 11,
        data: data.points.map(function (p) { return { value: p, itemStyle: { color: p[3] ? "#b8322a" : "#2f6db5" } }; }),
        label: { show: true, formatter: function (p) { return p.value[2]; }, position: "top", fontSize: 10 },
        markLine: { silent: true, symbol: "none", label: { show: false },
                    lineStyle: { type: "dashed", color: "#b8322a" }, data: [{ yAxis: data.poor_line }] },
      }],
    });
  }

  function heatmap(data) {
    return base({
      tooltip: { trigger: "item", formatter: function (p) {
        return data.y[p.value[1]] + "<br>" + data.x[p.value[0]] + ": " + percent(p.value[2]);
      } },
      grid: { left: 8, right: 16, bottom: 60, top: 8, containLabel: true },
      xAxis: { type: "category", data: data.x, axisLabel: { interval: 0, rotate: 30 }, splitArea: { show: true } },
      yAxis: { type: "category", data: data.y, splitArea: { show: true }, inverse: true },
      visualMap: { min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#b8322a", "#f3d27a", "#5a9e6f"] }, text: ["100%", "0%"] },
      series: [{ type: "heatmap", data: data.cells, label: { show: data.cells.length <= 120, fontSize: 10 } }],
    });
  }

  var KINDS = {
    "exam-bands": function (d) { return bars(d, false); },
    "exam-bars": function (d) { return bars(d, d.categories.length > 8); },
    "exam-box": box,
    "exam-scatter": scatter,
    "exam-heatmap": heatmap,
  };

  function init(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart^='exam-']").forEach(function (el) {
      var source = document.getElementById(el.dataset.chartData);
      var make = KINDS[el.dataset.chart];
      // its own mark: the shell's script marks every [data-chart] it has looked at
      if (!source || !make || el.dataset.examChartReady) return;
      el.dataset.examChartReady = "1";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(make(JSON.parse(source.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
