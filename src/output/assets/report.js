(function () {
  "use strict";
  var table = document.getElementById("findings-table");
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.querySelectorAll("tr.finding"));
  var q = document.getElementById("q");
  var ruleSel = document.getElementById("rule");
  var shown = document.getElementById("shown");
  var emptyRow = document.getElementById("no-match");
  var buttons = Array.prototype.slice.call(document.querySelectorAll(".sev-btn"));
  var active = {};

  function apply() {
    var text = (q.value || "").trim().toLowerCase();
    var terms = text ? text.split(/\s+/) : [];
    var rule = ruleSel ? ruleSel.value : "";
    var anySev = Object.keys(active).length > 0;
    var n = 0;
    rows.forEach(function (tr) {
      var ok = (!anySev || active[tr.dataset.sev]) && (!rule || tr.dataset.rule === rule);
      if (ok && terms.length) {
        var hay = tr.dataset.search;
        for (var i = 0; i < terms.length; i++) {
          if (hay.indexOf(terms[i]) < 0) { ok = false; break; }
        }
      }
      tr.hidden = !ok;
      if (ok) n++;
    });
    if (shown) shown.textContent = n === rows.length ? rows.length + " findings" : n + " of " + rows.length + " findings";
    if (emptyRow) emptyRow.hidden = n !== 0;
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var s = b.dataset.sev;
      if (s === "all") {
        active = {};
      } else if (active[s]) {
        delete active[s];
      } else {
        active[s] = true;
      }
      buttons.forEach(function (o) {
        var on = o.dataset.sev === "all" ? Object.keys(active).length === 0 : !!active[o.dataset.sev];
        o.setAttribute("aria-pressed", on ? "true" : "false");
      });
      apply();
    });
  });
  q.addEventListener("input", apply);
  if (ruleSel) ruleSel.addEventListener("change", apply);

  var keys = {
    sev: function (tr) { return [Number(tr.dataset.rank)]; },
    rule: function (tr) { return [tr.dataset.rule]; },
    loc: function (tr) { return [tr.dataset.path, Number(tr.dataset.line)]; },
    msg: function (tr) { return [tr.dataset.msg]; }
  };
  function cmp(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }
  Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-key]"), function (th) {
    var btn = th.querySelector("button");
    btn.addEventListener("click", function () {
      var key = th.dataset.key;
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(table.tHead.querySelectorAll("th"), function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var f = keys[key];
      var sign = dir === "ascending" ? 1 : -1;
      var sorted = rows.map(function (tr, i) { return { tr: tr, k: f(tr), i: i }; });
      sorted.sort(function (x, y) { return sign * cmp(x.k, y.k) || x.i - y.i; });
      sorted.forEach(function (s) { tbody.appendChild(s.tr); });
      if (emptyRow) tbody.appendChild(emptyRow);
    });
  });

  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  apply();
})();
