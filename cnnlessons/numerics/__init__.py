"""Numerics every lesson shares: numpy in and out, never plotting."""
