// partnerdesk: small progressive enhancements on top of htmx. Pages work without this file.
(function () {
  "use strict";
  var opener = null;

  function dialog() { return document.getElementById("popup"); }

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-opens-popup]");
    if (trigger) { opener = trigger; }
    if (event.target.closest("[data-close-dialog]")) {
      var d = event.target.closest("dialog");
      if (d) { d.close(); }
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    // A new table is not read out whole: only its count is announced, through a status region.
    if (event.detail.target && event.detail.target.id === "customer-results") {
      var status = document.getElementById("results-status");
      var count = document.getElementById("result-count");
      if (status) { status.textContent = count ? count.textContent.replace(/\s+/g, " ").trim() : ""; }
    }
    if (event.detail.target && event.detail.target.id === "popup-body") {
      var d = dialog();
      if (d && !d.open) { d.showModal(); }
      var heading = d && d.querySelector("h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });

  // Errors from the server (a refused action, a lost connection) are shown, never swallowed.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:sendError", function () {
    var region = document.getElementById("customer-results");
    if (region) {
      var p = document.createElement("p");
      p.className = "form-error";
      p.setAttribute("role", "alert");
      p.textContent = "The server could not be reached. Check your connection and try again.";
      region.prepend(p);
    }
  });

  document.addEventListener("close", function (event) {
    if (event.target === dialog()) {
      document.getElementById("popup-body").innerHTML = "";
      if (opener && document.body.contains(opener)) { opener.focus(); }
      opener = null;
    }
  }, true);

  // Clicking the backdrop closes the dialog.
  document.addEventListener("click", function (event) {
    var d = dialog();
    if (d && event.target === d) { d.close(); }
  });

  // Row menus: one open at a time; opened upwards when the list would leave the table's
  // scrolling area; closed by a click elsewhere or Escape (focus back on its button).
  function openMenus() { return document.querySelectorAll("details.row-menu[open]"); }
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!(menu instanceof HTMLDetailsElement) || !menu.classList.contains("row-menu") || !menu.open) { return; }
    openMenus().forEach(function (m) { if (m !== menu) { m.open = false; } });
    menu.classList.remove("up");
    var list = menu.querySelector(".row-menu-list");
    var area = menu.closest(".table-wrap");
    if (list && area) {
      var room = area.getBoundingClientRect();
      var box = list.getBoundingClientRect();
      if (box.bottom > room.bottom && box.height < menu.getBoundingClientRect().top - room.top) {
        menu.classList.add("up");
      }
    }
  }, true);
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (m) { if (!m.contains(event.target)) { m.open = false; } });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    openMenus().forEach(function (m) {
      m.open = false;
      var summary = m.querySelector("summary");
      if (summary && m.contains(document.activeElement)) { summary.focus(); }
    });
  });

  // Dashboard edit mode: drag a widget card to another place on the grid. On drop the page
  // posts the top-left cell, as the Left/Right/... buttons post a move (they work without
  // script, and by keyboard). Over a card, the cell is found from the card's own cells.
  var drag = null;
  function clamp(n, lo, hi) { return Math.max(lo, Math.min(hi, n)); }
  function cellUnder(event) {
    var target = event.target instanceof Element ? event.target : null;
    var slot = target && target.closest(".dash-slot");
    if (slot) { return { x: +slot.dataset.x, y: +slot.dataset.y }; }
    var card = target && target.closest(".dash-card[data-place]");
    if (!card) { return null; }
    var box = card.getBoundingClientRect();
    var w = +card.dataset.w, h = +card.dataset.h;
    return {
      x: +card.dataset.x + clamp(Math.floor((event.clientX - box.left) / (box.width / w)), 0, w - 1),
      y: +card.dataset.y + clamp(Math.floor((event.clientY - box.top) / (box.height / h)), 0, h - 1)
    };
  }
  function endDrag() {
    if (!drag) { return; }
    drag.grid.classList.remove("dragging");
    drag.card.classList.remove("is-dragged");
    if (drag.preview.parentNode) { drag.preview.parentNode.removeChild(drag.preview); }
    drag = null;
  }
  document.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element && event.target.closest(".dash-card[data-place]");
    var grid = card && card.closest("[data-drag-grid]");
    if (!grid) { return; }
    var box = card.getBoundingClientRect();
    var w = +card.dataset.w, h = +card.dataset.h;
    var preview = document.createElement("div");
    preview.setAttribute("aria-hidden", "true");
    drag = {
      card: card, grid: grid, w: w, h: h, x: null, y: null, preview: preview,
      columns: +grid.dataset.columns,
      // Which of its cells the card was picked up by, so it lands where it was held.
      dx: clamp(Math.floor((event.clientX - box.left) / (box.width / w)), 0, w - 1),
      dy: clamp(Math.floor((event.clientY - box.top) / (box.height / h)), 0, h - 1)
    };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    // After the browser has taken its picture of the card.
    window.setTimeout(function () {
      if (drag && drag.card === card) { grid.classList.add("dragging"); card.classList.add("is-dragged"); }
    }, 0);
  });
  document.addEventListener("dragover", function (event) {
    if (!drag || !(event.target instanceof Node) || !drag.grid.contains(event.target)) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var cell = cellUnder(event);
    if (!cell) { return; }
    var x = clamp(cell.x - drag.dx, 0, drag.columns - drag.w), y = Math.max(0, cell.y - drag.dy);
    if (x === drag.x && y === drag.y) { return; }
    drag.x = x; drag.y = y;
    drag.preview.className = "dash-drop-preview gx-" + x + " gy-" + y + " gw-" + drag.w + " gh-" + drag.h;
    if (!drag.preview.parentNode) { drag.grid.appendChild(drag.preview); }
  });
  document.addEventListener("drop", function (event) {
    if (!drag || !(event.target instanceof Node) || !drag.grid.contains(event.target)) { return; }
    event.preventDefault();
    var d = drag;
    endDrag();
    if (d.x === null || (d.x === +d.card.dataset.x && d.y === +d.card.dataset.y)) { return; }
    var form = document.getElementById("place-form");
    if (!form) { return; }
    form.action = d.card.dataset.place;
    form.elements.x.value = d.x;
    form.elements.y.value = d.y;
    form.submit();
  });
  document.addEventListener("dragend", endDrag);
})();
