"""Lesson 04, computational efficiency: numerics, figures, explorers and exercises."""
