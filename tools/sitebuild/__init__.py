"""The static web edition's builder, in parts (``tools/build_site.py`` is its command):

- ``kernel``: run inside each lesson's kernel after its cells: every explorer's every frame,
  cut into PNG tiles shared between frames, written as static files with an index;
- ``pages``: the lesson pages (nbconvert's HTML, no widget manager), the book around them
  (previous/next, contents, search index).
"""
