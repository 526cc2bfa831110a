// Arena leaderboard: sortable tables. The tables are already sorted by rank in the HTML; this script only adds a
// button to each column header (keyboard-reachable, Enter or Space) that re-sorts the rows and sets aria-sort.
"use strict";
(function () {
  const status = document.getElementById("sort-status");

  function valueOf(row, index, type) {
    const cell = row.cells[index];
    const raw = cell ? cell.getAttribute("data-value") : null;
    if (raw === null || raw === "") return null;
    return type === "number" ? Number(raw) : raw.toLowerCase();
  }

  function sortBy(table, header, index) {
    const type = header.dataset.type;
    const current = header.getAttribute("aria-sort");
    let direction = type === "number" && index !== 0 ? "descending" : "ascending";
    if (current === "ascending") direction = "descending";
    if (current === "descending") direction = "ascending";
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    rows.sort(function (a, b) {
      const x = valueOf(a, index, type);
      const y = valueOf(b, index, type);
      if (x === null || y === null) return (x === null) - (y === null); // missing values last
      const order = x < y ? -1 : x > y ? 1 : 0;
      return direction === "ascending" ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("thead th[aria-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", direction);
    if (status) status.textContent = "Sorted by " + header.textContent.trim() + ", " + direction + ".";
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    const headerRow = table.tHead.rows[table.tHead.rows.length - 1];
    Array.from(headerRow.cells).forEach(function (header, index) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  });
})();
