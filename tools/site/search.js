// Search over every lesson from the static files alone: search.json (built by
// tools/build_site.py) holds each section's text; every word typed must occur in a section.
const box = document.querySelector("#cnnl-search");
const list = document.querySelector("#cnnl-search-results");
let entries = null;
async function load() {
  if (!entries) {
    const url = new URL("search.json", document.querySelector("#cnnl-search-form").action);
    entries = await (await fetch(url)).json();
  }
  return entries;
}
function show(query, all) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  list.replaceChildren();
  if (!words.length) return;
  const hits = all
    .map((e) => {
      const text = `${e.section} ${e.text}`.toLowerCase();
      if (!words.every((w) => text.includes(w))) return null;
      const phrase = text.includes(words.join(" ")) ? 10 : 0;
      const title = words.every((w) => e.section.toLowerCase().includes(w)) ? 20 : 0;
      return { e, score: phrase + title + words.length };
    })
    .filter(Boolean)
    .sort((a, b) => b.score - a.score)
    .slice(0, 12);
  for (const { e } of hits) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = new URL(e.page, document.querySelector("#cnnl-search-form").action).href;
    a.textContent = e.section ? `${e.lesson}: ${e.section}` : e.lesson;
    li.append(a);
    list.append(li);
  }
  if (!hits.length) list.innerHTML = "<li>No section has every word.</li>";
}
if (box) {
  box.addEventListener("input", async () => show(box.value, await load()));
  box.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    show(box.value, await load());
  });
}
