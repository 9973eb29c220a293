// Part of the picture's front end (joined into one ES module by picture.py, see main.js):
// the canvas of one view, and painting on it the frame the controls select (or,
// while it is drawn, the nearest frame the page holds), and its text alternative.
//
// The canvas is `role="img"` with a fixed `aria-label` (the explorer's purpose, trait `label`);
// its `aria-describedby` points at a visually hidden `.cnnl-alt` beside it, which holds the
// text of the frame painted (`textOf`), written once the picture settles (the same frame
// shown for SETTLE_MS), not on every step of a drag, and announced politely (`aria-live`).

const SETTLE_MS = 400;
const VISUALLY_HIDDEN =
  "position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;" +
  "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap";
let altCount = 0;

function makeCanvas(model, el) {
  // the canvas (drawn at `scale` x its CSS size) and the "drawing…" badge over it
  const scale = model.get("scale");
  const width = model.get("width"); // canvas pixels
  const height = model.get("height");
  const wrap = document.createElement("div");
  wrap.className = "cnnl-picture-wrap";
  // as wide as the figure at 1 CSS pixel per `scale` canvas pixels, narrower if the column is
  wrap.style.cssText = `position:relative;width:${width / scale}px;max-width:100%;line-height:0`;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.style.cssText = "display:block;width:100%;height:auto";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", model.get("label") || "explorer picture");
  const badge = document.createElement("div");
  badge.textContent = "drawing…";
  badge.className = "cnnl-drawing";
  badge.style.cssText =
    "position:absolute;top:4px;right:6px;font:12px sans-serif;line-height:1.4;" +
    "padding:1px 6px;border-radius:3px;background:rgba(255,255,255,0.85);color:#222;" +
    "display:none";
  // the text alternative; live only once it holds the first frame's text (not announced)
  const alt = document.createElement("div");
  alt.className = "cnnl-alt";
  alt.id = `cnnl-alt-${++altCount}-${Math.random().toString(36).slice(2, 8)}`;
  alt.style.cssText = VISUALLY_HIDDEN;
  canvas.setAttribute("aria-describedby", alt.id);
  wrap.append(canvas, badge, alt);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  return { canvas, ctx, badge, alt, wrap, width, height };
}

// The frames one or two steps away along each control (`controls`: [{values}], `values`:
// the frame's control values): decoded ahead of a drag here, fetched ahead by the web
// edition (tools/site/explorers.js imports this from the module the site copies).
export function neighbours(controls, values) {
  const keys = [];
  controls.forEach((c, k) => {
    const at = c.values.indexOf(values[k]);
    for (const d of [1, -1, 2, -2]) {
      const v = c.values[at + d];
      if (v === undefined) continue;
      const next = values.slice();
      next[k] = v;
      keys.push(keyOf(next));
    }
  });
  return keys;
}

function makePainter(s, controls, el, { ctx, badge, alt }) {
  // paint(): the frame the controls select, asked for when the page lacks it
  let painted = null; // key of the frame on the canvas
  let wanted = null;

  const current = () => controls.map((c) => c.model.get(c.trait));
  el.dataset.frame = "";

  let onCanvas = new Set(); // tiles of the painted frame
  let baseOnCanvas = null; // its background tile
  let boxesOnCanvas = new Map(); // its other tiles: id -> [x, y, width, height]

  let settling = null;
  function describe(key) {
    // the text of frame `key`, painted now, into the live region once it stays SETTLE_MS
    clearTimeout(settling);
    const write = () => {
      if (painted !== key) return;
      alt.textContent = textOf(s, key);
      el.dataset.described = key; // tests read which frame's text is written
    };
    if (!alt.hasAttribute("aria-live")) {
      write();
      alt.setAttribute("aria-live", "polite");
    } else settling = setTimeout(write, SETTLE_MS);
  }

  function inside([x, y, w, h], [bx, by, bw, bh]) {
    return bx <= x && by <= y && bx + bw >= x + w && by + bh >= y + h;
  }

  function draw(key, bitmaps) {
    // the first tile is the background, the others only the boxes of pixels that differ
    // from it (boxes of one frame never overlap). Over the same background, only what
    // changes is painted: the last frame's boxes go back to the background (unless a box of
    // this frame covers one), then this frame's boxes that are not there already
    const ids = s.frames.get(key);
    if (bitmaps.some((b) => !b || !b.width)) return false; // not (or no longer) decoded
    const same = ids.length === onCanvas.size && ids.every((id) => onCanvas.has(id));
    if (!same) {
      const boxes = ids.map((id, i) => [...s.boxes.get(id), bitmaps[i].width, bitmaps[i].height]);
      const base = ids[0];
      if (base !== baseOnCanvas) {
        ids.forEach((id, i) => ctx.drawImage(bitmaps[i], boxes[i][0], boxes[i][1]));
      } else {
        const kept = new Set(ids.slice(1).filter((id) => boxesOnCanvas.has(id)));
        for (const [id, box] of boxesOnCanvas) {
          if (kept.has(id) || boxes.slice(1).some((b) => inside(box, b))) continue;
          const [x, y, w, h] = box;
          ctx.drawImage(bitmaps[0], x, y, w, h, x, y, w, h);
        }
        ids.forEach((id, i) => {
          if (i > 0 && !kept.has(id)) ctx.drawImage(bitmaps[i], boxes[i][0], boxes[i][1]);
        });
      }
      baseOnCanvas = base;
      boxesOnCanvas = new Map(ids.slice(1).map((id, i) => [id, boxes[i + 1]]));
    }
    onCanvas = new Set(ids);
    const before = painted;
    painted = key;
    if (key !== before) describe(key);
    el.dataset.frame = key; // tests and benchmarks read which frame is on the canvas
    el.dataset.painted = String(Number(el.dataset.painted || 0) + 1);
    el.dataset.tiles = ids.join(" ");
    badge.style.display = "none";
    return true;
  }

  let prefetching = false;
  function prefetch() {
    // the neighbours of the frame the controls select, decoded once the frame just painted
    // is on the screen (after the next animation frame): decoding competes for the CPU
    // with putting that frame on the screen, and on two cores it would delay it
    if (prefetching) return;
    prefetching = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        prefetching = false;
        for (const key of neighbours(controls, current())) {
          const ids = s.frames.get(key);
          if (ids) for (const id of ids) if (!s.bitmap(id)) s.decode(id).catch(() => {});
        }
      }, 0),
    );
  }

  function distance(a, b) {
    // steps between two frames' keys, summed over the controls (a menu's options count one
    // step apart, in order)
    const x = parseKey(a);
    const y = parseKey(b);
    let d = 0;
    controls.forEach((c, k) => {
      const i = c.values.indexOf(x[k]);
      const j = c.values.indexOf(y[k]);
      d += i < 0 || j < 0 ? 1e6 : Math.abs(i - j);
    });
    return d;
  }

  function paintNearest(key) {
    // while the frame `key` is drawn, show the drawn frame nearest to it (marked as being
    // drawn) if it is nearer than the one shown: a picture that follows a drag, a step or
    // two behind, rather than one that waits and then jumps; never an empty canvas
    let best = null;
    let bestDistance = painted === null ? Infinity : distance(painted, key);
    for (const other of s.frames.keys()) {
      if (!s.has(other)) continue;
      const d = distance(other, key);
      if (d < bestDistance) [best, bestDistance] = [other, d];
    }
    if (best === null) return;
    const ids = s.frames.get(best);
    const ready = ids.map((id) => s.bitmap(id));
    const show = (bitmaps) => {
      if (wanted === key && draw(best, bitmaps)) badge.style.display = "block";
    };
    if (ready.every(Boolean)) return show(ready);
    Promise.all(ids.map((id) => s.decode(id)))
      .then(show)
      .catch(() => {});
  }

  function paint() {
    const values = current();
    const key = keyOf(values);
    wanted = key;
    el.dataset.wanted = key; // the frame the page's controls select
    el.dataset.asking = s.asking === null ? "" : s.asking; // the request not answered yet
    if (!s.has(key)) {
      // ask the kernel (the store keeps one request out at a time: while the controls move,
      // the kernel is asked for the frame they select when its last answer comes)
      s.ask(key);
      if (painted !== key) badge.style.display = "block";
      paintNearest(key);
      return;
    }
    const ids = s.frames.get(key);
    const ready = ids.map((id) => s.bitmap(id));
    if (ready.every(Boolean) && (painted === key || draw(key, ready))) {
      prefetch(); // drawn in the same task as the change: no frame lost
      return;
    }
    Promise.all(ids.map((id) => s.decode(id)))
      .then((bitmaps) => {
        if (wanted === key) draw(key, bitmaps);
        prefetch();
      })
      .catch(() => {
        // a tile forgotten meanwhile: the frame is asked for again
        if (wanted === key && !s.has(key)) paint();
      });
  }

  return paint;
}
