"""Figures of lesson 06: how the field grows (``growth``), the effective field (``erf``),
features built from features (``features``)."""
