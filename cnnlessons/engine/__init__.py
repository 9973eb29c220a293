"""The explorer engine: controls (ipywidgets) wired to a picture that answers within a frame."""
