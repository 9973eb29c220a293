"""Lesson 06, receptive fields: numerics, figures, explorers and exercises."""
