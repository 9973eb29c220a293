// The front end of an explorer's picture (anywidget ES module, no build step).
//
// The kernel sends the picture as tiles: PNG images placed at pixel boxes of a canvas drawn at
// `scale` x the CSS size (2 = sharp at 2x device pixel ratio). A frame is a list of tile ids
// painted in order (a background, then the parts that change), one frame per combination of
// the controls' values, keyed "v0,v1,..." with each control's `value` (sliders) or `index`
// (menus, buttons): `keyOf` and `parseKey` below, the one place the key is made and read here
// (the kernel's is cnnlessons/engine/controls.py). This module reads the controls' models
// itself (references "IPY_MODEL_<id>", resolved through the widget manager, so it also works
// in a static HTML export with no kernel), paints the frame they select, and maps clicks on
// declared regions of the picture to control values in the browser: no kernel round trip for
// anything already drawn.
//
// One requester (cnnlessons/engine/protocol.py): the page decides which frame it shows and
// asks the kernel for a frame it lacks (`{type: "need", key}`), one request at a time per
// picture, while the nearest frame it has is shown, marked "drawing…". The kernel answers
// every request (`{type: "frames", answer: key, ...}`); an answer that is not the frame the
// controls select now (they moved meanwhile), or leaves a tile missing, is followed by the
// next request. No timer: every request is answered, every answer looked at.
//
// Tiles arrive in the model's state (binary buffers: `tiles`, `boxes`, `frames`) and in
// custom messages with the same fields (answers, and frames the kernel drew ahead).

const stores = new WeakMap();

// the key of the frame for the controls' raw values, and the raw values of a key
const keyOf = (values) => values.map(String).join(",");
const parseKey = (key) => key.split(",").map(Number);
const MAX_DECODED_PIXELS = 24e6; // decoded tiles kept (~96 MB), least recently used dropped

function storeOf(model) {
  // One store per picture model, whatever proxy of it is given: anywidget hands
  // `initialize` and each `render` a proxy object of their own, and drops the listeners a
  // view's proxy registered when that view goes. The store is made by `initialize`, whose
  // listeners last as long as the model, and found by every view through an object the
  // model holds for good (its `controls` list, never changed).
  const id = model.get("controls") || model;
  let s = stores.get(id);
  if (s) return s;
  s = {
    tiles: new Map(), // id -> Blob of PNG bytes
    boxes: new Map(), // id -> [x, y] in canvas pixels
    frames: new Map(), // key -> [tile ids]
    decoded: new Map(), // id -> ImageBitmap (LRU order)
    decoding: new Map(), // id -> Promise<ImageBitmap>
    pixels: 0,
    listeners: new Set(),
    asking: null, // the key of the one request not answered yet
    tries: new Map(), // key -> requests answered without making it paintable
  };
  s.missing = (key) => {
    // the tiles of frame `key` the page lacks (null: no such frame here)
    const ids = s.frames.get(key);
    return ids ? ids.filter((id) => !s.tiles.has(id)) : null;
  };
  s.has = (key) => {
    const missing = s.missing(key);
    return missing !== null && missing.length === 0;
  };
  s.ask = (key) => {
    // ask for `key` unless a request is out (its answer asks for what is wanted then) or
    // two answers for it did not make it paintable (a key the kernel does not know)
    if (s.asking !== null || (s.tries.get(key) || 0) >= 2) return;
    const missing = s.missing(key);
    const msg = { type: "need", key };
    if (missing && missing.length) msg.tiles = missing;
    s.asking = key;
    try {
      model.send(msg);
    } catch (e) {
      s.asking = null; // a static page has no kernel to ask
    }
  };
  s.merge = (frames, boxes, tiles) => {
    // each tile kept as an immutable Blob of its own (a view may share a message's buffer)
    for (const [id, bytes] of Object.entries(tiles || {})) {
      if (!s.tiles.has(Number(id))) {
        s.tiles.set(Number(id), new Blob([bytes], { type: "image/png" }));
      }
    }
    for (const [id, box] of Object.entries(boxes || {})) s.boxes.set(Number(id), box);
    for (const [key, ids] of Object.entries(frames || {})) s.frames.set(key, ids);
    for (const f of s.listeners) f();
  };
  s.bitmap = (id) => {
    const ready = s.decoded.get(id);
    if (ready) {
      s.decoded.delete(id); // most recently used last
      s.decoded.set(id, ready);
      return ready;
    }
    return null;
  };
  s.decode = (id) => {
    const ready = s.bitmap(id);
    if (ready) return Promise.resolve(ready);
    if (s.decoding.has(id)) return s.decoding.get(id);
    const blob = s.tiles.get(id);
    if (!blob) return Promise.reject(new Error("no tile " + id));
    const p = createImageBitmap(blob, {
      premultiplyAlpha: "none",
      colorSpaceConversion: "none",
    }).then((bmp) => {
      s.decoding.delete(id);
      s.decoded.set(id, bmp);
      s.pixels += bmp.width * bmp.height;
      for (const [old, b] of s.decoded) {
        if (s.pixels <= MAX_DECODED_PIXELS || s.decoded.size <= 64) break;
        // dropped, not closed: a paint may hold it still (a closed bitmap paints nothing)
        s.decoded.delete(old);
        s.pixels -= b.width * b.height;
      }
      return bmp;
    });
    s.decoding.set(id, p);
    return p;
  };
  s.merge(model.get("frames"), model.get("boxes"), model.get("tiles"));
  // the state may bring new tiles without new frames (and the other way round): merge all
  const fromState = () => s.merge(model.get("frames"), model.get("boxes"), model.get("tiles"));
  for (const name of ["frames", "boxes", "tiles"]) model.on(`change:${name}`, fromState);
  model.on("msg:custom", (msg, buffers) => {
    if (msg && msg.type === "forget") {
      // frames far from the controls' values, and the tiles only they used
      for (const key of msg.frames) {
        s.frames.delete(key);
        s.tries.delete(key);
      }
      for (const id of msg.ids) {
        s.tiles.delete(id);
        s.boxes.delete(id);
        const b = s.decoded.get(id);
        if (b) {
          s.decoded.delete(id);
          s.pixels -= b.width * b.height;
        }
      }
      for (const f of s.listeners) f(); // a frame wanted may be gone: asked for again
      return;
    }
    if (!msg || msg.type !== "frames") return;
    const tiles = {};
    msg.ids.forEach((id, i) => {
      tiles[id] = buffers[i];
    });
    if ("answer" in msg && msg.answer === s.asking) {
      s.asking = null; // answered: the listeners (paint) ask for what is wanted now
      s.tries.set(msg.answer, (s.tries.get(msg.answer) || 0) + 1);
    }
    s.merge(msg.frames, msg.boxes, tiles);
    for (const key of Object.keys(msg.frames || {})) if (s.has(key)) s.tries.delete(key);
  });
  stores.set(id, s);
  return s;
}

async function controlsOf(model) {
  const specs = model.get("controls") || [];
  return Promise.all(
    specs.map(async (c) => ({
      ...c,
      model: await model.widget_manager.get_model(c.ref.slice("IPY_MODEL_".length)),
    })),
  );
}

function initialize({ model }) {
  // the store and its listeners, for the model's lifetime: tiles that arrive before (or
  // between) the picture's views are kept (not decoded)
  storeOf(model);
}

async function render({ model, el }) {
  const s = storeOf(model);
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
  wrap.append(canvas, badge);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;

  const controls = await controlsOf(model);
  let painted = null; // key of the frame on the canvas
  let wanted = null;

  const current = () => controls.map((c) => c.model.get(c.trait));
  el.dataset.frame = "";

  let onCanvas = new Set(); // tiles of the painted frame
  let baseOnCanvas = null; // its background tile
  let boxesOnCanvas = new Map(); // its other tiles: id -> [x, y, width, height]

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
    painted = key;
    el.dataset.frame = key; // tests and benchmarks read which frame is on the canvas
    el.dataset.painted = String(Number(el.dataset.painted || 0) + 1);
    el.dataset.tiles = ids.join(" ");
    badge.style.display = "none";
    return true;
  }

  function neighbours(values) {
    // frames one or two steps away along each control: decoded ahead of a drag
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

  function prefetch(values) {
    for (const key of neighbours(values)) {
      const ids = s.frames.get(key);
      if (ids) for (const id of ids) if (!s.bitmap(id)) s.decode(id).catch(() => {});
    }
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
      prefetch(values); // drawn in the same task as the change: no frame lost
      return;
    }
    Promise.all(ids.map((id) => s.decode(id)))
      .then((bitmaps) => {
        if (wanted === key) draw(key, bitmaps);
        prefetch(values);
      })
      .catch(() => {
        // a tile forgotten meanwhile: the frame is asked for again
        if (wanted === key && !s.has(key)) paint();
      });
  }

  const onChange = () => paint();
  for (const c of controls) c.model.on(`change:${c.trait}`, onChange);
  s.listeners.add(onChange);

  // clicks on declared regions set controls, in the browser
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
  canvas.addEventListener("click", (event) => {
    const hit = cellAt(event);
    if (!hit) return;
    targets[hit.region].forEach((t, k) => {
      const v = hit.values[k];
      if (v === null || v === undefined || t.model.get(t.trait) === v) return;
      t.model.set(t.trait, v);
      t.model.save_changes();
    });
    paint();
  });
  canvas.addEventListener("mousemove", (event) => {
    canvas.style.cursor = cellAt(event) ? "pointer" : "default";
  });

  paint();
  return () => {
    for (const c of controls) c.model.off(`change:${c.trait}`, onChange);
    s.listeners.delete(onChange);
  };
}

export default { initialize, render };
