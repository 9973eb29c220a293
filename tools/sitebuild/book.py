"""The book around the lesson pages: previous/next, each lesson's contents, the search index,
and what a presenter's page leaves out (``make present``).

Formulas are written in the notebooks as TeX (``$...$``, ``$$...$$``): JupyterLab, Voila and
the web edition typeset them alike, and Markdown never reads their underscores as italics
(tests/checking/test_lesson_text.py checks that no formula is written otherwise).
"""

from __future__ import annotations

import html
import json
import re

HEADING = re.compile(r'<h([23])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
TAG = re.compile(r"<[^>]+>")


#: TeX in Markdown: ``$$...$$`` or ``$...$``
FORMULA = re.compile(r"\$\$.+?\$\$|\$[^$\s][^$]*\$", re.S)


def has_formula(nb) -> bool:
    """Whether a Markdown cell of the notebook holds a formula (its page then loads MathJax)."""
    return any(c.cell_type == "markdown" and FORMULA.search(c.source) for c in nb.cells)


# ----------------------------------------------------------------------------- contents
def contents(body: str) -> list[dict]:
    """The lesson's sections (h2, h3 with their ids) in order, from its HTML."""
    found = []
    for level, anchor, inner in HEADING.findall(body):
        text = html.unescape(TAG.sub("", inner)).replace("¶", "").strip()
        found.append({"level": int(level), "id": anchor, "title": text})
    return found


def toc_html(sections: list[dict]) -> str:
    if not sections:
        return ""
    items = "".join(
        f'<li class="cnnl-toc-{s["level"]}"><a href="#{html.escape(s["id"])}">'
        f"{html.escape(s['title'])}</a></li>"
        for s in sections
    )
    return (
        '<nav class="cnnl-toc" aria-label="This lesson"><details open><summary>'
        f"In this lesson</summary><ol>{items}</ol></details></nav>"
    )


def prev_next_html(lessons: list[dict], i: int) -> str:
    links = []
    if i > 0:
        p = lessons[i - 1]
        links.append(
            f'<a rel="prev" class="cnnl-prev" href="{p["page"]}">&larr; {p["number"]} · '
            f"{html.escape(p['title'])}</a>"
        )
    if i + 1 < len(lessons):
        n = lessons[i + 1]
        links.append(
            f'<a rel="next" class="cnnl-next" href="{n["page"]}">{n["number"]} · '
            f"{html.escape(n['title'])} &rarr;</a>"
        )
    return '<nav class="cnnl-prevnext" aria-label="Lessons">' + "".join(links) + "</nav>"


# ----------------------------------------------------------------------------- search
def sections_text(body: str) -> list[tuple[str, str, str]]:
    """(id, title, plain text) of each section of a page's HTML (before the first heading:
    the lesson's introduction, id "")."""
    cut = [(m.start(), m.group(2), m.group(3)) for m in HEADING.finditer(body)]
    starts = [(0, "", "")] + cut
    out = []
    for k, (at, anchor, inner) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(body)
        chunk = body[at:end]
        chunk = re.sub(r"<(script|style)\b.*?</\1>", " ", chunk, flags=re.S)
        text = html.unescape(TAG.sub(" ", chunk)).replace("¶", " ")
        text = re.sub(r"\s+", " ", text).strip()
        title = html.unescape(TAG.sub("", inner)).replace("¶", "").strip()
        out.append((anchor, title, text))
    return out


def search_index(pages: list[dict]) -> str:
    """The site's search index (``search.json``): per section of every lesson, its page,
    anchor, lesson and section titles, and text (lower case, collapsed spaces)."""
    entries = []
    for page in pages:
        for anchor, title, text in sections_text(page["body"]):
            if not text:
                continue
            entries.append(
                {
                    "page": page["page"] + (f"#{anchor}" if anchor else ""),
                    "lesson": f"{page['number']} · {page['title']}",
                    "section": title,
                    "text": text[:6000],
                }
            )
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------------------- classroom
#: what an exercise asks a learner to do in the notebook ("Work it out by hand and replace
#: `____` with your answer (`.hint()` and `.solution()` help).") said on a page with no code
#: to run (Voila's classroom template): that clause removed, the question kept
NOTEBOOK_ONLY = re.compile(
    r"\s+and replace `____` with your (?:answer|code)(?: \((?:[^()]|\([^()]*\))*\))?(?=[.;:!?])"
)


def classroom_text(source: str) -> str:
    """A Markdown cell as a presenter shows it: notebook-only clauses out."""
    return NOTEBOOK_ONLY.sub("", source)


def __getattr__(name):
    # ``sitebuild.book.Classroom``, the preprocessor Voila's configuration names (``make
    # present``: exercises as questions); made only when asked for, so that reading this
    # module needs no nbconvert
    if name == "Classroom":
        from nbconvert.preprocessors import Preprocessor

        class Classroom(Preprocessor):
            def preprocess_cell(self, cell, resources, index):
                if cell.cell_type == "markdown":
                    cell.source = classroom_text(cell.source)
                return cell, resources

        return Classroom
    raise AttributeError(name)
