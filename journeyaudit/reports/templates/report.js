// journeyaudit report: small enhancements only; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Sortable tables: numbers come from data-value, text from the cell.
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.hasAttribute("data-numeric");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var vx = x.getAttribute("data-value"), vy = y.getAttribute("data-value");
          var order = numeric ? parseFloat(vx) - parseFloat(vy) : (vx || x.textContent).localeCompare(vy || y.textContent);
          if (order === 0) order = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // Findings <-> diagram.
  var svg = document.querySelector("svg.swimlane") || document.querySelector("svg.department-map");
  var box = document.getElementById("diagram");

  function clear() {
    document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
    if (svg) svg.classList.remove("dim");
    if (box) box.classList.remove("has-hl");
  }

  function highlight(steps, edges) {
    clear();
    var first = null;
    steps.forEach(function (id) {
      var node = document.getElementById("step-" + id);
      if (node) { node.classList.add("hl"); first = first || node; }
    });
    edges.forEach(function (id) {
      [id, id + "-in"].forEach(function (part) {  // an arrow between two rows has two halves
        var edge = document.getElementById(part);
        if (edge) edge.classList.add("hl");
      });
    });
    if (first && svg) { svg.classList.add("dim"); box.classList.add("has-hl"); }
    return first;
  }

  function words(value) { return (value || "").split(" ").filter(Boolean); }

  document.querySelectorAll("a.show[data-steps]").forEach(function (link) {
    link.addEventListener("click", function () {
      var node = highlight(words(link.getAttribute("data-steps")), words(link.getAttribute("data-edges")));
      var finding = link.closest(".finding");
      if (finding) finding.classList.add("hl");
      // The anchor jump happens too (and works without JS); centre the node after it.
      if (node) setTimeout(function () { node.scrollIntoView({ block: "center", inline: "center" }); }, 0);
    });
  });

  // A click on a step in the diagram: mark it and its findings, then jump to its row.
  if (svg) {
    svg.querySelectorAll("g.step").forEach(function (group) {
      group.addEventListener("click", function () {
        var id = group.id.replace(/^step-/, "");
        highlight([id], []);
        document.querySelectorAll('.finding[data-step="' + id + '"]').forEach(function (el) { el.classList.add("hl"); });
      });
    });
  }

  // Zoom and pan: a diagram is drawn as wide as its box; the buttons enlarge it inside the
  // box (which then scrolls), and dragging moves it.
  document.querySelectorAll("section").forEach(function (section) {
    var boxes = section.querySelectorAll(".diagram-box[data-zoomable]");
    var buttons = section.querySelectorAll("[data-zoom]");
    if (!boxes.length || !buttons.length) return;
    var scale = null;  // null: fit to the box
    function apply() {
      boxes.forEach(function (box) {
        var drawing = box.querySelector("svg.diagram");
        if (!drawing) return;
        var natural = parseFloat(drawing.getAttribute("data-width")) || drawing.getBoundingClientRect().width;
        if (scale === null) {
          drawing.style.width = "100%";
          drawing.style.maxWidth = natural + "px";
          box.classList.remove("zoomed");
        } else {
          drawing.style.maxWidth = "none";
          drawing.style.width = Math.round(natural * scale) + "px";
          box.classList.add("zoomed");
        }
      });
    }
    function fitted() {
      var drawing = boxes[0].querySelector("svg.diagram");
      if (!drawing) return 1;
      var natural = parseFloat(drawing.getAttribute("data-width")) || 1;
      return Math.min(1, drawing.getBoundingClientRect().width / natural);
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        var current = scale === null ? fitted() : scale;
        if (how === "fit") scale = null;
        else if (how === "in") scale = Math.min(4, current * 1.4);
        else scale = Math.max(0.25, current / 1.4);
        apply();
      });
    });
    boxes.forEach(function (box) {
      var start = null;
      box.addEventListener("pointerdown", function (event) {
        if (!box.classList.contains("zoomed") || event.target.closest("a")) return;
        start = { x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
        box.classList.add("panning");
      });
      window.addEventListener("pointermove", function (event) {
        if (!start) return;
        box.scrollLeft = start.left - (event.clientX - start.x);
        box.scrollTop = start.top - (event.clientY - start.y);
      });
      window.addEventListener("pointerup", function () { start = null; box.classList.remove("panning"); });
    });
  });

  // Printing: open the rule explanations (closed <details> would not print).
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.setAttribute("open", ""); });
  });

  var clearButton = document.querySelector(".clear-hl");
  if (clearButton) clearButton.addEventListener("click", clear);
})();
