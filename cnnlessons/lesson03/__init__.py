"""Lesson 03, parameter sharing: figures, explorers and exercises."""
