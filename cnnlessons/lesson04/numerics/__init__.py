"""Numerics of lesson 04: what layers cost (``costs``) and what they take to run (``timing``)."""
