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
})();
