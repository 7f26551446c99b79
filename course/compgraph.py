"""Computational graphs of lesson 05 drawn with matplotlib: the lecture's figures, with their numbers.

``shopping_graph(1)`` and ``shopping_graph(2)`` draw the apple (and orange) shopping bills,
``sigmoid_graph()`` the sigmoid as its four nodes ×(−1), exp, +1 and /. Every edge shows its
forward value above it (black) and, with ``backward=True``, the derivative of the final result
with respect to that value below it (red, flowing right to left). End a notebook cell with one
to show it: the returned :class:`Drawing` shows itself as a PNG image in any Jupyter front end.

The values are computed here from the closed forms of the lecture's figures (products and sums
of the shopping inputs, the sigmoid's y(1 − y)); no layer class of the lesson is used or given.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle

__all__ = ["Drawing", "Edge", "shopping_graph", "sigmoid_graph"]

FORWARD, BACKWARD = "black", "tab:red"
_RADIUS = 0.32


@dataclass
class Edge:
    """One arrow of a graph: ``source`` → ``target`` carrying ``forward``; ``backward`` flows back along it."""

    source: str
    target: str
    forward: float
    backward: float | None = None
    forward_text: str = ""
    backward_text: str = ""


@dataclass
class Drawing:
    """A drawn graph: its matplotlib ``figure`` and its ``edges`` (the numbers on the arrows)."""

    figure: Figure
    edges: list[Edge] = field(default_factory=list)

    def edge(self, source: str, target: str) -> Edge:
        """Return the edge from ``source`` to ``target``."""
        return next(e for e in self.edges if e.source == source and e.target == target)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        return buffer.getvalue()


def _number(value: float) -> str:
    """A value as the lecture writes it: 3.3 for 3.3000000000000003, 650 for 650.0000000000001."""
    return f"{round(float(value), 9):g}"


def _draw(nodes: dict, edges: list[Edge], title: str, size: tuple[float, float], backward: bool) -> Drawing:
    """Draw ``nodes`` {name: (x, y, label, is_operation)} joined by ``edges`` and return the Drawing."""
    figure = Figure(figsize=size)
    ax = figure.add_axes((0, 0, 1, 0.9))
    for name, (x, y, label, operation) in nodes.items():
        if operation:
            ax.add_patch(Circle((x, y), _RADIUS, facecolor="white", edgecolor="0.2", lw=1.5))
            ax.text(x, y, label, ha="center", va="center", fontsize=13)
        else:
            ax.text(x, y, label, ha="center", va="center", fontsize=11, color="0.25")
    for edge in edges:
        (x0, y0, _, op0), (x1, y1, _, op1) = nodes[edge.source], nodes[edge.target]
        start, end = np.array([x0, y0], float), np.array([x1, y1], float)
        unit = (end - start) / np.linalg.norm(end - start)
        start = start + unit * (_RADIUS if op0 else 0.45)
        end = end - unit * (_RADIUS if op1 else 0.45)
        ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="->", color="0.2", lw=1.3))
        middle = (start + end) / 2
        if abs(unit[0]) >= abs(unit[1]):  # a level arrow: forward above it, backward below
            above, below = dict(ha="center", va="bottom"), dict(ha="center", va="top")
            shift = np.array([0.0, 0.1])
        else:  # a steep arrow: forward to its left, backward to its right
            above, below = dict(ha="right", va="center"), dict(ha="left", va="center")
            shift = np.array([-0.12, 0.0])
        ax.text(*middle + shift, edge.forward_text or _number(edge.forward), fontsize=11, color=FORWARD, **above)
        if backward and edge.backward is not None:
            ax.text(*middle - shift, edge.backward_text or _number(edge.backward), fontsize=11, color=BACKWARD,
                    weight="bold", **below)
    xs = [x for x, *_ in nodes.values()]
    ys = [y for _, y, *_ in nodes.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    legend = "forward values above the arrows" + ("; backward values (red) below them" if backward else "")
    figure.suptitle(f"{title}\n{legend}", fontsize=11)
    return Drawing(figure, edges)


def shopping_graph(problem: int = 2, backward: bool = True, apple: float = 100, apple_num: float = 2,
                   orange: float = 150, orange_num: float = 3, tax: float = 1.1) -> Drawing:
    """Draw the lecture's shopping bill as a graph: problem 1 (apples) or 2 (apples and oranges).

    Forward values from the inputs; backward values start from d(price)/d(price) = 1 at the right
    end. Returns a :class:`Drawing`; its edges are named after the nodes (``"apple"``, ``"×1"`` …).
    """
    if problem not in (1, 2):
        raise ValueError("problem is 1 (apples) or 2 (apples and oranges)")
    apple_price = apple * apple_num
    if problem == 1:
        nodes = {"apple": (0, 1.2, f"apple\n{_number(apple)}", False),
                 "apple_num": (0, -0.8, f"apple_num\n{_number(apple_num)}", False),
                 "×1": (2, 0.2, "×", True),
                 "tax": (2, -1.4, f"tax\n{_number(tax)}", False),
                 "×2": (4, -0.4, "×", True),
                 "price": (6, -0.4, "price", False)}
        price = apple_price * tax
        edges = [Edge("apple", "×1", apple, tax * apple_num),
                 Edge("apple_num", "×1", apple_num, tax * apple),
                 Edge("×1", "×2", apple_price, tax),
                 Edge("tax", "×2", tax, apple_price),
                 Edge("×2", "price", price, 1.0)]
        return _draw(nodes, edges, f"Problem 1: 2 apples and the tax — you pay {_number(price)}",
                     (8.0, 3.6), backward)
    orange_price = orange * orange_num
    all_price = apple_price + orange_price
    price = all_price * tax
    nodes = {"apple": (0, 2.6, f"apple\n{_number(apple)}", False),
             "apple_num": (0, 0.6, f"apple_num\n{_number(apple_num)}", False),
             "×1": (2.2, 1.6, "×", True),
             "orange": (0, -0.4, f"orange\n{_number(orange)}", False),
             "orange_num": (0, -2.4, f"orange_num\n{_number(orange_num)}", False),
             "×2": (2.2, -1.4, "×", True),
             "+": (4.2, 0.2, "+", True),
             "tax": (4.2, -2.6, f"tax\n{_number(tax)}", False),
             "×3": (6.4, -0.5, "×", True),
             "price": (8.4, -0.5, "price", False)}
    edges = [Edge("apple", "×1", apple, tax * apple_num),
             Edge("apple_num", "×1", apple_num, tax * apple),
             Edge("orange", "×2", orange, tax * orange_num),
             Edge("orange_num", "×2", orange_num, tax * orange),
             Edge("×1", "+", apple_price, tax),
             Edge("×2", "+", orange_price, tax),
             Edge("+", "×3", all_price, tax),
             Edge("tax", "×3", tax, all_price),
             Edge("×3", "price", price, 1.0)]
    return _draw(nodes, edges, f"Problem 2: 2 apples, 3 oranges and the tax — you pay {_number(price)}",
                 (10.0, 5.2), backward)


def sigmoid_graph(x: float = 1.0, dout: float = 1.0, backward: bool = True) -> Drawing:
    """Draw y = 1 / (1 + exp(−x)) as the nodes ×(−1), exp, +1 and /, at input ``x``.

    Backward starts from ``dout`` = ∂L/∂y at the right end; each edge shows the formula of its
    backward value and the number at ``x``. The leftmost one is ∂L/∂y · y(1 − y).
    """
    e = float(np.exp(-x))
    y = 1 / (1 + e)
    nodes = {"x": (0, 0, f"x\n{_number(x)}", False),
             "×": (2.2, 0, "×", True),
             "-1": (2.2, -1.6, "−1", False),
             "exp": (4.4, 0, "exp", True),
             "+": (6.6, 0, "+", True),
             "1": (6.6, -1.6, "1", False),
             "/": (8.8, 0, "/", True),
             "y": (11, 0, "y", False)}
    down = -dout * y ** 2  # what the / node sends back: ∂L/∂y · (−1/u²) = −∂L/∂y · y²
    edges = [Edge("x", "×", x, -down * e, forward_text=f"x = {x:.3g}",
                  backward_text=f"∂L/∂y·y²·exp(−x)\n= ∂L/∂y·y(1−y)\n= {-down * e:.4g}"),
             Edge("-1", "×", -1.0, None),
             Edge("×", "exp", -x, down * e, forward_text=f"−x = {-x:.3g}".replace("-", "−"),
                  backward_text=f"−∂L/∂y·y²·exp(−x)\n= {down * e:.4g}"),
             Edge("exp", "+", e, down, forward_text=f"exp(−x)\n= {e:.4g}",
                  backward_text=f"−∂L/∂y·y²\n= {down:.4g}"),
             Edge("1", "+", 1.0, None),
             Edge("+", "/", 1 + e, down, forward_text=f"1 + exp(−x)\n= {1 + e:.4g}",
                  backward_text=f"−∂L/∂y·y²\n= {down:.4g}"),
             Edge("/", "y", y, dout, forward_text=f"y = {y:.4g}", backward_text=f"∂L/∂y = {dout:.3g}")]
    return _draw(nodes, edges, "The sigmoid as a computational graph", (12.5, 3.6), backward)
