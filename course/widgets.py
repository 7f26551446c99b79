"""Interactive explorers for the lessons: activations (03), gradient descent (04), the perceptron (02).

Each explorer is a small object: ``.controls`` (a dict of ipywidgets, set them by
hand or in code), ``.figure`` / ``.axes`` (the matplotlib drawing), ``.verdict``
(the sentence shown under the picture) and the numbers it last computed. Ending
a notebook cell with one shows it::

    from course.widgets import activation_explorer
    activation_explorer()

The explorers do their own arithmetic with closed-form formulas and exact
derivatives, kept private here: nothing in this module is an answer to an
exercise. Every change redraws the figure into a PNG image widget (plain
matplotlib, no extra backend), so the explorers work wherever ipywidgets do.
While a notebook is graded (``COURSE_GRADING=1``) no PNG is made: nothing
could show it there.
"""

from __future__ import annotations

import copy
import io
import os
import time
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course.i18n import N_, _, ngettext

__all__ = [
    "ActivationExplorer", "GradientDescentExplorer", "PerceptronExplorer",
    "activation_explorer", "gradient_descent_explorer", "perceptron_explorer",
]

_DPI = 80
_STYLE = {"description_width": "8.5em"}
_WIDTH = "30em"


def _slider(kind, description, **kwargs):
    # Redraw when a drag ends (or on each arrow-key step), not for every pixel of a drag: a redraw
    # takes about a tenth of a second, and a queue of them would make the picture lag behind the hand.
    # labels and verdicts follow the notebook's language (course.i18n); the figures stay English, since
    # matplotlib's default font has no Hangul
    return kind(description=_(description), style=_STYLE, layout=widgets.Layout(width=_WIDTH),
                continuous_update=False, **kwargs)


def _dropdown(description, options, value):
    """A dropdown; ``options`` are values or (English label, value) pairs, the labels shown translated."""
    # always (label, value) pairs: ipywidgets reads a list that mixes pairs and values as values only
    options = [(_(o[0]), o[1]) if isinstance(o, tuple) else (_(o), o) for o in options]
    return widgets.Dropdown(description=_(description), options=options, value=value, style=_STYLE,
                            layout=widgets.Layout(width=_WIDTH))


def _set_bounds(slider, low, high):
    """Move a slider's range to [low, high] without ever passing through min > max."""
    if low > slider.max:
        slider.max = high
        slider.min = low
    else:
        slider.min = low
        slider.max = high


class _Explorer:
    """Plumbing shared by the explorers: controls, a figure drawn into an image, a verdict line."""

    css_class: str  # names the explorer's box in the page (the browser test finds it by this)

    def __init__(self, controls, figsize, rects, columns=2):
        self.controls = controls
        self.figure = Figure(figsize=figsize, dpi=_DPI)
        # the axes are made once and only their contents redrawn: building axes and ticks anew
        # on every change would cost about a third of each redraw
        for rect in rects:
            self.figure.add_axes(rect)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.message = widgets.HTML()
        self.verdict = ""
        self.png = b""
        self.update_seconds: list[float] = []  # wall time of every redraw, newest last
        self._holding = False
        boxes = list(controls.values())
        half = (len(boxes) + columns - 1) // columns
        panel = widgets.HBox([widgets.VBox(boxes[i:i + half]) for i in range(0, len(boxes), half)])
        self.widget = widgets.VBox([panel, self.image, self.message])
        self.widget.add_class("course-explorer")
        self.widget.add_class(self.css_class)
        for control in controls.values():
            control.observe(self._changed, names="value")

    @property
    def axes(self):
        """The matplotlib axes of the figure, left to right."""
        return self.figure.axes

    @contextmanager
    def _hold(self):
        """Change several controls at once with a single redraw at the end."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def _changed(self, change):
        if not self._holding:
            self.update()

    def update(self):
        """Recompute from the controls' current values and redraw (called on every change)."""
        start = time.perf_counter()
        self._compute()
        for artist in self.figure.texts[:]:
            artist.remove()
        for ax in self.axes:
            for artist in [*ax.lines, *ax.collections, *ax.images, *ax.texts, *ax.patches]:
                artist.remove()
            if ax.get_legend() is not None:
                ax.get_legend().remove()
        self._draw(*self.axes)
        for ax in self.axes:
            ax.relim()
            ax.autoscale_view()  # only where no limits were set in _draw
        # A graded notebook has no browser and keeps only the widget's text: the PNG, four fifths of an
        # explorer's time, would be thrown away
        if os.environ.get("COURSE_GRADING") != "1":
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
            self.png = buffer.getvalue()
            self.image.value = self.png
        self.message.value = f"<div style='font-size:1.05em; max-width:60em'>{self.verdict}</div>"
        self.update_seconds.append(time.perf_counter() - start)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _compute(self):
        raise NotImplementedError

    def _draw(self, *axes):
        raise NotImplementedError


# ---------------------------------------------------------------- activations (lesson 03)

def _sig(x):
    return 1 / (1 + np.exp(-x))


# key: (label, f(x, alpha), f'(x, alpha)); alpha is the leaky slope or ELU's alpha where it applies.
# At the kinks the slope follows the lesson's cases: x <= 0 is the left branch (ELU: x < 0).
_ACTIVATIONS = {
    "step": ("step", lambda x, a: (x > 0).astype(float), lambda x, a: np.zeros_like(x)),
    "sigmoid": ("sigmoid", lambda x, a: _sig(x), lambda x, a: _sig(x) * (1 - _sig(x))),
    "relu": ("ReLU", lambda x, a: np.maximum(0.0, x), lambda x, a: (x > 0).astype(float)),
    "tanh": ("tanh", lambda x, a: np.tanh(x), lambda x, a: 1 - np.tanh(x) ** 2),
    "leaky_relu": ("leaky ReLU", lambda x, a: np.where(x > 0, x, a * x), lambda x, a: np.where(x > 0, 1.0, a)),
    "elu": ("ELU", lambda x, a: np.where(x >= 0, x, a * (np.exp(np.minimum(x, 0)) - 1)),
            lambda x, a: np.where(x >= 0, 1.0, a * np.exp(np.minimum(x, 0)))),
}


def _saturation_note(key, slope, alpha):
    """One sentence: does this activation saturate (slope -> 0), and what that means for learning."""
    if key == "step":
        return _("Flat everywhere: its slope is 0 except at the jump at x = 0, where it has none, so a "
                 "gradient cannot tell the weights which way to move. That is why networks use smooth activations.")
    if key == "sigmoid":
        return _("Saturates on both sides: the slope peaks at 0.25 at x = 0 and here it is {slope:.4f} "
                 "({share:.0%} of the peak); beyond |x| ≈ 5 it is under 0.007, so gradients fade "
                 "layer after layer (vanishing gradients).").format(slope=slope, share=slope / 0.25)
    if key == "tanh":
        return _("Saturates on both sides like sigmoid, but is centred on 0 with slope 1 at x = 0 (four times "
                 "sigmoid's); here the slope is {slope:.4f}, and beyond |x| ≈ 3 it is under 0.01.").format(
                     slope=slope)
    if key == "relu":
        return _("Does not saturate for x > 0: the slope is 1 however large x grows. For x ≤ 0 it is flat "
                 "(slope 0), so a unit stuck there gets no gradient at all (a 'dying ReLU').")
    if key == "leaky_relu":
        if alpha == 0:
            return _("With slope α = 0 this is plain ReLU: flat for x ≤ 0, so a unit there gets no gradient.")
        return _("Never saturates: slope 1 for x > 0 and α = {alpha:g} for x ≤ 0, so no unit ever gets a "
                 "zero gradient — the small leak keeps 'dead' units learning.").format(alpha=alpha)
    return _("No saturation for x > 0 (slope 1). For x < 0 it levels off smoothly at −α = {minus_alpha:g} (slope "
             "α·eˣ → 0 on the far left), which keeps mean outputs near 0 without ReLU's hard corner.").format(
                 minus_alpha=-alpha)


class ActivationExplorer(_Explorer):
    """Plot an activation function and its derivative; mark one input with its value and slope.

    Controls: ``function`` (step, sigmoid, relu, tanh, leaky_relu, elu), ``x_range``
    (the plotted interval), ``leaky_alpha``, ``elu_alpha`` and ``x0`` (the marked input).
    After each change: ``x`` (the plotted grid), ``y`` and ``dy`` (function and
    derivative on it), ``value`` and ``slope`` at ``x0``, and ``verdict``.
    """

    css_class = "course-activation-explorer"

    def __init__(self, function="sigmoid"):
        controls = {
            "function": _dropdown("function", [(v[0], k) for k, v in _ACTIVATIONS.items()], function),
            "x_range": _slider(widgets.FloatRangeSlider, "input range", value=(-5.0, 5.0), min=-10.0, max=10.0,
                               step=0.5, readout_format=".1f"),
            "x0": _slider(widgets.FloatSlider, "marked input x", value=1.0, min=-5.0, max=5.0, step=0.1),
            "leaky_alpha": _slider(widgets.FloatSlider, "leaky slope α", value=0.1, min=0.0, max=0.5, step=0.01),
            "elu_alpha": _slider(widgets.FloatSlider, "ELU α", value=1.0, min=0.0, max=2.0, step=0.1),
        }
        super().__init__(controls, figsize=(9.0, 3.6), rects=[(0.07, 0.14, 0.6, 0.78)])
        controls["x_range"].observe(self._follow_range, names="value")
        self.update()

    def _follow_range(self, change):
        # the marked input stays inside the plotted range
        with self._hold():
            _set_bounds(self.controls["x0"], *change["new"])
        self.update()

    def _compute(self):
        c = {k: w.value for k, w in self.controls.items()}
        self.key = c["function"]
        self.alpha = c["leaky_alpha"] if self.key == "leaky_relu" else c["elu_alpha"] if self.key == "elu" else None
        self.controls["leaky_alpha"].disabled = self.key != "leaky_relu"
        self.controls["elu_alpha"].disabled = self.key != "elu"
        label, f, df = _ACTIVATIONS[self.key]
        low, high = c["x_range"]
        self.x = np.linspace(low, high, 401)
        self.y = f(self.x, self.alpha)
        self.dy = df(self.x, self.alpha)
        self.x0 = float(c["x0"])
        self.value = float(f(np.array(self.x0), self.alpha))
        self.slope = float(df(np.array(self.x0), self.alpha))
        slope_text = _("none (the jump)") if self.key == "step" and self.x0 == 0 else f"{self.slope:.4f}"
        self.verdict = (_("<b>{label}</b> at x = {x:g}: value {value:.4f}, slope {slope}.").format(
            label=label, x=self.x0, value=self.value, slope=slope_text) + " "
            + _saturation_note(self.key, self.slope, self.alpha))

    def _draw(self, ax):
        label = _ACTIVATIONS[self.key][0]
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.plot(self.x, self.y, color="tab:blue", lw=2, label="f(x)")
        ax.plot(self.x, self.dy, color="tab:orange", lw=1.5, ls="--", label="f'(x)")
        # the tangent at the marked input shows its slope
        half = 0.1 * (self.x[-1] - self.x[0])
        t = np.array([self.x0 - half, self.x0 + half])
        ax.plot(t, self.value + self.slope * (t - self.x0), color="tab:red", lw=1.2, label="tangent")
        ax.plot([self.x0], [self.value], "o", color="tab:red", ms=7, label="marked input")
        ax.plot([self.x0], [self.slope], "s", color="tab:orange", ms=6)
        ax.set_xlim(self.x[0], self.x[-1])
        ax.set_xlabel("x")
        ax.set_title(f"{label} and its derivative", fontsize=11)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=9)
        self.figure.text(0.71, 0.7, f"x = {self.x0:g}\nf(x) = {self.value:.4f}\nf'(x) = {self.slope:.4f}",
                         fontsize=12, family="monospace", va="top")


def activation_explorer(function="sigmoid"):
    """Return an :class:`ActivationExplorer` (show it by ending a cell with it)."""
    return ActivationExplorer(function)


# ---------------------------------------------------------------- gradient descent (lesson 04)

def _two_minima_stationary():
    roots = np.roots([4.0, 0.0, -8.0, 1.0])  # f'(x) = 4x³ − 8x + 1
    return sorted(r.real for r in roots if 12 * r.real ** 2 - 8 > 0)  # minima: f'' > 0


# key: label, f, exact gradient, dimension, domain (per axis), minima, presets for the controls
_LANDSCAPES = {
    "quadratic": dict(
        label=N_("0.01x² + 0.1x (lecture)"), dim=1, domain=(-25.0, 15.0),
        f=lambda p: 0.01 * p[..., 0] ** 2 + 0.1 * p[..., 0], grad=lambda p: 0.02 * p + 0.1,
        minima=[np.array([-5.0])], preset=dict(lr=10.0, steps=50, start=10.0, start_x1=0.0)),
    "two_minima": dict(
        label=N_("x⁴ − 4x² + x (two minima)"), dim=1, domain=(-2.5, 2.5),
        f=lambda p: p[..., 0] ** 4 - 4 * p[..., 0] ** 2 + p[..., 0], grad=lambda p: 4 * p ** 3 - 8 * p + 1,
        minima=[np.array([m]) for m in _two_minima_stationary()],
        preset=dict(lr=0.01, steps=50, start=2.0, start_x1=0.0)),
    "bowl": dict(
        label=N_("x0² + x1² (2-D bowl)"), dim=2, domain=(-4.5, 4.5),
        f=lambda p: p[..., 0] ** 2 + p[..., 1] ** 2, grad=lambda p: 2 * p,
        minima=[np.array([0.0, 0.0])], preset=dict(lr=0.1, steps=20, start=-3.0, start_x1=4.0)),
    # the book's surface for comparing optimizers: 20 times steeper along x1 than along x0
    "elongated": dict(
        label=N_("x0²/20 + x1² (elongated bowl)"), dim=2, domain=(-10.0, 10.0),
        f=lambda p: p[..., 0] ** 2 / 20 + p[..., 1] ** 2, grad=lambda p: p * np.array([0.1, 2.0]),
        minima=[np.array([0.0, 0.0])], preset=dict(lr=0.9, steps=30, start=-7.0, start_x1=2.0)),
}

PLAIN = N_("plain gradient descent")  # the explorer's own choice; the others are the student's optimizers


def _steps(n):
    return ngettext("{n} step", "{n} steps", n).format(n=n)


_FAR = 1e8  # a run whose |x| passes this has diverged beyond doubt: stop it there


def _descend(grad, start, lr, steps, momentum):
    """Follow v ← momentum·v − lr·∇f(x), x ← x + v; return every point visited (start first).

    Stops early, after the first point with some |x| > _FAR, so that the losses stay finite.
    """
    x = np.array(start, dtype=float)
    v = np.zeros_like(x)
    path = [x.copy()]
    for _step in range(steps):
        v = momentum * v - lr * grad(x)
        x = x + v
        path.append(x.copy())
        if np.max(np.abs(x)) > _FAR:
            break
    return np.array(path)


def _make_optimizer(choice, lr):
    """A fresh optimizer from the student's ``choice``: a class (called with ``lr=lr``) or an object (copied)."""
    if isinstance(choice, type) or not hasattr(choice, "update"):
        return choice(lr=lr)
    return copy.deepcopy(choice)  # an object's own state and lr: each run starts from the same one


def _optimize(optimizer, grad, start, steps):
    """Follow the student's ``optimizer.update({"x": x}, {"x": ∇f(x)})``; return every point visited.

    The point lives in a dict of one array, updated in place, as a network's params are.
    Stops early, as :func:`_descend` does, past |x| > _FAR or at a point that is not finite.
    """
    params = {"x": np.array(start, dtype=float)}
    path = [params["x"].copy()]
    for _step in range(steps):
        optimizer.update(params, {"x": grad(params["x"].copy())})
        path.append(np.array(params["x"], dtype=float).copy())
        if not np.all(np.isfinite(path[-1])) or np.max(np.abs(path[-1])) > _FAR:
            break
    return np.array(path)


class GradientDescentExplorer(_Explorer):
    """Run gradient descent (with optional momentum) on a small landscape and draw its path and loss.

    Controls: ``function`` (quadratic, two_minima, bowl, elongated), ``lr`` (log scale),
    ``steps``, ``start`` (x, or x0 on the 2-D ones), ``start_x1`` (2-D only) and
    ``momentum``; with ``optimizers`` ({name: class or object}, your own from lesson 05, each
    with ``update(params, grads)``) also ``optimizer``: plain gradient descent (this module's,
    with the momentum slider) or one of yours, built as ``cls(lr=lr)`` from the learning-rate
    slider (an object is copied and keeps its own lr). Choosing a function loads its presets. After each change:
    ``path`` (every point visited, start first, shape ``(k + 1, dim)``),
    ``losses`` (f at each point), ``outcome`` (``"converged"``, ``"local minimum"``,
    ``"on its way"``, ``"zig-zag"``, ``"too small"`` or ``"too large"``) and ``verdict``.
    """

    css_class = "course-gradient-descent-explorer"

    def __init__(self, function="quadratic", optimizers=None):
        preset = _LANDSCAPES[function]["preset"]
        low, high = _LANDSCAPES[function]["domain"]
        self.optimizers = dict(optimizers or {})
        for name, choice in self.optimizers.items():
            if not (callable(choice) or hasattr(choice, "update")):
                raise TypeError(f"optimizers[{name!r}] should be an optimizer class or an object with update()")
        controls = {
            "function": _dropdown("function", [(v["label"], k) for k, v in _LANDSCAPES.items()], function),
            "lr": _slider(widgets.FloatLogSlider, "learning rate", value=preset["lr"], base=10, min=-3, max=3,
                          step=0.1, readout_format=".3g"),
            "steps": _slider(widgets.IntSlider, "steps", value=preset["steps"], min=1, max=200),
            "start": _slider(widgets.FloatSlider, "start x (x0)", value=preset["start"], min=low, max=high,
                             step=0.1),
            "start_x1": _slider(widgets.FloatSlider, "start x1 (bowl)", value=preset["start_x1"], min=-4.5,
                                max=4.5, step=0.1),
            "momentum": _slider(widgets.FloatSlider, "momentum", value=0.0, min=0.0, max=0.99, step=0.01),
        }
        if self.optimizers:
            controls["optimizer"] = _dropdown("optimizer", [PLAIN, *self.optimizers], PLAIN)
        super().__init__(controls, figsize=(9.5, 3.6), rects=[(0.07, 0.15, 0.5, 0.75), (0.66, 0.15, 0.32, 0.75)])
        controls["function"].observe(self._load_preset, names="value")
        self.update()

    def _load_preset(self, change):
        land = _LANDSCAPES[change["new"]]
        with self._hold():
            _set_bounds(self.controls["start"], *land["domain"])
            for name, value in land["preset"].items():
                self.controls[name].value = value
            self.controls["momentum"].value = 0.0
        self.update()

    def _compute(self):
        c = {k: w.value for k, w in self.controls.items()}
        self.land = land = _LANDSCAPES[c["function"]]
        self.controls["start_x1"].disabled = land["dim"] == 1
        start = [c["start"], c["start_x1"]][:land["dim"]]
        self.lr, self.momentum, self.steps = float(c["lr"]), float(c["momentum"]), int(c["steps"])
        self.optimizer = c.get("optimizer", PLAIN)
        self.controls["momentum"].disabled = self.optimizer != PLAIN
        self.error = None
        if self.optimizer == PLAIN:
            self.path = _descend(land["grad"], start, self.lr, self.steps, self.momentum)
        else:
            try:
                optimizer = _make_optimizer(self.optimizers[self.optimizer], self.lr)
                self.path = _optimize(optimizer, land["grad"], start, self.steps)
            except Exception as exc:  # the student's class: say what it raised instead of breaking the widget
                self.error = f"{type(exc).__name__}: {exc}"
                self.path = np.array([start], dtype=float)
        self.losses = land["f"](self.path)
        if self.error is not None:
            self.outcome = "error"
            self.verdict = _("<b>Your {optimizer} raised {error}</b> — fix it, run its cell, then try again.").format(
                optimizer=self.optimizer, error=self.error)
            return
        self.outcome, self.verdict = self._judge()
        if self.optimizer != PLAIN:
            self.verdict = f"[{self.optimizer}] " + self.verdict

    def _judge(self):
        """Classify the run in plain words, as the lecture's pictures of good and bad step sizes do."""
        land, path, losses = self.land, self.path, self.losses
        done = len(path) - 1
        minima = land["minima"]
        best = min(minima, key=lambda m: float(land["f"](m)))
        nearest = min(minima, key=lambda m: float(np.linalg.norm(path[-1] - m)))
        distance = np.linalg.norm(path - nearest, axis=1)
        where = ", ".join(f"{v:.3f}" for v in nearest)
        if not np.all(np.isfinite(losses)):
            return "too large", _("<b>The run broke down:</b> after {steps} x is not a number (nan or inf). "
                                  "Lower the learning rate, or look for a division by 0 in the update.").format(
                                      steps=_steps(done))
        if done < self.steps or losses[-1] > losses[0] + 1e-12:
            how = (_("after {steps} x was past ±10⁸, so the run stopped there").format(steps=_steps(done))
                   if done < self.steps else
                   _("the loss grew from {first:.3g} to {last:.3g}").format(first=losses[0], last=losses[-1]))
            return "too large", _("<b>Too large a step: it diverges.</b> Each step overshoots the minimum and lands "
                                  "higher up the other side; {how}. Lower the learning rate.").format(how=how)
        # "arrived" means within 1% of the plotted width of a minimum
        close = distance < 0.01 * (land["domain"][1] - land["domain"][0])
        if close[-1]:
            far = np.flatnonzero(~close)
            first = int(far[-1]) + 1 if far.size else 0  # from here on it stayed close
            if nearest is not best:
                return "local minimum", _(
                    "<b>Stuck in a local minimum</b> at x ≈ {where} (loss {loss:.3f}) after {steps}; "
                    "the global minimum is at x ≈ {best:.3f} (loss {best_loss:.3f}). "
                    "Try momentum or another start.").format(where=where, loss=losses[-1], steps=_steps(first),
                                                              best=best[0], best_loss=float(land["f"](best)))
            return "converged", _("<b>Converged</b> to the minimum at ({where}) in {steps} (loss {loss:.4f}).").format(
                where=where, steps=_steps(first), loss=losses[-1])
        target = float(land["f"](nearest))
        covered = (losses[0] - losses[-1]) / (losses[0] - target) if losses[0] > target else 1.0
        moves = np.diff(path, axis=0)
        zigzag = len(moves) > 2 and np.mean(np.sum(moves[1:] * moves[:-1], axis=1) < 0) > 0.5
        if zigzag and covered < 0.5:
            return "too large", _("<b>Too large a step: it bounces.</b> Each step jumps across the valley and lands "
                                  "about as high on the other side; after {done} steps the loss has come down only "
                                  "{covered:.1%} of the way. Lower the learning rate.").format(
                                      done=done, covered=covered)
        if zigzag and self.momentum == 0:
            return "zig-zag", _("<b>Close to too large:</b> each step jumps across the valley and back (zig-zag); "
                                "after {done} steps x is still {distance:.3g} from the minimum.").format(
                                    done=done, distance=distance[-1])
        if covered < 0.5:
            return "too small", _("<b>Too small a step: it stalls.</b> After {done} steps the loss has come down "
                                  "only {covered:.1%} of the way to the minimum at ({where}). Raise the learning "
                                  "rate (or take many more steps).").format(done=done, covered=covered, where=where)
        return "on its way", _("<b>On its way:</b> after {done} steps x is {distance:.3g} from the minimum at "
                               "({where}); more steps or a larger rate would finish.").format(
                                   done=done, distance=distance[-1], where=where)

    def _draw(self, ax, loss_ax):
        land, path = self.land, self.path
        low, high = land["domain"]
        if land["dim"] == 1:
            grid = np.linspace(low, high, 400)
            curve = land["f"](grid[:, None])
            ax.plot(grid, curve, color="0.3", lw=1.5, label="f(x)")
            ax.plot(path[:, 0], self.losses, "o-", color="tab:red", ms=3, lw=1, label="path")
            pad = 0.08 * (curve.max() - curve.min())
            ax.set_ylim(curve.min() - pad, curve.max() + pad)
            ax.set_aspect("auto")
            ax.set_xlabel("x")
            ax.set_ylabel("f(x)")
        else:
            g = np.linspace(low, high, 81)
            X0, X1 = np.meshgrid(g, g)
            ax.contour(X0, X1, land["f"](np.stack([X0, X1], axis=-1)), levels=12, colors="0.6", linewidths=0.8)
            ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", ms=3, lw=1, label="path")
            ax.set_ylim(low, high)
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel("x0")
            ax.set_ylabel("x1")
        ax.plot(*(path[0] if land["dim"] == 2 else (path[0, 0], self.losses[0])), "s", color="tab:green", ms=7,
                label="start")
        ax.set_xlim(low, high)
        ax.set_title(land["label"], fontsize=10)
        ax.legend(loc="upper right", fontsize=8)
        loss_ax.plot(np.arange(len(self.losses)), self.losses, "o-", color="tab:blue", ms=2, lw=1, label="loss")
        loss_ax.set_yscale("linear")
        if np.max(np.abs(self.losses)) > 1e3:  # a diverging run spans many orders of magnitude
            loss_ax.set_yscale("log" if np.min(self.losses) > 0 else "symlog")
            loss_ax.locator_params(axis="y", numticks=6)
        loss_ax.set_xlabel("step")
        how = f"momentum = {self.momentum:g}" if self.optimizer == PLAIN else self.optimizer
        loss_ax.set_title(f"loss per step (lr = {self.lr:.3g}, {how})", fontsize=10)
        loss_ax.grid(alpha=0.3)


def gradient_descent_explorer(function="quadratic", optimizers=None):
    """Return a :class:`GradientDescentExplorer` (show it by ending a cell with it).

    ``optimizers``: optional {name: your optimizer class or object} to choose from besides plain
    gradient descent, e.g. ``{"SGD": SGD, "Adam": Adam}`` from lesson 05.
    """
    return GradientDescentExplorer(function, optimizers)


# ---------------------------------------------------------------- perceptron (lesson 02)

_POINTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
_TRUTH = {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
_XOR_PROOF = N_("<br><b>No setting realises XOR.</b> (1, 0) and (0, 1) need w1 + b &gt; 0 and w2 + b &gt; 0, "
                "which add up to w1 + w2 + 2b &gt; 0; (0, 0) needs b ≤ 0, so w1 + w2 + b &gt; −b ≥ 0 and (1, 1) "
                "fires too. One straight line cannot split XOR's points: it takes two layers, XOR = AND(NAND, OR).")


class PerceptronExplorer(_Explorer):
    """Move a perceptron's line y = [w1·x1 + w2·x2 + b > 0] over the four inputs of a logic gate.

    Controls: ``gate`` (AND, NAND, OR, XOR), ``w1``, ``w2``, ``b``. After each
    change: ``outputs`` and ``targets`` (one 0/1 per input (0,0), (1,0), (0,1),
    (1,1)), ``realised`` (True when they agree) and ``verdict``. A point exactly
    on the line gives 0, as in the lesson's formula.
    """

    css_class = "course-perceptron-explorer"

    def __init__(self, gate="AND"):
        controls = {
            "gate": _dropdown("gate", list(_TRUTH), gate),
            "w1": _slider(widgets.FloatSlider, "w1", value=0.5, min=-1.5, max=1.5, step=0.05),
            "w2": _slider(widgets.FloatSlider, "w2", value=0.5, min=-1.5, max=1.5, step=0.05),
            "b": _slider(widgets.FloatSlider, "b (bias)", value=-0.2, min=-1.5, max=1.5, step=0.05),
        }
        super().__init__(controls, figsize=(7.5, 3.6), rects=[(0.08, 0.13, 0.42, 0.8)])
        self.update()

    def _compute(self):
        c = {k: w.value for k, w in self.controls.items()}
        self.gate, self.w, self.b = c["gate"], np.array([c["w1"], c["w2"]], dtype=float), float(c["b"])
        # sliders send values like 0.35000000000000003: round so that a point on the line counts as on it
        self.sums = np.round(_POINTS @ self.w + self.b, 9)
        self.outputs = [int(s > 0) for s in self.sums]
        self.targets = list(_TRUTH[self.gate])
        self.realised = self.outputs == self.targets
        weights = f"w1 = {self.w[0]:g}, w2 = {self.w[1]:g}, b = {self.b:g}"
        if self.realised:
            self.verdict = _("<b>✓ {weights} realise {gate}</b>: every input lands on its side of the line.").format(
                weights=weights, gate=self.gate)
        else:
            wrong = [_("({x1}, {x2}) gives {out} but {gate} wants {want}").format(
                         x1=p[0], x2=p[1], out=o, gate=self.gate, want=t)
                     for p, o, t in zip(_POINTS, self.outputs, self.targets) if o != t]
            self.verdict = (_("<b>✗ {weights} do not realise {gate}</b>: {wrong}. b shifts the line, w1 and w2 turn "
                              "it.").format(weights=weights, gate=self.gate, wrong="; ".join(wrong)))
        if self.gate == "XOR":
            self.verdict += _(_XOR_PROOF)

    def _draw(self, ax):
        lo, hi = -0.5, 1.5
        g = np.linspace(lo, hi, 121)
        X1, X2 = np.meshgrid(g, g)
        fires = (np.round(self.w[0] * X1 + self.w[1] * X2 + self.b, 9) > 0).astype(float)
        ax.imshow(fires, extent=(lo, hi, lo, hi), origin="lower", cmap="Blues", vmin=0, vmax=3, alpha=0.9)
        self.line = self._line(lo, hi)
        if self.line is not None:
            ax.plot(*self.line, color="tab:blue", lw=2, label="decision line")
        for p, o, t in zip(_POINTS, self.outputs, self.targets):
            ax.plot(*p, "o", ms=14, mec="black", mfc="black" if t else "white", mew=1.5)
            if o != t:
                ax.plot(*p, "o", ms=22, mfc="none", mec="tab:red", mew=2)
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_title(f"{self.gate}: shaded side outputs 1", fontsize=10)
        fig = self.figure
        rows = "\n".join(f"({p[0]}, {p[1]})  {s:+.2f}   {o}     {t}"
                         for p, s, o, t in zip(_POINTS, self.sums, self.outputs, self.targets))
        fig.text(0.55, 0.9, "x1 x2   w·x+b  out  want\n" + rows, family="monospace", fontsize=10, va="top")
        fig.text(0.55, 0.42, "● wants 1   ○ wants 0\nred ring: wrong side", fontsize=9, va="top")
        fig.text(0.55, 0.18, "realised ✓" if self.realised else "not realised ✗", fontsize=13,
                 color="tab:green" if self.realised else "tab:red", weight="bold")

    def _line(self, lo, hi):
        """Two points of w1·x1 + w2·x2 + b = 0 spanning the view, or None when w = 0 (no line)."""
        w1, w2 = self.w
        if abs(w2) > 1e-12:
            x1 = np.array([lo, hi])
            return x1, -(w1 * x1 + self.b) / w2
        if abs(w1) > 1e-12:
            return np.full(2, -self.b / w1), np.array([lo, hi])
        return None


def perceptron_explorer(gate="AND"):
    """Return a :class:`PerceptronExplorer` (show it by ending a cell with it)."""
    return PerceptronExplorer(gate)
