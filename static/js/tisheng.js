/* Tisheng's own script: the phone menu, the language switch after htmx navigation, and the charts.
   Every page works without it; it only makes the pages nicer to use. */
(function () {
  "use strict";

  function initMenu() {
    var toggle = document.querySelector(".nav-toggle");
    var panel = document.getElementById("site-nav");
    if (!toggle || !panel) return;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-open", open);
    });
  }

  // Choosing a language switches at once. htmx changes the address without reloading the header, so
  // "next" is taken from the address bar as it is now.
  function initLanguageSwitch() {
    document.querySelectorAll(".language-switch").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelector("input[name=next]").value = window.location.pathname + window.location.search;
      });
      form.querySelector("select").addEventListener("change", function () { form.requestSubmit(); });
    });
  }

  // On a phone the filters fold away; they open by themselves when one is in use.
  function initFilters() {
    document.querySelectorAll(".filters").forEach(function (form) {
      var toggle = form.querySelector(".filter-toggle");
      var more = form.querySelector(".filter-more");
      if (!toggle || !more) return;
      var inUse = Array.prototype.some.call(more.querySelectorAll("input, select"), function (el) {
        return el.name !== "sort" && el.value !== "" && !(el.tagName === "SELECT" && el.selectedIndex === 0);
      });
      function show(open) {
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        more.classList.toggle("is-open", open);
      }
      show(inUse);
      toggle.addEventListener("click", function () { show(toggle.getAttribute("aria-expanded") !== "true"); });
    });
  }

  // A filter left empty stays out of the address: /roster/students/?grade=8, not ?q=&grade=8&sex=…
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get" || !event.detail.elt.closest(".filters")) return;
    var params = event.detail.parameters;
    Array.from(params.keys ? params.keys() : Object.keys(params)).forEach(function (key) {
      var value = params.get ? params.get(key) : params[key];
      if (value === "" || value === null) { if (params.delete) { params.delete(key); } else { delete params[key]; } }
    });
  });

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  // Students per grade by sex: {categories: [...], series: [{name, data}], title}.
  function gradeSexChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      textStyle: { fontFamily: FONT },
      color: ["#2f6db5", "#d9774b"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: {
        type: "category", data: data.categories, axisTick: { show: false },
        // every label shown; slanted when the bars are narrower than an English "Grade 7"
        axisLabel: { interval: 0, rotate: el.clientWidth / data.categories.length < 70 ? 30 : 0 },
      },
      yAxis: { type: "value", name: data.unit, minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "sex", data: s.data, barMaxWidth: 48, emphasis: { focus: "series" } };
      }),
      aria: { enabled: true },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function initCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chartData);
      if (!source || el.dataset.chartReady) return;
      el.dataset.chartReady = "1";
      if (el.dataset.chart === "grade-sex") gradeSexChart(el, JSON.parse(source.textContent));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMenu();
    initLanguageSwitch();
    initFilters();
    initCharts(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) { initCharts(event.target); });
})();
