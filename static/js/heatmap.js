// Keyboard navigation across the heat map: one tab stop for the whole grid (roving tabindex),
// arrow keys move between cells, Home/End go to the row's ends, Enter opens the evidence link.
// Every phase-of-education table inside the wrapper is one grid: arrows cross from one to the next.
const table = document.querySelector(".app-heat-wrapper");
if (table) {
  const rows = Array.from(table.querySelectorAll("tbody tr")).map(
    (tr) => Array.from(tr.querySelectorAll("[data-heat-cell]"))
  ).filter((cells) => cells.length > 0);
  let current = rows.length ? rows[0][0] : null;
  if (current) current.tabIndex = 0;

  const position = (el) => {
    for (let r = 0; r < rows.length; r++) {
      const c = rows[r].indexOf(el);
      if (c >= 0) return [r, c];
    }
    return null;
  };
  const move = (r, c) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, r))];
    const cell = row[Math.max(0, Math.min(row.length - 1, c))];
    if (current) current.tabIndex = -1;
    cell.tabIndex = 0;
    cell.focus();
    cell.closest("td, th").scrollIntoView({ block: "nearest", inline: "nearest" });
    current = cell;
  };
  table.addEventListener("keydown", (event) => {
    const at = position(event.target);
    if (!at) return;
    const [r, c] = at;
    const keys = {
      ArrowRight: [r, c + 1], ArrowLeft: [r, c - 1], ArrowDown: [r + 1, c], ArrowUp: [r - 1, c],
      Home: [r, 0], End: [r, rows[r].length - 1],
    };
    if (event.ctrlKey && event.key === "Home") { event.preventDefault(); move(0, 0); return; }
    if (event.ctrlKey && event.key === "End") { event.preventDefault(); move(rows.length - 1, 999); return; }
    if (keys[event.key]) {
      event.preventDefault();
      move(...keys[event.key]);
    }
  });
  table.addEventListener("focusin", (event) => {
    if (position(event.target) && current !== event.target) {
      if (current) current.tabIndex = -1;
      event.target.tabIndex = 0;
      current = event.target;
    }
  });
}

// The cell detail panel: a cell's link loads its detail (htmx) into a native <dialog>, which
// keeps focus inside while open and closes on Escape; focus then returns to the cell.
const panel = document.getElementById("heat-panel");
if (panel) {
  let opener = null;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const source = event.detail.elt;
    if (source && source.matches && source.matches("[data-heat-cell]")) opener = source;
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "heat-panel-body") return;
    if (!panel.open) panel.showModal();
    const title = document.getElementById("heat-panel-title");
    if (title) {
      title.tabIndex = -1;
      title.focus();
    }
  });
  panel.addEventListener("click", (event) => {
    if (event.target.closest("[data-panel-close]") || event.target === panel) panel.close();
  });
  panel.addEventListener("close", () => {
    if (opener) opener.focus();
  });
}
