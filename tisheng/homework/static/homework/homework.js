/* Homework pages: add an item row to a day of the plan form, and the chart of classes over their limits.
   The pages work without it (each day always has one empty row). */
(function () {
  "use strict";

  function initAddRow() {
    document.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.addEventListener("click", function () {
        var form = button.closest("form");
        var total = form.querySelector("input[name$='-TOTAL_FORMS']");
        var template = document.getElementById("empty-item");
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        row.querySelector("input[name$='-date']").value = button.dataset.addRow;
        button.parentNode.querySelector(".rows").appendChild(row);
        total.value = String(index + 1);
        var first = row.querySelector("input[type=text]");
        if (first) first.focus();
      });
    });
  }

  function initChart() {
    var el = document.querySelector("[data-chart='homework-over']");
    if (!el || !window.echarts) return;
    var data = JSON.parse(document.getElementById(el.dataset.chartData).textContent);
    if (!data.values.length) return;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      textStyle: { fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' },
      color: ["#b42318"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, bottom: 28, top: 16, containLabel: true },
      xAxis: { type: "value", name: data.unit, nameLocation: "middle", nameGap: 26, minInterval: 1 },
      yAxis: { type: "category", data: data.categories.slice().reverse(), axisTick: { show: false } },
      series: [{ type: "bar", data: data.values.slice().reverse(), barMaxWidth: 22, name: data.unit }],
      aria: { enabled: true },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initAddRow();
    initChart();
  });
})();
