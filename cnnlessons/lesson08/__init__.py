"""Lesson 08, pooling and invariance: numerics, figures, explorers and exercises."""
