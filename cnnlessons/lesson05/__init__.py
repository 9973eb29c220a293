"""Lesson 05, learning from few examples: numerics, figures, explorers and exercises."""
