// Part of the picture's front end (joined into one ES module by picture.py, see main.js):
// the store of one picture's tiles and frames, shared by its views, and the
// requests to the kernel.
//
// One requester (cnnlessons/engine/protocol.py): the page decides which frame it shows and
// asks the kernel for a frame it lacks (`{type: "need", key}`), one request at a time per
// picture, while the nearest frame it has is shown, marked "drawing…". The kernel answers
// every request (`{type: "frames", answer: key, ...}`); an answer that is not the frame the
// controls select now (they moved meanwhile), or leaves a tile missing, is followed by the
// next request. No timer: every request is answered, every answer looked at.
//
// Tiles arrive in the model's state (binary buffers: `tiles`, `boxes`, `frames`, and each
// frame's text alternative in `texts`, its controls' value texts in `valuetexts`: key ->
// {control name: text}, optional) and in custom messages with the same fields (answers, and
// frames the kernel drew ahead).

const stores = new WeakMap();

// the key of the frame for the controls' raw values, and the raw values of a key
const keyOf = (values) => values.map(String).join(",");
const parseKey = (key) => key.split(",").map(Number);
const MAX_DECODED_PIXELS = 24e6; // decoded tiles kept (~96 MB), least recently used dropped

// the text alternative of frame `key` (what the picture shows, with its numbers), or ""
const textOf = (s, key) => s.texts.get(key) || "";

const listening = new WeakSet(); // the proxies whose listeners feed a store

function storeOf(model) {
  // One store per picture model, whatever proxy of it is given: anywidget hands
  // `initialize` and each `render` a proxy object of their own, and drops the listeners a
  // view's proxy registered when that view goes (JupyterLab re-renders an output scrolled
  // back into view). So every proxy registers the store's listeners, and each message is
  // handled once, by whichever listener gets it first; the store is found by every proxy
  // through an object the model holds for good (its `controls` list, never changed).
  const id = model.get("controls") || model;
  let s = stores.get(id);
  // the model's state into the store: when the store is made, and on every change (the
  // state may bring new tiles without new frames, and the other way round: merge all)
  const fromState = () =>
    s.merge(
      model.get("frames"),
      model.get("boxes"),
      model.get("tiles"),
      model.get("texts"),
      model.get("valuetexts"),
    );
  if (!s) {
    s = makeStore();
    stores.set(id, s);
    fromState();
  }
  s.model = model; // requests go through the newest proxy
  if (!listening.has(model)) {
    listening.add(model);
    for (const name of ["frames", "boxes", "tiles", "texts", "valuetexts"]) {
      model.on(`change:${name}`, fromState);
    }
    model.on("msg:custom", (msg, buffers) => {
      if (!msg || typeof msg !== "object" || s.seen.has(msg)) return;
      s.seen.add(msg);
      s.receive(msg, buffers);
    });
  }
  return s;
}

function makeStore() {
  const s = {
    tiles: new Map(), // id -> Blob of PNG bytes
    boxes: new Map(), // id -> [x, y] in canvas pixels
    frames: new Map(), // key -> [tile ids]
    texts: new Map(), // key -> the frame's text alternative
    valuetexts: new Map(), // key -> {control name: value text} (absent: "label value")
    decoded: new Map(), // id -> ImageBitmap (LRU order)
    decoding: new Map(), // id -> Promise<ImageBitmap>
    pixels: 0,
    listeners: new Set(),
    asking: null, // the key of the one request not answered yet
    tries: new Map(), // key -> requests answered without making it paintable
    seen: new WeakSet(), // messages handled
    model: null,
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
      s.model.send(msg);
    } catch (e) {
      s.asking = null; // a static page has no kernel to ask
    }
  };
  s.merge = (frames, boxes, tiles, texts, valuetexts) => {
    // each tile kept as an immutable Blob of its own (a view may share a message's buffer)
    for (const [id, bytes] of Object.entries(tiles || {})) {
      if (!s.tiles.has(Number(id))) {
        s.tiles.set(Number(id), new Blob([bytes], { type: "image/png" }));
      }
    }
    for (const [id, box] of Object.entries(boxes || {})) s.boxes.set(Number(id), box);
    for (const [key, ids] of Object.entries(frames || {})) s.frames.set(key, ids);
    for (const [key, text] of Object.entries(texts || {})) s.texts.set(key, text);
    for (const [key, said] of Object.entries(valuetexts || {})) s.valuetexts.set(key, said);
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
  s.receive = (msg, buffers) => {
    // a message from the kernel (cnnlessons/engine/protocol.py)
    if (msg.type === "forget") {
      // frames far from the controls' values, and the tiles only they used
      for (const key of msg.frames) {
        s.frames.delete(key);
        s.texts.delete(key);
        s.valuetexts.delete(key);
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
    if (msg.type !== "frames") return;
    const tiles = {};
    msg.ids.forEach((id, i) => {
      tiles[id] = buffers[i];
    });
    if ("answer" in msg && msg.answer === s.asking) {
      s.asking = null; // answered: the listeners (paint) ask for what is wanted now
      s.tries.set(msg.answer, (s.tries.get(msg.answer) || 0) + 1);
    }
    s.merge(msg.frames, msg.boxes, tiles, msg.texts, msg.valuetexts);
    for (const key of Object.keys(msg.frames || {})) if (s.has(key)) s.tries.delete(key);
  };
  return s;
}
