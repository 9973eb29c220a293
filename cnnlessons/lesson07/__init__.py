"""Lesson 07, translation equivariance: numerics, figures, explorers and exercises."""
