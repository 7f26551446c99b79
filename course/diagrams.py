"""Pictures of the lectures' figures, drawn with matplotlib (nothing is downloaded).

* :func:`network_diagram`: the lecture's 2-3-2-2 network with the names of its weights (lesson 03);
* :func:`maxout_diagram`: the linear pieces of a maxout unit and their maximum (lesson 03);
* :func:`dot_box_diagram`: the matrix dot-product box diagram of *Deep Learning with Python*,
  figure 2.5 (lesson 06).

Each function draws on the axes it is given (or on a new figure) and returns the figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

HIGHLIGHT = "tab:red"
PLAIN = "0.75"


def _axes(ax, size):
    if ax is None:
        fig, ax = plt.subplots(figsize=size)
    return ax.figure, ax


def _node(ax, x, y, text, radius, color="white"):
    ax.add_patch(Circle((x, y), radius, facecolor=color, edgecolor="black", zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=11, zorder=4)


def _edge(ax, start, end, radius, color, width, label=None, label_at=0.3):
    (x0, y0), (x1, y1) = start, end
    length = np.hypot(x1 - x0, y1 - y0)
    dx, dy = (x1 - x0) / length * radius, (y1 - y0) / length * radius
    ax.add_patch(FancyArrowPatch((x0 + dx, y0 + dy), (x1 - dx, y1 - dy), arrowstyle="-|>", mutation_scale=10,
                                 color=color, linewidth=width, zorder=2))
    if label:
        lx, ly = x0 + (x1 - x0) * label_at, y0 + (y1 - y0) * label_at
        ax.text(lx, ly + 0.12, label, color=color, fontsize=10, ha="center", va="bottom", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85})


def network_diagram(sizes=(2, 3, 2, 2), ax=None):
    """Draw a fully connected network with layer sizes ``sizes`` (the lecture's 2-3-2-2 by default).

    Every unit receives an arrow from every unit of the layer before and from a bias node "1".
    The arrows into the first unit of each layer are highlighted and named as in the lecture:
    $w^{(l)}_{1j}$ goes to unit 1 of layer $(l)$ from unit $j$ of the layer before, $b^{(l)}_1$ is
    its bias. Under each gap the matrices of that layer are named with their shapes:
    ``W1`` is (sizes[0] × sizes[1]), ``b1`` has sizes[1] entries, and so on. Returns the figure.
    """
    fig, ax = _axes(ax, (2.0 * len(sizes), 5.0))
    radius, gap = 0.28, 1.1
    columns = [3.0 * i for i in range(len(sizes))]
    tops = [max(sizes) / 2 * gap] * len(sizes)

    def position(layer, unit):
        return columns[layer], (sizes[layer] - 1) / 2 * gap - unit * gap

    names = ["x"] + [f"a^{{({layer})}}" for layer in range(1, len(sizes) - 1)] + ["y"]
    for layer in range(1, len(sizes)):
        bias = (columns[layer - 1], -(max(sizes) / 2 + 0.6) * gap)
        _node(ax, *bias, "1", radius * 0.8, color="0.92")
        for unit in range(sizes[layer]):
            first = unit == 0
            color, width = (HIGHLIGHT, 1.6) if first else (PLAIN, 1.0)
            for source in range(sizes[layer - 1]):
                label = f"$w^{{({layer})}}_{{1{source + 1}}}$" if first else None
                _edge(ax, position(layer - 1, source), position(layer, unit), radius, color, width, label,
                      label_at=0.22 + 0.16 * source)
            _edge(ax, bias, position(layer, unit), radius * 0.8, color, width,
                  f"$b^{{({layer})}}_1$" if first else None, label_at=0.3)
        ax.text((columns[layer - 1] + columns[layer]) / 2, -(max(sizes) / 2 + 1.5) * gap,
                f"W{layer}: {sizes[layer - 1]}×{sizes[layer]},  b{layer}: {sizes[layer]}",
                ha="center", fontsize=10, family="monospace")
    for layer, size in enumerate(sizes):
        for unit in range(size):
            name = names[layer]
            text = f"${name[0]}_{unit + 1}$" if len(name) == 1 else f"${name}_{unit + 1}$"
            _node(ax, *position(layer, unit), text, radius)
        title = "input" if layer == 0 else "output" if layer == len(sizes) - 1 else f"layer {layer}"
        ax.text(columns[layer], tops[layer] + 0.3, f"{title}\n({size} units)", ha="center", fontsize=10)
    ax.set_xlim(columns[0] - 0.8, columns[-1] + 0.8)
    ax.set_ylim(-(max(sizes) / 2 + 2.0) * gap, tops[0] + 1.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"the {'-'.join(map(str, sizes))} network: a = z·W + b at every layer", fontsize=11)
    return fig


def maxout_diagram(maxout, W, b, x_range=(-3.0, 3.0), ax=None, title=None):
    """Draw the pieces of a maxout unit with one input and one output, and the maximum your ``maxout`` computes.

    ``maxout(x, W, b)`` is the lesson's function; ``W`` has shape (k, 1, 1) and ``b`` shape (k, 1): k
    linear pieces $w_i x + b_i$. The pieces are drawn dashed and ``maxout`` of a batch of inputs
    (shape (n, 1)) as a thick line, which should run along the highest piece everywhere. Returns the figure.
    """
    fig, ax = _axes(ax, (4.5, 3.4))
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    x = np.linspace(*x_range, 201)
    for i in range(len(W)):
        w_i, b_i = W[i, 0, 0], b[i, 0]
        ax.plot(x, w_i * x + b_i, "--", linewidth=1, label=f"piece {i + 1}: {w_i:g}·x {'+' if b_i >= 0 else '−'} {abs(b_i):g}")
    ax.plot(x, np.asarray(maxout(x.reshape(-1, 1), W, b)).reshape(-1), color="black", linewidth=2.5, alpha=0.7,
            label="maxout(x, W, b)")
    ax.axhline(0, color="gray", linewidth=0.5)
    ax.axvline(0, color="gray", linewidth=0.5)
    ax.set_xlabel("x")
    ax.legend(fontsize=8, loc="best")
    ax.set_title(title or f"maxout of {len(W)} pieces", fontsize=10)
    return fig


def _grid(ax, left, bottom, rows, cols, cell, highlight_rows=(), highlight_cols=(), label=""):
    for r in range(rows):
        for c in range(cols):
            on = r in highlight_rows or c in highlight_cols
            ax.add_patch(Rectangle((left + c * cell, bottom + (rows - 1 - r) * cell), cell, cell,
                                   facecolor=HIGHLIGHT if on else "white", alpha=0.55 if on else 1.0,
                                   edgecolor="black", linewidth=0.8))
    ax.text(left + cols * cell / 2, bottom + rows * cell + 0.15, label, ha="center", va="bottom", fontsize=11)


def dot_box_diagram(x_shape=(3, 4), y_shape=(4, 2), entry=(1, 0), ax=None):
    """Draw the box diagram of ``z = np.dot(x, y)`` for 2-D ``x`` and ``y`` (Deep Learning with Python, fig. 2.5).

    ``x`` of shape (a, b) sits left of the result ``z`` (a, c), ``y`` of shape (b, c) above it, so
    that a row of ``x`` and a column of ``y`` meet in one entry of ``z``. The row ``entry[0]`` of
    ``x``, the column ``entry[1]`` of ``y`` and the entry ``z[entry]`` are highlighted; the sizes that
    must agree (x.shape[1] == y.shape[0]) are marked. Raises ValueError when they do not agree.
    Returns the figure.
    """
    (a, b_x), (b_y, c) = x_shape, y_shape
    if b_x != b_y:
        raise ValueError(f"x.shape[1] = {b_x} and y.shape[0] = {b_y} differ: np.dot(x, y) is not defined")
    i, j = entry
    fig, ax = _axes(ax, (6, 5.5))
    cell, space = 0.5, 0.6
    x_left, z_left = 0.0, b_x * cell + space
    z_bottom, y_bottom = 0.0, a * cell + space
    _grid(ax, x_left, z_bottom, a, b_x, cell, highlight_rows=(i,), label=f"x: ({a}, {b_x})")
    _grid(ax, z_left, y_bottom, b_y, c, cell, highlight_cols=(j,), label=f"y: ({b_y}, {c})")
    _grid(ax, z_left, z_bottom, a, c, cell, label=f"z: ({a}, {c})")
    ax.add_patch(Rectangle((z_left + j * cell, z_bottom + (a - 1 - i) * cell), cell, cell, facecolor=HIGHLIGHT,
                           edgecolor="black", linewidth=2))
    ax.annotate("", xy=(z_left + j * cell + 0.05, z_bottom + (a - 0.5 - i) * cell),
                xytext=(x_left + b_x * cell, z_bottom + (a - 0.5 - i) * cell),
                arrowprops={"arrowstyle": "-|>", "color": HIGHLIGHT, "linewidth": 1.5})
    ax.annotate("", xy=(z_left + (j + 0.5) * cell, z_bottom + (a - i) * cell - 0.05),
                xytext=(z_left + (j + 0.5) * cell, y_bottom),
                arrowprops={"arrowstyle": "-|>", "color": HIGHLIGHT, "linewidth": 1.5})
    ax.text(x_left + b_x * cell / 2, z_bottom - 0.3, f"x.shape[1] = {b_x}", ha="center", va="top", fontsize=10)
    ax.text(z_left - 0.15, y_bottom + b_y * cell / 2, f"y.shape[0] = {b_y}", ha="right", va="center", fontsize=10)
    ax.text(z_left + c * cell + 0.2, z_bottom + (a - 0.5 - i) * cell,
            f"z[{i}, {j}] = dot(x[{i}, :], y[:, {j}])", ha="left", va="center", fontsize=10, color=HIGHLIGHT)
    ax.set_xlim(-0.3, z_left + c * cell + 3.6)
    ax.set_ylim(z_bottom - 0.8, y_bottom + b_y * cell + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("z = np.dot(x, y): each row of x meets each column of y", fontsize=11)
    return fig
