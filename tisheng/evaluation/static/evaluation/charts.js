/* Charts of the value-added pages (ECharts 6, SVG renderer): "va-caterpillar" (each group's estimate with its
   interval, sorted, the zero line of expectation; groups too small to judge listed last without a point) and
   "va-histogram" (pupils per tenth of growth percentiles). Data come from the json_script named in
   data-chart-data; the tables beside the charts hold the same numbers, so a page works without this script. */
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var COLOR = { above: "#2f7d4f", below: "#b8322a", not_different: "#2f6db5" };

  function caterpillar(data) {
    var intervals = [];
    var points = [];
    data.points.forEach(function (p, i) {
      if (!p) return;
      intervals.push([i, p[1], p[2], p[3]]);
      points.push({ value: [p[0], i], n: p[4], lower: p[1], upper: p[2], itemStyle: { color: COLOR[p[3]] } });
    });
    return {
      textStyle: { fontFamily: FONT },
      animation: false,
      aria: { enabled: true },
      grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) {
        var d = p.data;
        if (!d || d.n === undefined) return "";
        return data.categories[d.value[1]] + "<br>" + data.labels.estimate + " " + d.value[0] + "<br>" +
          data.labels.interval + " " + d.lower + " – " + d.upper + "<br>" + data.labels.n + " " + d.n;
      } },
      xAxis: { type: "value", name: data.x_name, nameLocation: "middle", nameGap: 26, scale: true },
      yAxis: { type: "category", data: data.categories, inverse: true, axisTick: { show: false },
               axisLabel: { interval: 0, color: function (v, i) { return data.points[i] ? "#333" : "#999"; } } },
      series: [
        { type: "custom", silent: true, data: intervals, encode: { x: [1, 2], y: 0 },
          renderItem: function (params, api) {
            var lo = api.coord([api.value(1), api.value(0)]);
            var hi = api.coord([api.value(2), api.value(0)]);
            var cap = 5;
            var style = { stroke: COLOR[data.points[api.value(0)][3]], lineWidth: 2 };
            return { type: "group", children: [
              { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style },
              { type: "line", shape: { x1: lo[0], y1: lo[1] - cap, x2: lo[0], y2: lo[1] + cap }, style: style },
              { type: "line", shape: { x1: hi[0], y1: hi[1] - cap, x2: hi[0], y2: hi[1] + cap }, style: style },
            ] };
          } },
        { type: "scatter", data: points, symbolSize: 9, z: 3,
          markLine: { silent: true, symbol: "none", label: { show: false },
                      lineStyle: { type: "dashed", color: "#888" }, data: [{ xAxis: data.reference }] } },
      ],
    };
  }

  function histogram(data) {
    return {
      textStyle: { fontFamily: FONT },
      animation: false,
      aria: { enabled: true },
      color: ["#2f6db5"],
      grid: { left: 8, right: 16, top: 24, bottom: 30, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.categories, name: data.x_name, nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "value", name: data.y_name, minInterval: 1 },
      series: [{ type: "bar", data: data.counts, barMaxWidth: 36 }],
    };
  }

  var KINDS = { "va-caterpillar": caterpillar, "va-histogram": histogram };

  function init(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart^='va-']").forEach(function (el) {
      var source = document.getElementById(el.dataset.chartData);
      var make = KINDS[el.dataset.chart];
      if (!source || !make || el.dataset.vaChartReady) return;
      el.dataset.vaChartReady = "1";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(make(JSON.parse(source.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
