"""Numerics of lesson 06: receptive fields layer by layer (``stacks``) and features built
from features (``features``)."""
