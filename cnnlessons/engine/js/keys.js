// Part of the picture's front end (joined into one ES module by picture.py, see main.js):
// the keyboard and assistive technologies (WCAG 2.2 AA, issue 23).
//
// - A visible focus indicator for every control of the explorer and for the picture; slider
//   handles and buttons at least 24 x 24 CSS px (WCAG 2.5.8), a handle's edge at 5:1.
// - The picture's clicks from the keyboard: a picture with click regions is focusable (Tab);
//   the arrow keys move a cursor (a dashed box drawn over the picture) to the nearest cell in
//   that direction that a click acts on, and act as that click does (the same table, `apply`
//   from clicks.js); PageDown / PageUp move the cursor to the next / previous region. On
//   focus the cursor sits on the cell the controls select.
// - Keys pressed in the explorer stay in it (not JupyterLab's command-mode shortcuts).
// - The controls stay ipywidgets; their stock views lack names and value texts (ipywidgets
//   #2650, #3179), so this gives the views it finds in its explorer (`.cnnl-control-<name>`)
//   what they lack: each slider handle is labelled by its control's label and says what its
//   value means (the frame's value text from the kernel, `Explorer.value_text`: "stride 2:
//   output 4 × 4"; "stride 2" while the frame is not there) with the picture's text
//   alternative as its description; a menu or a group of toggle buttons is labelled by its
//   label and, where the frame's value text says more than the option ("stack 3x3:
//   receptive field 7 × 7 with 3 layers"), described by it (a hidden element beside the
//   control, then the picture's text alternative); the Play widget's icon-only buttons get
//   names. Done again whenever a control changes, since the
//   views rewrite some of these attributes.

const FOCUS_CSS = `
.cnnl-explorer :focus-visible, .cnnl-explorer .noUi-handle:focus,
.cnnl-picture-wrap canvas:focus {
  outline: 3px solid #0b57d0 !important; outline-offset: 2px;
  box-shadow: 0 0 0 5px #ffffff !important;
}
.cnnl-cursor {
  position: absolute; box-sizing: border-box; pointer-events: none; display: none;
  border: 3px dashed #111111; outline: 2px solid #ffffff;
}
.cnnl-explorer { --jp-widgets-slider-handle-size: 24px; }
.cnnl-explorer .noUi-handle { border: 1px solid #6b6b6b; }
.cnnl-explorer .widget-play button, .cnnl-explorer .widget-toggle-button {
  min-width: 24px; min-height: 24px;
}
/* reflow (WCAG 1.4.10, 1.4.4): at 320 CSS px or 200 % zoom the rows of controls wrap, a label
   goes above its control, and no control is wider than the explorer (no horizontal scroll) */
.cnnl-explorer, .cnnl-explorer .widget-hbox, .cnnl-explorer .widget-inline-hbox {
  max-width: 100%; min-width: 0; box-sizing: border-box;
}
.cnnl-explorer > .widget-hbox, .cnnl-explorer .widget-inline-hbox { flex-wrap: wrap; }
.cnnl-explorer .widget-inline-hbox.widget-hslider, .cnnl-explorer .widget-inline-hbox.widget-dropdown,
.cnnl-explorer .widget-inline-hbox.widget-toggle-buttons, .cnnl-explorer .widget-inline-hbox.widget-play {
  width: auto; flex: 0 1 var(--jp-widgets-inline-width, 300px);
}
.cnnl-explorer .widget-inline-hbox.widget-toggle-buttons { flex-basis: auto; }
.cnnl-explorer .widget-hslider .slider-container { min-width: 80px; }
.cnnl-explorer .widget-inline-hbox.widget-hslider { padding-right: 12px; } /* a handle at the end */
.cnnl-explorer .widget-dropdown select { min-width: 0; max-width: 100%; }
.cnnl-explorer .widget-toggle-buttons > div { display: flex; flex-wrap: wrap; min-width: 0; max-width: 100%; }
.cnnl-explorer .widget-toggle-button { width: auto; max-width: 100%; }
`;

function focusStyle() {
  if (document.getElementById("cnnl-a11y-style")) return;
  const style = document.createElement("style");
  style.id = "cnnl-a11y-style";
  style.textContent = FOCUS_CSS;
  document.head.append(style);
}

let uidCount = 0;
const uid = (prefix) => `${prefix}-${++uidCount}-${Math.random().toString(36).slice(2, 8)}`;

function labelControls(root, altId, valueTextsOf = () => null) {
  // names and value texts for the control views of the explorer `root` (see the top);
  // `valueTextsOf()`: {control name: value text} of the frame the controls select, or null
  const valueTexts = valueTextsOf() || {};
  for (const box of root.querySelectorAll("[class*='cnnl-control-']")) {
    const name = [...box.classList].find((c) => c.startsWith("cnnl-control-")).slice(13);
    const label = box.querySelector(
      ":scope > .widget-label, :scope > label, :scope > .cnnl-control-label",
    );
    const said = (label && label.textContent.trim()) || name;
    if (label && !label.id) label.id = uid("cnnl-label");
    const named = (node, text) => {
      if (label && label.textContent.trim()) node.setAttribute("aria-labelledby", label.id);
      else node.setAttribute("aria-label", text || said);
    };
    const readout = box.querySelector(".widget-readout");
    for (const handle of box.querySelectorAll(".noUi-handle")) {
      named(handle);
      const value = readout ? readout.textContent.trim() : handle.getAttribute("aria-valuenow");
      handle.setAttribute("aria-valuetext", valueTexts[name] || `${said} ${value}`);
      if (altId) handle.setAttribute("aria-describedby", altId);
    }
    if (readout) readout.setAttribute("aria-label", `${said}: type a value`);
    if (readout) readout.setAttribute("role", "textbox");
    // a menu's or a toggle's value text, where it says more than "label option": a hidden
    // element the control is described by (before the picture's text alternative)
    const optionSaid = (option) => {
      const text = valueTexts[name];
      const plain = `${said} ${option}`.replace(/\s+/g, " ").trim();
      let note = box.querySelector(":scope > .cnnl-valuetext");
      if (!text || text.replace(/\s+/g, " ").trim() === plain) {
        if (note && note.textContent) note.textContent = "";
        return altId || "";
      }
      if (!note) {
        note = document.createElement("span");
        note.className = "cnnl-valuetext";
        note.id = uid("cnnl-valuetext");
        note.hidden = true; // read through aria-describedby only
        box.append(note);
      }
      if (note.textContent !== text) note.textContent = text;
      return `${note.id} ${altId || ""}`.trim();
    };
    const describe = (node, ids) => {
      if (ids) node.setAttribute("aria-describedby", ids);
      else node.removeAttribute("aria-describedby");
    };
    for (const select of box.querySelectorAll("select")) {
      named(select);
      const option = select.selectedOptions[0];
      describe(select, optionSaid(option ? option.textContent.trim() : select.value));
    }
    // a row of toggle buttons: ipywidgets' or the web edition's (tools/site/explorers.js:
    // a labelled group); in both the pressed one has "mod-active"
    const site = box.querySelector(":scope > .cnnl-buttons");
    const buttons = box.querySelector(".widget-toggle-buttons, .widget-toggle-buttons > div");
    if (box.classList.contains("widget-toggle-buttons") || buttons || site) {
      const group = site || box.querySelector(".widget-toggle-buttons > div") || box;
      group.setAttribute("role", "group");
      if (!site) named(group); // the site's group is labelled by its own label already
      const all = [...group.querySelectorAll("button")];
      const pressed = all.find((b) => b.classList.contains("mod-active"));
      const ids = optionSaid(pressed ? pressed.textContent.trim() : "");
      describe(group, ids);
      for (const b of all) {
        b.setAttribute("aria-pressed", String(b === pressed));
        describe(b, b === pressed ? ids : altId || "");
      }
    }
    if (box.classList.contains("widget-play")) {
      const [play, stop, repeat] = box.querySelectorAll("button");
      const playing = play && play.querySelector(".fa-pause");
      if (play) play.setAttribute("aria-label", `${said}: ${playing ? "pause" : "play"}`);
      if (stop) stop.setAttribute("aria-label", `${said}: stop`);
      if (repeat) {
        repeat.setAttribute("aria-label", `${said}: repeat`);
        repeat.setAttribute("aria-pressed", String(repeat.classList.contains("mod-active")));
      }
    }
  }
}

function watchControls(el, altId, valueTextsOf) {
  // label the control views once the explorer is on the page, and again after each change
  focusStyle();
  let root = null;
  let tries = 0;
  let pending = false;
  const again = () => {
    if (!root || pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      labelControls(root, altId, valueTextsOf);
    }, 0);
  };
  const find = () => {
    root = el.closest(".cnnl-explorer");
    if (!root) {
      if (++tries < 600) setTimeout(find, 100); // the views are attached after render
      return;
    }
    labelControls(root, altId, valueTextsOf);
    // the explorer's keys are its own: JupyterLab's shortcuts (command mode: "a" inserts a
    // cell, "d d" deletes one, ArrowDown selects the next cell) must not take a menu's
    // typeahead or a slider's arrows; Tab and Escape still reach the page
    root.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return; // Ctrl+B, Ctrl+S...
      if (event.key !== "Tab" && event.key !== "Escape") event.stopPropagation();
    });
    // control views rendered (or rendered again) later: only nodes added, never attributes,
    // so what labelControls sets does not wake it
    new MutationObserver(again).observe(root, { childList: true, subtree: true });
    for (const type of ["click", "keyup", "input", "change", "focusin", "pointerup"]) {
      root.addEventListener(type, again, true);
    }
  };
  find();
  return again;
}

function listenKeys(view, { regions, targets, apply }) {
  // the keyboard's path to the cells a click acts on (see the top)
  const { canvas, wrap, width, height } = view;
  if (!regions.length) return () => {};
  canvas.tabIndex = 0;
  const hint = document.createElement("div");
  hint.id = uid("cnnl-keys");
  hint.hidden = true;
  hint.textContent =
    "Arrow keys move the selection on the picture, as a click does; Page Down and Page Up " +
    "go to the next or previous part of the picture.";
  wrap.append(hint);
  const described = canvas.getAttribute("aria-describedby") || "";
  canvas.setAttribute("aria-describedby", `${described} ${hint.id}`.trim());
  const cursor = document.createElement("div");
  cursor.className = "cnnl-cursor";
  wrap.append(cursor);
  let at = null; // {region, row, col}: table indices

  const cells = (i) => {
    const out = [];
    regions[i].table.forEach((line, row) =>
      (line || []).forEach((values, col) => values && out.push({ region: i, row, col, values })),
    );
    return out;
  };
  const selected = () => {
    // the first cell (of any region) whose click gives the controls' values now
    for (let i = 0; i < regions.length; i++) {
      for (const cell of cells(i)) {
        const same = cell.values.every(
          (v, k) => v === null || v === undefined || targets[i][k].model.get(targets[i][k].trait) === v,
        );
        if (same) return cell;
      }
    }
    return null;
  };
  const place = () => {
    if (!at) return (cursor.style.display = "none");
    const r = regions[at.region];
    const [x0, y0, x1, y1] = r.box;
    const px = (d) => x0 + ((d - r.xlim[0]) / (r.xlim[1] - r.xlim[0])) * (x1 - x0);
    const py = (d) => y0 + ((d - r.ylim[0]) / (r.ylim[1] - r.ylim[0])) * (y1 - y0);
    const cx = at.col + r.cols[0];
    const cy = at.row + r.rows[0];
    const [left, right] = [px(cx - 0.5), px(cx + 0.5)].sort((a, b) => a - b);
    const [top, bottom] = [py(cy - 0.5), py(cy + 0.5)].sort((a, b) => a - b);
    Object.assign(cursor.style, {
      display: "block",
      left: `${(100 * left) / width}%`,
      top: `${(100 * top) / height}%`,
      width: `${(100 * (right - left)) / width}%`,
      height: `${(100 * (bottom - top)) / height}%`,
    });
  };
  const step = (dx, dy) => {
    // the nearest cell that does something, in the direction (dx, dy) as seen on screen
    const r = regions[at.region];
    const sx = Math.sign(r.xlim[1] - r.xlim[0]) || 1; // +1: columns grow to the right
    const sy = Math.sign(r.ylim[1] - r.ylim[0]) || 1; // +1: rows grow downwards
    let best = null;
    let bestCost = Infinity;
    for (const cell of cells(at.region)) {
      const along = dx ? (cell.col - at.col) * sx * dx : (cell.row - at.row) * sy * dy;
      const across = dx ? Math.abs(cell.row - at.row) : Math.abs(cell.col - at.col);
      if (along <= 0) continue;
      const cost = along + 2 * across;
      if (cost < bestCost) [best, bestCost] = [cell, cost];
    }
    return best;
  };
  const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  canvas.addEventListener("keydown", (event) => {
    let next = null;
    at = at || selected() || cells(0)[0] || null;
    if (!at) return;
    if (event.key in moves) next = step(...moves[event.key]);
    else if (event.key === "PageDown" || event.key === "PageUp") {
      const d = event.key === "PageDown" ? 1 : regions.length - 1;
      next = cells((at.region + d) % regions.length)[0] || null;
    } else if (event.key === "Enter" || event.key === " ") next = at;
    else return;
    event.preventDefault();
    if (!next) return;
    at = next;
    apply(at.region, at.values);
    place();
  });
  canvas.addEventListener("focus", () => {
    at = selected() || at || cells(0)[0] || null;
    place();
  });
  canvas.addEventListener("blur", () => (cursor.style.display = "none"));
  return () => {
    // the controls moved: the cursor follows while the picture has the focus
    if (document.activeElement !== canvas) return;
    at = selected() || at;
    place();
  };
}
