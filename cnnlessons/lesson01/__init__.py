"""Lesson 01, convolution by hand: figures, explorers and exercises."""
