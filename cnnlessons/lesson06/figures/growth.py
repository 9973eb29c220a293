"""Figures of lesson 06, receptive fields: how the field grows (no widgets).

``GrowthFigure``: a stack in 1-D (Deep Learning Figure 9.4's style: units in rows, the chosen
top unit's cone down to the input), the region that unit sees in 2-D on a photo, and the closed
form with its numbers next to the measured size. It draws once; its ``select`` changes a few
artists in place and returns them. The effective field is in ``erf``, the hand-built feature
stack in ``features``.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Polygon, Rectangle

from cnnlessons import _checks
from cnnlessons.figures.display import check_figure
from cnnlessons.figures.grids import frame_axes
from cnnlessons.figures.style import COLORS, FONT, GREY_CMAP, LINE, TEXT_COLORS
from cnnlessons.lesson06.numerics import stacks as rl
from cnnlessons.numerics.receptive import measured_receptive_field

__all__ = [
    "GrowthFigure",
    "PLACES",
    "formula_text",
]

MAX_ROWS = 16  # layers drawn in the 1-D diagram (plus the input row)


def _spec(layer) -> dict:
    """A layer as a full mapping (kernel, stride, padding, dilation, op)."""
    if isinstance(layer, dict):
        spec = {"stride": 1, "padding": 0, "dilation": 1, "op": "conv", **layer}
        spec.pop("name", None)
        return spec
    spec = dict(zip(("kernel", "stride", "padding", "dilation"), layer, strict=False))
    spec.setdefault("dilation", 1)
    spec["op"] = "conv"
    return spec


def formula_text(layers) -> str:
    """The closed form with the numbers: "r = 1 + 2·1 + 2·2 = 7   S = 2"."""
    table = rl.layer_fields(layers)
    terms, before = [], 1
    for row in table:
        span = row.dilation * (row.kernel - 1)
        terms.append(f"{span}·{before}")
        before = row.effective_stride
    last = table[-1]
    return f"r = 1 + {' + '.join(terms)} = {last.size}     S = {last.effective_stride}"


def _row_labels(specs) -> list[str]:
    """Row names for the 1-D diagram: "input", "conv 1: 3x3, s 2", "max pool 2x2, s 2"."""
    labels, convs = ["input"], 0
    for spec in specs:
        k, s, d = spec["kernel"], spec["stride"], spec["dilation"]
        if spec["op"] == "conv":
            convs += 1
            text = f"conv {convs}: {k}x{k}"
        else:
            text = f"{spec['op']} pool {k}x{k}"
        if s > 1:
            text += f", s {s}"
        if d > 1:
            text += f", d {d}"
        labels.append(text)
    return labels


#: the top units one can pick: where each sits on the photo
PLACES = ("middle", "left edge", "top-left corner")
PAD_MARGIN = 16  # photo pixels of zero padding drawn around the photo
CLICK_CELL = 16  # photo pixels per cell of the photo's click grid (``place_at``)


def _level_sizes(specs, n: int) -> list[int]:
    """How many units each level has along an axis of ``n`` input pixels: the input, then
    each layer's output, floor((n + 2p − d(k − 1) − 1) / s) + 1."""
    sizes = [n]
    for spec in specs:
        k, s, p, d = spec["kernel"], spec["stride"], spec["padding"], spec["dilation"]
        n = (n + 2 * p - d * (k - 1) - 1) // s + 1
        sizes.append(max(n, 0))
    return sizes


def _reads(specs, sizes, unit: int) -> list[tuple[list[int], list[int]]]:
    """Which units of each level top unit ``unit`` of a finite input reads, following only
    real units down: per level, (units inside the level, padding positions read). Padding is
    a constant zero, so nothing below it is read: near an edge this is less than the span of
    the closed form."""
    out = [None] * (len(specs) + 1)
    real = [unit]
    out[-1] = ([unit], [])
    for level in range(len(specs) - 1, -1, -1):
        spec = specs[level]
        k, s, p, d = spec["kernel"], spec["stride"], spec["padding"], spec["dilation"]
        read = sorted({j * s - p + t * d for j in real for t in range(k)})
        real = [i for i in read if 0 <= i < sizes[level]]
        out[level] = (real, [i for i in read if not 0 <= i < sizes[level]])
    return out


def _round(v: float) -> int:
    return math.floor(v + 0.5)


class GrowthFigure:
    """How far down one top unit reaches: a 1-D cone (left), the 2-D region on a photo
    (right) and the formula (below).

    ``select(layers, unit="middle")`` draws the stack ``layers`` (convolutions and pooling,
    at most ``MAX_ROWS``) on the photo; ``unit`` (one of ``PLACES``) picks the top unit whose
    field is centred nearest the photo's middle, the first unit of the middle row (the left
    edge) or the top-left unit. The 1-D drawing is the photo's row through that unit: units
    outside the image are zero padding (grey squares), which a unit reads but which depends
    on nothing below. The right-hand neighbour (the left-hand one when there is none) is
    drawn dashed: its field starts S pixels later (earlier). The measured size
    (``measured_receptive_field``) is printed next to the closed form. With ``pickable``,
    rings on the photo mark the units of ``PLACES``, the picked one ringed in black;
    ``place_at(row, col)`` is the place near cell (row, col) of ``ax_click``, the photo's
    click grid, or None.
    """

    def __init__(self, fig, photo, pickable: bool = True):
        check_figure(fig)
        self.photo = _checks.array(photo, "photo", ndims=(2,))
        # rings on the photo where a click picks a unit
        self.pickable = _checks.boolean(pickable, "pickable")
        self._geometry = {}  # (stack, unit) -> what select draws: computed once
        self.ax, self.ax_photo = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
        ax = self.ax
        self.pad_bands = [
            Rectangle((0, -0.1), 0, 1.16, facecolor=COLORS["muted"], alpha=0.18,
                      edgecolor="none", zorder=0)
            for _ in range(2)
        ]  # fmt: skip
        for band in self.pad_bands:
            ax.add_patch(band)
        self.pad_label = ax.text(
            0, 0.5, "", ha="center", va="center", fontsize=FONT["small"], color=COLORS["text"]
        )
        self.rest = LineCollection([], colors=COLORS["muted"], linewidths=0.6, zorder=1)
        self.hot_lines = LineCollection(
            [], colors=COLORS["receptive"], linewidths=1.2, alpha=0.8, zorder=2
        )
        ax.add_collection(self.rest)
        ax.add_collection(self.hot_lines)
        self.cone = Polygon(
            np.zeros((3, 2)),
            closed=True,
            facecolor=COLORS["receptive"],
            alpha=0.18,
            edgecolor="none",
            zorder=0,
        )
        ax.add_patch(self.cone)
        self.units = ax.scatter(
            [], [], s=20, facecolors="white", edgecolors=COLORS["muted"], linewidths=1.0, zorder=3
        )
        self.pads = ax.scatter(
            [], [], s=20, marker="s", facecolors=COLORS["muted"], edgecolors=COLORS["muted"],
            linewidths=1.0, zorder=3,
        )  # fmt: skip
        self.hot = ax.scatter([], [], s=20, color=COLORS["receptive"], zorder=4)
        self.hot_pads = ax.scatter(
            [], [], s=20, marker="s", facecolors="white", edgecolors=COLORS["receptive"],
            linewidths=2.0, zorder=4,
        )  # fmt: skip
        self.top = ax.scatter(
            [], [], s=120, color=COLORS["output"], edgecolors="black", linewidths=1.5, zorder=5
        )
        self.labels = [
            ax.text(
                -0.03, 0, "", ha="right", va="center", fontsize=FONT["small"], color=COLORS["text"]
            )
            for _ in range(MAX_ROWS + 1)
        ]
        (self.pad_line,) = ax.plot([], [], ":", color=COLORS["receptive"], lw=3, zorder=3)
        (self.span_line,) = ax.plot([], [], "-", color=COLORS["receptive"], lw=5, zorder=3)
        (self.next_line,) = ax.plot([], [], "--", color=COLORS["output"], lw=3, zorder=3)
        self.next_top = ax.scatter(
            [], [], s=120, facecolors="white", edgecolors=COLORS["output"], linewidths=2.5, zorder=5
        )
        self.span_text = ax.text(
            0.3, -0.1, "", ha="center", va="top", fontsize=FONT["small"], color=TEXT_COLORS["input"]
        )
        ax.set_xlim(-0.42, 1.02)
        ax.set_ylim(-0.17, 1.06)
        ax.set_axis_off()
        for spine in ax.spines.values():
            spine.set_visible(False)
        h, w = self.photo.shape
        m = PAD_MARGIN
        # the zero padding around the photo, grey; the photo over it
        self.ax_photo.set_facecolor("#d9d9d9")
        # nearest: flat blocks of pixels encode several times faster into frames
        self.ax_photo.imshow(self.photo, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
        self.box = Rectangle(
            (0, 0),
            1,
            1,
            fill=False,
            edgecolor=COLORS["receptive"],
            linewidth=LINE["highlight"],
            zorder=5,
        )
        self.box_fill = Rectangle(
            (0, 0), 1, 1, facecolor=COLORS["receptive"], alpha=0.25, edgecolor="none", zorder=4
        )
        self.ax_photo.add_patch(self.box_fill)
        self.ax_photo.add_patch(self.box)
        self.next_box = Rectangle(
            (0, 0),
            1,
            1,
            fill=False,
            edgecolor=COLORS["output"],
            linestyle="--",
            linewidth=2.5,
            zorder=5,
        )
        self.ax_photo.add_patch(self.next_box)
        # the top units one can pick (rings) and the one picked (filled), at their centres
        self.spots = self.ax_photo.scatter(
            [], [], s=60, facecolors="none", edgecolors=COLORS["output"], linewidths=2.5,
            zorder=6, clip_on=False,
        )  # fmt: skip
        self.spot = self.ax_photo.scatter(
            [], [], s=170, facecolors="none", edgecolors="black", linewidths=2.0, zorder=7,
            clip_on=False,
        )  # fmt: skip
        self.ax_photo.set_xlim(-0.5 - m, w - 0.5 + m)
        self.ax_photo.set_ylim(h - 0.5 + m, -0.5 - m)
        frame_axes(self.ax_photo, "input")
        self.ax_photo.set_title(
            f"{h}x{w} photo,\npadding grey", fontsize=FONT["small"], color=TEXT_COLORS["input"]
        )
        self.ax_click = self.click_grid()
        self.text = fig.text(
            0.5, 0.01, "", ha="center", va="bottom", fontsize=FONT["small"], color=COLORS["text"]
        )
        engine = fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set"):
            engine.set(rect=(0, 0.12, 1, 0.88))
        self.select([(3, 1, 1)] * 3)

    @property
    def artists(self) -> list:
        return [
            *self.pad_bands,
            self.pad_label,
            self.cone,
            self.rest,
            self.hot_lines,
            self.units,
            self.pads,
            self.hot,
            self.hot_pads,
            self.top,
            self.next_top,
            self.pad_line,
            self.span_line,
            self.next_line,
            *self.labels,
            self.span_text,
            self.box_fill,
            self.box,
            self.next_box,
            self.spots,
            self.spot,
            self.text,
        ]

    def click_grid(self):
        """A new invisible axes over the photo, ``CLICK_CELL`` photo pixels a cell: what
        clicks read (make it before the figure's first draw, which places it)."""
        h, w = self.photo.shape
        g, m = CLICK_CELL, PAD_MARGIN
        ax = self.ax_photo.inset_axes([0, 0, 1, 1])
        ax.set_xlim((-0.5 - m) / g, (w - 0.5 + m) / g)
        ax.set_ylim((h - 0.5 + m) / g, (-0.5 - m) / g)
        ax.set_axis_off()
        ax.patch.set_visible(False)
        return ax

    def nominal(self, unit: str) -> tuple[int, int]:
        """(row, col) of the photo where top unit ``unit`` (one of ``PLACES``) sits."""
        h, w = self.photo.shape
        return {"middle": (h // 2, w // 2), "left edge": (h // 2, 0), "top-left corner": (0, 0)}[
            _checks.choice(unit, "unit", PLACES)
        ]

    def place_at(self, row: int, col: int):
        """The place whose top unit is near cell (row, col) of ``ax_click`` (at most one
        cell, ``CLICK_CELL`` photo pixels, away along each axis), or None. Only cells
        centred on the photo answer: a cell centred in the padding around it is cut by the
        picture's edge, and a click there could miss it."""
        row, col = _checks.integer(row, "row"), _checks.integer(col, "col")
        h, w = self.photo.shape
        y, x = row * CLICK_CELL, col * CLICK_CELL
        if not (0 <= y <= h - 1 and 0 <= x <= w - 1):
            return None
        for place in PLACES[::-1]:  # the corner first: it is nearest the edge
            r, c = self.nominal(place)
            if abs(y - r) <= CLICK_CELL and abs(x - c) <= CLICK_CELL:
                return place
        return None

    @staticmethod
    def _unit_near(field, position: float, size: int) -> int:
        """The top unit whose field is centred nearest input pixel ``position`` (one of the
        ``size`` units of the top level)."""
        c = (field.size - 1) / 2 - field.padding  # centre of unit 0
        return min(max(_round((position - c) / field.stride), 0), max(size - 1, 0))

    def _compute(self, specs, unit) -> dict:
        """Everything ``select`` draws, computed once per stack and unit (cached)."""
        table = rl.layer_fields(specs)
        top = table[-1]
        S = top.effective_stride
        h, w = self.photo.shape
        rows, cols = _level_sizes(specs, h), _level_sizes(specs, w)
        if min(rows + cols) < 1:
            raise ValueError(
                f"layers must leave at least one unit of the {h}x{w} photo in every layer; "
                f"these leave {rows[1:]} rows and {cols[1:]} columns"
            )
        at = {p: self.nominal(p) for p in PLACES}
        units2d = {
            p: (self._unit_near(top.field, y, rows[-1]), self._unit_near(top.field, x, cols[-1]))
            for p, (y, x) in at.items()
        }
        ui, u = units2d[unit]
        nb = u + 1 if u + 1 < cols[-1] else u - 1  # the neighbour drawn dashed
        start = u * S - top.effective_padding
        lo, hi = start - S, start + top.size - 1 + S
        margin = max(1.0, 0.08 * (hi - lo))
        x0, x1 = lo - margin, hi + margin

        def sx(p):  # input pixel position -> axes x in [0, 1]
            return (np.asarray(p, dtype=float) - x0) / (x1 - x0)

        n_rows = len(specs) + 1
        ys = np.linspace(0, 1, n_rows)
        # centre (in input pixels) of unit j of each row; row 0 is the input
        fields = [None] + [row.field for row in table]

        def centre(level, j):
            if level == 0:
                return np.asarray(j, dtype=float)
            f = fields[level]
            return np.asarray(j) * f.stride - f.padding + (f.size - 1) / 2

        def units_in_window(level):
            if level == 0:
                return np.arange(math.ceil(x0), math.floor(x1) + 1)
            f = fields[level]
            offset = -f.padding + (f.size - 1) / 2
            first = math.ceil((x0 - offset) / f.stride)
            last = math.floor((x1 - offset) / f.stride)
            return np.arange(first, last + 1)

        # which units of each level the chosen top unit reads: inside the row, or padding
        reads = _reads(specs, cols, u)
        cone = {}
        for level in range(n_rows):
            every = reads[level][0] + reads[level][1]
            cone[level] = (min(every), max(every))
        points, pad_points, hot_points, hot_pads = [], [], [], []
        rest_segments, hot_segments = [], []
        width_pts = 0.72 * 9.4 * 72 * 0.68  # about the axes' width in points
        sizes = []
        for level in range(n_rows):
            js = units_in_window(level)
            xs = sx(centre(level, js))
            count = max(len(js), 1)
            sizes.append(float(np.clip((width_pts / count) ** 2 * 0.35, 1.5, 60)))
            real, pad = set(reads[level][0]), set(reads[level][1])
            for j, x in zip(js, xs, strict=True):
                inside = 0 <= j < cols[level]
                if j in real:
                    hot_points.append((x, ys[level]))
                elif j in pad:
                    hot_pads.append((x, ys[level]))
                elif inside:
                    points.append((x, ys[level]))
                else:
                    pad_points.append((x, ys[level]))
            if level > 0:  # connections of this row's units to the row below (not padding)
                spec = specs[level - 1]
                k, s, p, d = spec["kernel"], spec["stride"], spec["padding"], spec["dilation"]
                below = units_in_window(level - 1)
                b0, b1 = (below[0], below[-1]) if len(below) else (0, -1)
                for j, x in zip(js, xs, strict=True):
                    if not 0 <= j < cols[level]:
                        continue
                    for t in range(k):
                        i = j * s - p + t * d
                        if b0 <= i <= b1:
                            seg = [(float(sx(centre(level - 1, i))), ys[level - 1]), (x, ys[level])]
                            (hot_segments if j in real else rest_segments).append(seg)
        # the padding: left of pixel 0 and right of the last pixel, in the window
        bands = [(x0, -0.5), (w - 0.5, x1)]
        r = top.size
        # an input large enough for the whole field (the default search starts at 16 pixels)
        measured = measured_receptive_field(specs, input_size=4 * r + 16)
        agree = (
            "agrees"
            if measured.size == r and measured.stride == top.effective_stride
            else "DIFFERS"
        )
        # the pixels of the photo the unit reads, per axis (first, last)
        row_reads = _reads(specs, rows, ui)[0][0]
        seen = ((row_reads[0], row_reads[-1]), (reads[0][0][0], reads[0][0][-1]))
        return dict(
            table=table, top=top, u=u, ui=ui, nb=nb, sx=sx, centre=centre, n_rows=n_rows, ys=ys,
            cone=cone, points=points, pad_points=pad_points, hot_points=hot_points,
            hot_pads=hot_pads, sizes=sizes, rest_segments=rest_segments,
            hot_segments=hot_segments, measured=measured, agree=agree, bands=bands, seen=seen,
            units2d=units2d, x_range=(x0, x1),
        )  # fmt: skip

    def select(self, layers, unit: str = "middle") -> list:
        specs = [_spec(layer) for layer in layers]
        if len(specs) > MAX_ROWS:
            raise ValueError(f"layers must hold at most {MAX_ROWS} layers, got {len(specs)}")
        _checks.choice(unit, "unit", PLACES)
        key = (tuple(tuple(sorted(spec.items())) for spec in specs), unit)
        if key not in self._geometry:
            self._geometry[key] = self._compute(specs, unit)
        g = self._geometry[key]
        top, u, nb, sx, centre, n_rows, ys = (
            g[k] for k in ("top", "u", "nb", "sx", "centre", "n_rows", "ys")
        )
        S, r = top.effective_stride, top.size
        self._sizes = g["sizes"]
        dot = max(min(g["sizes"]), 4)
        for scatter, name in (
            (self.units, "points"),
            (self.pads, "pad_points"),
            (self.hot, "hot_points"),
            (self.hot_pads, "hot_pads"),
        ):
            scatter.set_offsets(np.array(g[name]).reshape(-1, 2))
            scatter.set_sizes([dot])
        self.top.set_offsets([[float(sx(centre(n_rows - 1, u))), ys[-1]]])
        self.next_top.set_offsets([[float(sx(centre(n_rows - 1, nb))), ys[-1]]])
        h, w = self.photo.shape

        def span(j):  # input pixels (first, last) of top unit j's field, padding included
            first = j * S - top.effective_padding
            return first, first + r - 1

        a, b = span(u)
        (sr0, sr1), (sc0, sc1) = g["seen"]
        self.pad_line.set_data(sx([a - 0.4, b + 0.4]), [-0.035, -0.035])
        self.span_line.set_data(sx([sc0 - 0.4, sc1 + 0.4]), [-0.035, -0.035])
        na, nb_end = span(nb)
        self.next_line.set_data(sx([na - 0.4, nb_end + 0.4]), [-0.07, -0.07])
        many = len(g["rest_segments"]) + len(g["hot_segments"]) > 4000
        self.rest.set_segments([] if many else g["rest_segments"])
        self.hot_lines.set_segments(g["hot_segments"][:4000])
        cone = g["cone"]
        left = [(float(sx(centre(lv, cone[lv][0]))), ys[lv]) for lv in range(n_rows)]
        right = [(float(sx(centre(lv, cone[lv][1]))), ys[lv]) for lv in range(n_rows)]
        self.cone.set_xy(np.array(left + right[::-1]))
        shown = False
        for band, (p0, p1) in zip(self.pad_bands, g["bands"], strict=True):
            q0, q1 = max(p0, g["x_range"][0]), min(p1, g["x_range"][1])
            if q1 > q0:
                band.set_x(float(sx(q0)))
                band.set_width(float(sx(q1) - sx(q0)))
                band.set_visible(True)
                if not shown:  # between the top two rows, where padding has no lines
                    y = (ys[-1] + ys[-2]) / 2 if n_rows > 1 else 0.5
                    self.pad_label.set_position((float(sx((q0 + q1) / 2)), y))
                    shown = True
            else:
                band.set_visible(False)
        self.pad_label.set_text("outside:\nzeros" if shown else "")
        names = _row_labels(specs)
        for i, label in enumerate(self.labels):
            if i < n_rows:
                label.set_position((-0.03, ys[i]))
                label.set_text(names[i])
                label.set_color(COLORS["input"] if i == 0 else COLORS["text"])
            else:
                label.set_text("")
        inside = sc1 - sc0 + 1
        nb_word = "next" if nb > u else "previous"
        nb_way = "later" if nb > u else "earlier"
        if inside == r:
            sees = f"the top unit sees r = {r} input pixels"
        else:
            sees = f"r = {r}, {r - inside} past the edge: it sees {inside} pixels"
        self.span_text.set_text(f"{sees}; the {nb_word} one (dashed) starts S = {S} {nb_way}")
        # 2-D: the r x r square (its part off the photo is padding), the pixels it sees
        # filled, the neighbour dashed
        ui = g["ui"]
        row_a = span(ui)[0]
        self.box.set_bounds(a - 0.5, row_a - 0.5, r, r)
        self.box_fill.set_bounds(sc0 - 0.5, sr0 - 0.5, sc1 - sc0 + 1, sr1 - sr0 + 1)
        self.next_box.set_bounds(na - 0.5, row_a - 0.5, r, r)
        c0 = (r - 1) / 2 - top.effective_padding
        spots = [(j * S + c0, i * S + c0) for i, j in g["units2d"].values()]
        self.spots.set_offsets(np.reshape(spots if self.pickable else [], (-1, 2)))
        self.spot.set_offsets(
            np.reshape([(u * S + c0, ui * S + c0)] if self.pickable else [], (-1, 2))
        )
        rows_seen, cols_seen = sr1 - sr0 + 1, sc1 - sc0 + 1
        if (rows_seen, cols_seen) != (r, r):
            extra = f"  (this unit: {rows_seen}x{cols_seen} pixels of the photo, the rest padding)"
        elif r > min(h, w):
            extra = "  (more than the photo!)"
        else:
            extra = ""
        self.text.set_text(
            f"{formula_text(specs)}\nmeasured with impulses: r = {g['measured'].size}, "
            f"S = {g['measured'].stride} ({g['agree']}){extra}"
        )
        self.layers, self.unit, self.field = specs, unit, top.field
        self.top_unit = (ui, u)  # (row, col) of the top unit drawn, in the top layer
        self.cone_units = cone
        self.reads = _reads(specs, _level_sizes(specs, w), u)
        self.seen = g["seen"]  # ((first, last) row, (first, last) column) of photo pixels
        return self.artists


# -- effective receptive field ---------------------------------------------------------------
