// The judgement grid: the up and down arrow keys move to the same column of the next row.
const grid = document.getElementById("judgement-grid");
if (grid) {
  grid.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const cell = event.target.closest("[data-col]");
    if (!cell || event.target.tagName === "SELECT") return;
    const row = event.target.closest("tr");
    const next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    const target = next && next.querySelector(`[data-col="${cell.dataset.col}"]`);
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });
}
