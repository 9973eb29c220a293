"""Lesson 02, sparse interactions: figures, explorers and exercises."""
