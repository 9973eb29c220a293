"""Figures of lesson 03: a layer as a weight matrix (``matrices``), counting parameters
(``parameters``), a filter across the input's channels (``channels``)."""
