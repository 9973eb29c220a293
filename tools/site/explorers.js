// The web edition's explorers, with no kernel and no widget manager (tools/build_site.py).
//
// Each explorer of a lesson page is a <div class="cnnl-explorer" data-src="x/<lesson>-<n>/">
// whose folder holds index.json (controls, frame keys -> tile ids, boxes, texts) and one PNG
// per tile. This module draws the controls as native, labelled HTML inputs (range, select,
// a group of buttons) and shows the picture with the engine's own page code
// (cnnlessons/engine/js, joined into assets/picture.js exactly as the kernel's widget uses
// it) through a stub of the widget model: the engine asks for a frame it lacks with a
// `need` message, and the stub answers it as a kernel would, with the tiles fetched from
// static files, then fetches the tiles of the neighbouring frames (one or two steps along
// each control) so a drag finds them.

import picture, { neighbours } from "./picture.js";

function emitter() {
  const on = new Map();
  return {
    on(name, f) {
      if (!on.has(name)) on.set(name, new Set());
      on.get(name).add(f);
    },
    off(name, f) {
      if (on.has(name)) on.get(name).delete(f);
    },
    emit(name, ...args) {
      for (const f of [...(on.get(name) || [])]) f(...args);
    },
  };
}

// A control's model, as the engine reads it (get, set, save_changes, on/off "change:trait")
function controlModel(spec) {
  const e = emitter();
  const state = { [spec.trait]: spec.value };
  return {
    get: (name) => state[name],
    set(name, value) {
      if (state[name] === value) return;
      state[name] = value;
      e.emit(`change:${name}`);
    },
    save_changes() {},
    on: e.on,
    off: e.off,
    spec,
  };
}

// the neighbours of a frame are fetched once every explorer of the page shows its first
// frame: on a slow network the first frames come first
let expected = 0;
const firstShown = new Set();
let allShown;
const everyFirstFrame = new Promise((resolve) => {
  allShown = resolve;
});
let firstShownResolve;
const firstFrame = new Promise((resolve) => {
  firstShownResolve = resolve;
  setTimeout(resolve, 1500); // never waits long for a first explorer that is slow
});
function shown(base) {
  firstShownResolve();
  firstShown.add(base);
  if (firstShown.size >= expected) allShown();
}

const tileCache = new Map(); // url -> Promise<ArrayBuffer>
function fetchTile(url) {
  if (!tileCache.has(url)) {
    tileCache.set(
      url,
      fetch(url).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${url}`);
        return r.arrayBuffer();
      }),
    );
  }
  return tileCache.get(url);
}

// resolves once the engine has painted a frame into `pic` (its data-painted attribute), or
// after `ms` at the latest
function paintedIn(pic, ms) {
  return new Promise((resolve) => {
    if (pic.dataset.painted) return resolve();
    const watch = new MutationObserver(() => {
      if (pic.dataset.painted) done();
    });
    const timer = setTimeout(() => done(), ms);
    function done() {
      watch.disconnect();
      clearTimeout(timer);
      resolve();
    }
    watch.observe(pic, { attributes: true, attributeFilter: ["data-painted"] });
  });
}

// The picture's model: its state from index.json, its `need` messages answered from files;
// `painted`: a promise of the picture's first paint (the page's other work waits for it)
function pictureModel(base, index, controls, painted) {
  const e = emitter();
  const keyed = index.controls.filter((c) => c.values);
  const state = {
    width: index.width,
    height: index.height,
    scale: index.scale,
    label: index.label,
    controls: keyed.map((c) => ({ ref: `IPY_MODEL_${c.id}`, trait: c.trait, values: c.values })),
    clicks: index.clicks,
    frames: {},
    boxes: {},
    tiles: {},
    texts: {},
  };
  const held = new Set(); // tiles handed to the engine
  const url = (id) => `${base}${index.files[id]}`;

  async function send(keys, answer) {
    // a `frames` message, as the kernel sends it (cnnlessons/engine/protocol.py)
    const frames = {};
    const texts = {};
    const valuetexts = {}; // the engine describes a menu or toggle by its value text (keys.js)
    for (const k of keys) {
      if (index.frames[k]) {
        frames[k] = index.frames[k];
        if (index.texts && k in index.texts) texts[k] = index.texts[k];
        if (index.valuetexts && k in index.valuetexts) valuetexts[k] = index.valuetexts[k];
      }
    }
    const ids = [...new Set(Object.values(frames).flat())].filter((id) => !held.has(id));
    const buffers = await Promise.all(ids.map((id) => fetchTile(url(id))));
    ids.forEach((id) => held.add(id));
    const boxes = {};
    for (const id of ids) boxes[id] = index.boxes[id];
    const msg = { type: "frames", frames, boxes, ids, texts, valuetexts };
    if (answer !== undefined) msg.answer = answer;
    e.emit("msg:custom", msg, buffers);
  }

  const model = {
    get: (name) => state[name],
    set(name, value) {
      state[name] = value;
    },
    save_changes() {},
    on: e.on,
    off: e.off,
    send(msg) {
      if (!msg || msg.type !== "need") return;
      const key = msg.key;
      if (msg.tiles) msg.tiles.forEach((id) => held.delete(id));
      send([key], key)
        .then(() => painted) // decoding and painting it come before anything else
        .then(() => {
          shown(base);
          return everyFirstFrame;
        })
        .then(() => send(neighbours(keyed, key.split(",").map(Number)).filter((k) => k in index.frames)))
        .catch((err) => console.error("explorer: frame", key, err));
    },
    widget_manager: { get_model: async (id) => controls.get(id) },
  };
  return model;
}

const keyOf = (values) => values.map(String).join(",");
let uid = 0;
const SMALLEST_TEXT = (11 * 100) / 72; // CSS px of the smallest text at the figure's width

// The native control for one spec: a labelled range, select, or group of buttons
function controlElement(spec, model, all, said = () => null) {
  const id = `cnnl-c${++uid}`;
  const wrap = document.createElement("div");
  wrap.className = `cnnl-control cnnl-control-${spec.name}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = spec.description;
  const labels = spec.labels;
  if (spec.kind === "Play") {
    // steps the control it drives (a jslink in the kernel), in the browser
    const target = all.find((c) => c.spec.name === spec.drives);
    const button = document.createElement("button");
    button.type = "button";
    button.id = id;
    button.textContent = "▶ play";
    button.setAttribute("aria-pressed", "false");
    let timer = null;
    const stop = () => {
      clearInterval(timer);
      timer = null;
      button.textContent = "▶ play";
      button.setAttribute("aria-pressed", "false");
    };
    button.addEventListener("click", () => {
      if (timer) return stop();
      if (!target) return;
      const t = target.spec;
      if (target.get(t.trait) >= t.max) target.set(t.trait, t.min);
      button.textContent = "❚❚ pause";
      button.setAttribute("aria-pressed", "true");
      timer = setInterval(() => {
        const v = target.get(t.trait) + (t.step || 1);
        if (v > t.max) return stop();
        target.set(t.trait, v);
      }, spec.interval || 500);
    });
    wrap.append(button);
    return wrap;
  }
  if (spec.kind === "Dropdown") {
    const select = document.createElement("select");
    select.id = id;
    labels.forEach((text, i) => select.add(new Option(text, String(i))));
    select.selectedIndex = model.get("index");
    select.addEventListener("change", () => model.set("index", select.selectedIndex));
    model.on("change:index", () => (select.selectedIndex = model.get("index")));
    wrap.append(label, select);
    return wrap;
  }
  if (spec.kind === "ToggleButtons" || spec.kind === "RadioButtons") {
    const group = document.createElement("div");
    group.className = "cnnl-buttons";
    group.setAttribute("role", "group");
    group.id = id;
    const name = document.createElement("span");
    name.className = "cnnl-control-label";
    name.id = `${id}-label`;
    name.textContent = spec.description;
    group.setAttribute("aria-labelledby", name.id);
    const buttons = labels.map((text, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.addEventListener("click", () => model.set("index", i));
      return b;
    });
    // the pressed one as ipywidgets marks it ("mod-active"), so keys.js reads both alike
    const show = () =>
      buttons.forEach((b, i) => {
        b.setAttribute("aria-pressed", String(i === model.get("index")));
        b.classList.toggle("mod-active", i === model.get("index"));
      });
    show();
    model.on("change:index", show);
    group.append(...buttons);
    wrap.append(name, group);
    return wrap;
  }
  // a slider: an IntSlider (its value) or a SelectionSlider (the index of its option)
  const range = document.createElement("input");
  range.type = "range";
  range.id = id;
  const trait = spec.trait;
  if (trait === "index") {
    range.min = "0";
    range.max = String(labels.length - 1);
    range.step = "1";
  } else {
    range.min = String(spec.min);
    range.max = String(spec.max);
    range.step = String(spec.step || 1);
  }
  range.value = String(model.get(trait));
  const out = document.createElement("output");
  out.htmlFor = id;
  const text = () => (trait === "index" ? labels[model.get(trait)] : String(model.get(trait)));
  const show = () => {
    range.value = String(model.get(trait));
    out.textContent = text();
    // what the value means in the frame the controls select (the kernel's value text), or
    // the label and the value
    range.setAttribute("aria-valuetext", said(spec.name) || `${spec.description} ${text()}`);
  };
  show();
  range.addEventListener("input", () => model.set(trait, Number(range.value)));
  for (const m of all) if (m.spec.values) m.on(`change:${m.spec.trait}`, show);
  wrap.append(label, range, out);
  return wrap;
}

async function mount(root) {
  const base = new URL(root.dataset.src, document.baseURI).href;
  const index = await (await fetch(`${base}index.json`)).json();
  const models = index.controls.map((spec) => controlModel(spec));
  const byId = new Map(models.map((m) => [m.spec.id, m]));
  const row = document.createElement("div");
  row.className = "cnnl-controls";
  const keyedModels = models.filter((m) => m.spec.values);
  // index.valuetexts: frame key -> {control name: value text} (Explorer.value_text)
  const said = (name) => {
    const key = keyOf(keyedModels.map((m) => m.get(m.spec.trait)));
    return ((index.valuetexts || {})[key] || {})[name] || null;
  };
  for (const m of models) row.append(controlElement(m.spec, m, models, said));
  const pic = document.createElement("div");
  pic.className = "cnnl-picture";
  root.replaceChildren(row, pic);
  const model = pictureModel(base, index, byId, paintedIn(pic, 3000));
  if (picture.initialize) picture.initialize({ model });
  await picture.render({ model, el: pic });
  if (!index.every) {
    // an explorer with too many combinations for the site: its frames one control away from
    // the lesson's values; any other combination says so
    const note = document.createElement("p");
    note.className = "cnnl-static-note";
    note.setAttribute("role", "status");
    note.textContent =
      "This combination is not in the web edition: move one control at a time from the " +
      "lesson's values (reload the page to get them back), or run the lesson on Binder.";
    const keyed = models.filter((m) => m.spec.values);
    const check = () => {
      note.hidden = keyOf(keyed.map((m) => m.get(m.spec.trait))) in index.frames;
    };
    for (const m of keyed) m.on(`change:${m.spec.trait}`, check);
    check();
    root.append(note);
  }
  // text in the pictures is at least FONT["small"] (11 pt at 100 dpi: 15.3 CSS px at the
  // figure's own width); on a narrow screen the picture keeps the width at which that text
  // is 9 CSS px, and the explorer scrolls sideways
  const wrap = pic.querySelector(".cnnl-picture-wrap");
  if (wrap) wrap.style.minWidth = `${Math.ceil(((index.width / index.scale) * 9) / SMALLEST_TEXT)}px`;
  root.dataset.ready = "1";
}

export function start() {
  const roots = [...document.querySelectorAll(".cnnl-explorer[data-src]")];
  expected = roots.length;
  const one = (root) =>
    mount(root).catch((err) => {
      root.dataset.error = String(err);
      shown(root.dataset.src); // a broken explorer does not hold the others back
      console.error("explorer", root.dataset.src, err);
    });
  // the page's first explorer first (on a slow network it is not slowed by the others),
  // then the others, together; the page's formulas wait for its first frame too (MathJax,
  // tools/site/site_lesson.html.j2)
  const firstDone = () => document.dispatchEvent(new Event("cnnl:first-frame"));
  if (!roots.length) {
    firstDone();
    return Promise.resolve();
  }
  firstFrame.then(firstDone);
  return one(roots[0]).then(() => firstFrame).then(() => Promise.all(roots.slice(1).map(one)));
}

start();
