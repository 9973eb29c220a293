"""Exercises with instant feedback, one module per lesson: ``from cnnlessons.exercises import
lesson01 as ex`` then ``ex.q1.check(answer)``, ``ex.q1.hint()``, ``ex.q1.solution()``."""

from .core import ArrayExercise, Feedback, FunctionExercise, NumberExercise, ____

__all__ = ["____", "ArrayExercise", "Feedback", "FunctionExercise", "NumberExercise"]
