// Part of the picture's front end (joined into one ES module by picture.py, see main.js):
// clicks on declared regions of the picture set controls, in the browser (no kernel round
// trip). `listenClicks` returns the regions, their controls and `apply` (what a click on a
// cell does), which the keyboard's path to the same cells (keys.js) uses.

async function listenClicks(model, { canvas, width, height }, paint) {
  const regions = model.get("clicks") || [];
  const targets = await Promise.all(
    regions.map((r) =>
      Promise.all(
        r.targets.map(async (t) => ({
          ...t,
          model: await model.widget_manager.get_model(t.ref.slice("IPY_MODEL_".length)),
        })),
      ),
    ),
  );
  function cellAt(event) {
    const rect = canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * width) / rect.width;
    const y = ((event.clientY - rect.top) * height) / rect.height;
    for (let i = 0; i < regions.length; i++) {
      const r = regions[i];
      const [x0, y0, x1, y1] = r.box;
      if (x < x0 || x > x1 || y < y0 || y > y1) continue;
      const dx = r.xlim[0] + ((x - x0) / (x1 - x0)) * (r.xlim[1] - r.xlim[0]);
      const dy = r.ylim[0] + ((y - y0) / (y1 - y0)) * (r.ylim[1] - r.ylim[0]);
      const row = Math.round(dy) - r.rows[0];
      const col = Math.round(dx) - r.cols[0];
      const values = (r.table[row] || [])[col];
      if (values) return { region: i, values };
    }
    return null;
  }
  function apply(region, values) {
    // what a click on a cell of `region` does: set the controls its table says
    targets[region].forEach((t, k) => {
      const v = values[k];
      if (v === null || v === undefined || t.model.get(t.trait) === v) return;
      t.model.set(t.trait, v);
      t.model.save_changes();
    });
    paint();
  }
  canvas.addEventListener("click", (event) => {
    const hit = cellAt(event);
    if (hit) apply(hit.region, hit.values);
  });
  canvas.addEventListener("mousemove", (event) => {
    canvas.style.cursor = cellAt(event) ? "pointer" : "default";
  });
  return { regions, targets, apply };
}
