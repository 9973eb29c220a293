"""Lesson 05's numerics: fewshot.py (how many examples a layer needs), mnist1d.py (a published
benchmark, reproduced)."""
