"""The explorer engine now lives in ``cnnlessons.engine``; this module re-exports it for the
explorers until they import it from there."""

from ..engine import MAX_FRAMES, RENDERERS, Explorer, finish_all
from ..engine.tiles import decode_png, png_bytes

__all__ = ["MAX_FRAMES", "RENDERERS", "Explorer", "decode_png", "finish_all", "png_bytes"]
