// The front end of an explorer's picture (anywidget ES module, no build step).
//
// The kernel sends the picture as tiles: PNG images placed at pixel boxes of a canvas drawn at
// `scale` x the CSS size (2 = sharp at 2x device pixel ratio). A frame is a list of tile ids
// painted in order (a background, then the parts that change), one frame per combination of
// the controls' values, keyed "v0,v1,..." with each control's `value` (sliders) or `index`
// (menus, buttons): `keyOf` and `parseKey` in store.js, the one place the key is made and read here
// (the kernel's is cnnlessons/engine/controls.py). This module reads the controls' models
// itself (references "IPY_MODEL_<id>", resolved through the widget manager, so it also works
// in a static HTML export with no kernel), paints the frame they select, and maps clicks on
// declared regions of the picture to control values in the browser: no kernel round trip for
// anything already drawn.
//
// The module is five files, joined in this order by cnnlessons/engine/picture.py (``ESM``):
// this one (the anywidget entry points), store.js (tiles, frames, requests to the kernel),
// canvas.js (painting a view and its text alternative), clicks.js (clicks on the picture) and
// keys.js (the keyboard, and names for the controls' views). They share one scope:
// no imports, no build step.

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
  const view = makeCanvas(model, el);
  const controls = await controlsOf(model);
  const paint = makePainter(s, controls, el, view);
  // the value texts of the frame the controls select (null until the page has that frame)
  const said = () => s.valuetexts.get(keyOf(controls.map((c) => c.model.get(c.trait)))) || null;
  const relabel = watchControls(el, view.alt.id, said);
  let follow = () => {};
  const onChange = () => {
    paint();
    relabel();
    follow();
  };
  for (const c of controls) c.model.on(`change:${c.trait}`, onChange);
  s.listeners.add(paint);
  s.listeners.add(relabel); // a frame arrived: its value texts
  follow = listenKeys(view, await listenClicks(model, view, paint));
  paint();
  return () => {
    for (const c of controls) c.model.off(`change:${c.trait}`, onChange);
    s.listeners.delete(paint);
    s.listeners.delete(relabel);
  };
}

export default { initialize, render };
