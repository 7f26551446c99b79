"""course.widgets, headless: set each explorer's controls in code and check what it computed and drew.

Every number is checked against the reference package (autograder/reference) or
against a closed form written here, never against the widget's own formulas.
The browser half of the story is tests/test_widgets_browser.py.
"""

import json
import statistics

import numpy as np
import pytest

from autograder.reference import forward_propagation as fp
from autograder.reference import loss_and_gradients as lg
from autograder.reference import perceptron as pc
from conftest import ASSIGNMENTS, ROOT
from test_hidden_tests import graded_names
from course import widgets

# Every graded name of the lessons (read from their hidden test cells): none may be a public name of
# course.widgets.
GRADED = {name for assignment in ASSIGNMENTS for _, name in graded_names(assignment)}
ACTIVATIONS = {"step": fp.step_function, "sigmoid": fp.sigmoid, "relu": fp.relu, "tanh": fp.tanh,
               "leaky_relu": fp.leaky_relu, "elu": fp.elu}
# The landscapes as the reference's gradient_descent wants them: f of a NumPy array.
LANDSCAPES = {
    "quadratic": lambda x: 0.01 * x[0] ** 2 + 0.1 * x[0],
    "two_minima": lambda x: x[0] ** 4 - 4 * x[0] ** 2 + x[0],
    "bowl": lambda x: x[0] ** 2 + x[1] ** 2,
}
TRUTH_INPUTS = [(0, 0), (1, 0), (0, 1), (1, 1)]
GATES = {"AND": pc.AND, "NAND": pc.NAND, "OR": pc.OR, "XOR": pc.XOR}


def line(ax, label):
    """Return (x, y) data of the line labelled ``label`` in ``ax``."""
    found = [ln for ln in ax.lines if ln.get_label() == label]
    assert len(found) == 1, f"expected one line labelled {label!r}, found {[ln.get_label() for ln in ax.lines]}"
    return np.asarray(found[0].get_xdata(), float), np.asarray(found[0].get_ydata(), float)


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# ------------------------------------------------------------------ no answers handed out

def test_no_graded_name_is_public():
    public = {name for name in dir(widgets) if not name.startswith("_")}
    leaked = {name for name in public if name in GRADED or name.lower() in {g.lower() for g in GRADED}}
    assert not leaked, f"course.widgets exposes graded names: {sorted(leaked)}"
    assert set(widgets.__all__) == {"ActivationExplorer", "GradientDescentExplorer", "PerceptronExplorer",
                                    "activation_explorer", "gradient_descent_explorer", "perceptron_explorer"}


def test_explorers_show_as_widgets():
    for explorer in (widgets.activation_explorer(), widgets.gradient_descent_explorer(),
                     widgets.perceptron_explorer()):
        bundle = explorer._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert explorer.png.startswith(b"\x89PNG") and explorer.image.value == explorer.png


def test_a_graded_explorer_computes_but_makes_no_picture(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")
    explorer = widgets.perceptron_explorer("AND")
    explorer.controls["b"].value = -0.7
    assert explorer.realised and "AND" in explorer.verdict and "realise" in explorer.message.value
    assert explorer.png == b"" and explorer.image.value == b""
    assert len(explorer.update_seconds) == 2


# ------------------------------------------------------------------ activations (03)

@pytest.mark.parametrize("key", list(ACTIVATIONS))
def test_activation_plot_equals_the_reference_function_and_its_slope(key):
    explorer = widgets.activation_explorer(key)
    explorer.controls["x_range"].value = (-6.0, 4.0)
    alphas = [(0.1, 1.0), (0.3, 1.7)] if key in ("leaky_relu", "elu") else [(0.1, 1.0)]
    for leaky, elu_alpha in alphas:
        explorer.controls["leaky_alpha"].value = leaky
        explorer.controls["elu_alpha"].value = elu_alpha
        kwargs = {"leaky_relu": {"alpha": leaky}, "elu": {"alpha": elu_alpha}}.get(key, {})
        f = lambda x: np.asarray(ACTIVATIONS[key](x, **kwargs), dtype=float)  # noqa: E731
        ax = explorer.axes[0]
        x, y = line(ax, "f(x)")
        assert x[0] == -6.0 and x[-1] == 4.0 and len(x) > 100
        np.testing.assert_allclose(y, f(x), rtol=1e-12, atol=1e-12, err_msg=f"{key}: plotted f(x)")
        _, dy = line(ax, "f'(x)")
        smooth = np.abs(x) > 1e-3  # away from the kink/jump at 0 the slope is the central difference
        np.testing.assert_allclose(dy[smooth], central_difference(f, x[smooth]), atol=1e-6,
                                   err_msg=f"{key}: plotted derivative")
        for x0 in (-2.3, 0.7, 3.9):
            explorer.controls["x0"].value = x0
            assert explorer.value == pytest.approx(float(f(np.array(x0))), abs=1e-12)
            assert explorer.slope == pytest.approx(float(central_difference(f, np.array(x0))), abs=1e-6)
            mx, my = line(explorer.axes[0], "marked input")
            assert (mx[0], my[0]) == pytest.approx((x0, explorer.value))
            assert f"{explorer.value:.4f}" in explorer.verdict


def test_activation_saturation_notes_and_parameter_sliders():
    explorer = widgets.activation_explorer("sigmoid")
    assert "Saturates on both sides" in explorer.verdict
    assert explorer.controls["leaky_alpha"].disabled and explorer.controls["elu_alpha"].disabled
    explorer.controls["function"].value = "relu"
    assert "Does not saturate for x > 0" in explorer.verdict
    explorer.controls["function"].value = "leaky_relu"
    assert not explorer.controls["leaky_alpha"].disabled and "Never saturates" in explorer.verdict
    explorer.controls["function"].value = "elu"
    assert not explorer.controls["elu_alpha"].disabled
    explorer.controls["function"].value = "step"
    explorer.controls["x0"].value = 0.0
    assert "none (the jump)" in explorer.verdict


def test_marked_input_stays_inside_the_plotted_range():
    explorer = widgets.activation_explorer("tanh")
    explorer.controls["x0"].value = 4.5
    explorer.controls["x_range"].value = (-8.0, 2.0)
    assert explorer.controls["x0"].value == 2.0 and explorer.x0 == 2.0
    explorer.controls["x_range"].value = (6.0, 9.0)  # a range entirely right of the old one
    assert explorer.controls["x0"].value == 6.0 and explorer.x[0] == 6.0


# ------------------------------------------------------------------ gradient descent (04)

def reference_path(key, start, lr, steps):
    x, path = lg.gradient_descent(LANDSCAPES[key], np.array(start, dtype=float), lr=lr, step_num=steps)
    np.testing.assert_array_equal(x, path[-1])
    return path


@pytest.mark.parametrize("key, start, lrs, steps", [
    ("quadratic", [10.0], [0.01, 1.0, 10.0, 99.0], 60),
    ("two_minima", [2.0], [0.001, 0.01, 0.05, 0.1], 80),
    ("two_minima", [-0.4], [0.01], 80),
    ("bowl", [-3.0, 4.0], [0.001, 0.1, 0.5, 0.9, 1.0], 100),
])
def test_descent_path_equals_the_reference_step_by_step(key, start, lrs, steps):
    explorer = widgets.gradient_descent_explorer(key)
    c = explorer.controls
    c["steps"].value = steps
    c["start"].value = start[0]
    if len(start) == 2:
        c["start_x1"].value = start[1]
    for lr in lrs:
        c["lr"].value = lr
        expected = reference_path(key, start, lr, steps)
        assert explorer.path.shape == expected.shape, f"lr={lr}: path shape"
        np.testing.assert_allclose(explorer.path, expected, rtol=1e-6, atol=1e-7, err_msg=f"{key}, lr={lr}")
        losses = np.array([LANDSCAPES[key](p) for p in expected])
        np.testing.assert_allclose(explorer.losses, losses, rtol=1e-6, atol=1e-7)
        # and that is what was drawn: the path on the landscape, the loss per step
        px, py = line(explorer.axes[0], "path")
        np.testing.assert_allclose(px, expected[:, 0], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(py, expected[:, 1] if len(start) == 2 else losses, rtol=1e-6, atol=1e-7)
        sx, sy = line(explorer.axes[1], "loss")
        np.testing.assert_array_equal(sx, np.arange(steps + 1))
        np.testing.assert_allclose(sy, losses, rtol=1e-6, atol=1e-7)


def test_diverging_path_agrees_while_the_reference_gradient_is_still_accurate():
    # lr = 150 on 0.01x² + 0.1x multiplies the distance to the minimum by −2 each step. Far out,
    # the reference's central difference loses its digits, so compare while |x| < 1e4.
    explorer = widgets.gradient_descent_explorer("quadratic")
    explorer.controls["lr"].value = 150.0
    explorer.controls["steps"].value = 30
    expected = reference_path("quadratic", [10.0], 150.0, 30)
    near = np.abs(expected[:, 0]) < 1e4
    assert near.sum() >= 8 and near[:near.sum()].all()
    np.testing.assert_allclose(explorer.path[:near.sum()], expected[near], rtol=1e-6)
    # the widget stops at the first point past ±1e8, so the losses it draws stay finite
    assert len(explorer.path) < 31 and abs(explorer.path[-1, 0]) > 1e8 and abs(explorer.path[-2, 0]) <= 1e8
    assert explorer.outcome == "too large" and "diverges" in explorer.verdict


def test_momentum_follows_the_heavy_ball_recurrence():
    # x[k+1] = x[k] − lr·∇f(x[k]) + m·(x[k] − x[k−1]), with the reference's numerical gradient.
    explorer = widgets.gradient_descent_explorer("two_minima")
    lr, m, steps = 0.01, 0.9, 60
    explorer.controls["momentum"].value = m
    explorer.controls["steps"].value = steps
    f = LANDSCAPES["two_minima"]
    xs = [np.array([2.0]), np.array([2.0])]
    for _ in range(steps):
        xs.append(xs[-1] - lr * lg.numerical_gradient(f, xs[-1].copy()) + m * (xs[-1] - xs[-2]))
    np.testing.assert_allclose(explorer.path, np.array(xs[1:]), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("key, settings, outcome, words", [
    ("bowl", dict(lr=0.1, steps=100), "converged", "Converged"),  # the lecture: (−3, 4), lr 0.1, 100 steps
    ("bowl", dict(lr=10.0, steps=100), "too large", "diverges"),  # the lecture's lr = 10
    ("bowl", dict(lr=0.001, steps=100), "too small", "stalls"),  # the lecture's tiny lr, as small as the slider goes
    ("bowl", dict(lr=1.0, steps=20), "too large", "bounces"),
    ("quadratic", dict(lr=0.01, steps=50), "too small", "stalls"),
    ("quadratic", dict(lr=150.0, steps=50), "too large", "diverges"),
    ("two_minima", dict(lr=1.0, steps=50), "too large", "the run stopped"),
    ("two_minima", dict(lr=0.01, steps=50), "local minimum", "local minimum"),
    ("two_minima", dict(lr=0.01, steps=200, momentum=0.95), "converged", "Converged"),
])
def test_descent_verdict_says_what_the_step_size_did(key, settings, outcome, words):
    explorer = widgets.gradient_descent_explorer(key)
    for name, value in settings.items():
        explorer.controls[name].value = value
    assert explorer.outcome == outcome, explorer.verdict
    assert words in explorer.verdict
    if outcome == "converged" and key == "bowl":
        np.testing.assert_allclose(explorer.path[-1], [0.0, 0.0], atol=1e-6)
    if outcome == "converged" and key == "two_minima":
        assert explorer.path[-1][0] == pytest.approx(-1.4730, abs=0.05)  # the global minimum
    assert np.all(np.isfinite(explorer.path)) and np.all(np.isfinite(explorer.losses))


def test_choosing_a_function_loads_its_presets():
    explorer = widgets.gradient_descent_explorer("quadratic")
    assert explorer.controls["start_x1"].disabled
    explorer.controls["function"].value = "bowl"
    c = explorer.controls
    assert (c["lr"].value, c["steps"].value, c["start"].value, c["start_x1"].value) == (0.1, 20, -3.0, 4.0)
    assert not c["start_x1"].disabled and explorer.path.shape == (21, 2)
    explorer.controls["function"].value = "two_minima"
    assert (c["start"].min, c["start"].max) == (-2.5, 2.5) and explorer.path.shape[1] == 1


# ------------------------------------------------------------------ perceptron (02)

def test_perceptron_targets_are_the_reference_truth_tables():
    explorer = widgets.perceptron_explorer()
    for gate, reference in GATES.items():
        explorer.controls["gate"].value = gate
        assert explorer.targets == [reference(x1, x2) for x1, x2 in TRUTH_INPUTS], gate


@pytest.mark.parametrize("gate, w1, w2, b", [("AND", 0.5, 0.5, -0.7), ("NAND", -0.5, -0.5, 0.7),
                                             ("OR", 0.5, 0.5, -0.2)])
def test_the_lecture_weights_realise_their_gate(gate, w1, w2, b):
    explorer = widgets.perceptron_explorer(gate)
    for name, value in dict(w1=w1, w2=w2, b=b).items():
        explorer.controls[name].value = value
    assert explorer.realised and "realise " + gate in explorer.verdict
    # the drawn decision line is w1·x1 + w2·x2 + b = 0
    lx, ly = line(explorer.axes[0], "decision line")
    np.testing.assert_allclose(w1 * lx + w2 * ly + b, 0, atol=1e-12)


def test_perceptron_outputs_and_verdict_match_the_reference():
    rng = np.random.default_rng(8)
    explorer = widgets.perceptron_explorer()
    for _ in range(20):
        gate = str(rng.choice(list(GATES)))
        w1, w2, b = np.round(rng.uniform(-1.5, 1.5, 3) / 0.05) * 0.05
        with explorer._hold():  # four controls, one redraw
            for name, value in dict(gate=gate, w1=w1, w2=w2, b=b).items():
                explorer.controls[name].value = value
        explorer.update()
        w1, w2, b = (explorer.controls[k].value for k in ("w1", "w2", "b"))
        expected = [pc.perceptron(np.array(p, float), np.array([w1, w2]), b) for p in TRUTH_INPUTS]
        assert explorer.outputs == expected, (gate, w1, w2, b)
        truth = [GATES[gate](*p) for p in TRUTH_INPUTS]
        assert explorer.realised == (expected == truth)
        assert ("✓" in explorer.verdict) == explorer.realised
        rings = [ln for ln in explorer.axes[0].lines if ln.get_markeredgecolor() == "tab:red"]
        assert len(rings) == sum(o != t for o, t in zip(expected, truth))


def test_a_point_on_the_line_outputs_zero():
    explorer = widgets.perceptron_explorer("AND")
    explorer.controls["b"].value = -0.5  # (1, 0) and (0, 1) now lie exactly on the line
    assert explorer.outputs == [0, 0, 0, 1] and explorer.realised


def realisations(explorer, gate, step):
    """Count the slider settings on a grid of ``step`` that realise ``gate`` (logic only, no redraw)."""
    grid = np.round(np.arange(-1.5, 1.5001, step), 10)
    count = 0
    with explorer._hold():  # a redraw per setting would take minutes
        explorer.controls["gate"].value = gate
        for w1 in grid:
            explorer.controls["w1"].value = w1
            for w2 in grid:
                explorer.controls["w2"].value = w2
                for b in grid:
                    explorer.controls["b"].value = b
                    explorer._compute()
                    count += explorer.realised
    return count


def test_xor_is_never_realised_and_the_verdict_says_why():
    explorer = widgets.perceptron_explorer("XOR")
    assert not explorer.realised and "No setting realises XOR" in explorer.verdict
    assert realisations(explorer, "XOR", 0.1) == 0
    for gate in ("AND", "NAND", "OR"):  # the same sweep does find settings for the other gates
        assert realisations(explorer, gate, 0.25) > 0, gate


# ------------------------------------------------------------------ responsiveness

def test_each_change_redraws_well_under_a_second():
    changes = {
        "activation": (widgets.activation_explorer(), "x0", np.linspace(-4, 4, 9)),
        "gradient_descent": (widgets.gradient_descent_explorer("bowl"), "lr",
                             [0.01, 0.03, 0.1, 0.3, 0.5, 0.9, 1.0, 1.1, 10.0]),
        "perceptron": (widgets.perceptron_explorer(), "b", np.linspace(-1.0, 1.0, 9)),
    }
    medians = {}
    for name, (explorer, control, values) in changes.items():
        before = explorer.png
        explorer.update_seconds.clear()
        for value in values:
            explorer.controls[control].value = float(value)
        assert explorer.png != before
        assert len(explorer.update_seconds) == len(values)
        medians[name] = statistics.median(explorer.update_seconds)
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "widget_latency_headless.json").write_text(json.dumps(medians, indent=2))
    slow = {k: v for k, v in medians.items() if v >= 1.0}
    assert not slow, f"median redraw time per change (s): {medians}"


# ------------------------------------------------------------------ optimizers as a choice (05)

def _elongated_grad(p):
    return np.array([p[0] / 10, 2 * p[1]])


def _reference_run(optimizer, start, steps):
    params = {"x": np.array(start, dtype=float)}
    path = [params["x"].copy()]
    for _ in range(steps):
        optimizer.update(params, {"x": _elongated_grad(params["x"])})
        path.append(params["x"].copy())
    return np.array(path)


def test_the_optimizer_is_a_choice_of_the_students_own_classes():
    from autograder.reference import backpropagation as bp

    explorer = widgets.gradient_descent_explorer(
        "elongated", optimizers={"SGD": bp.SGD, "Momentum": bp.Momentum, "Adam": bp.Adam,
                                 "my AdaGrad": bp.AdaGrad(lr=1.5)})
    c = explorer.controls
    assert [value for _, value in c["optimizer"].options] == [widgets.PLAIN, "SGD", "Momentum", "Adam", "my AdaGrad"]
    assert c["optimizer"].value == widgets.PLAIN and not c["momentum"].disabled
    for name, make in (("SGD", lambda lr: bp.SGD(lr=lr)), ("Momentum", lambda lr: bp.Momentum(lr=lr)),
                       ("Adam", lambda lr: bp.Adam(lr=lr))):
        c["optimizer"].value = name
        for lr in (0.1, 0.3):
            c["lr"].value = lr
            expected = _reference_run(make(lr), [-7.0, 2.0], 30)
            np.testing.assert_allclose(explorer.path, expected, rtol=1e-12, atol=1e-12, err_msg=f"{name}, lr={lr}")
            np.testing.assert_allclose(explorer.losses, expected[:, 0] ** 2 / 20 + expected[:, 1] ** 2)
            px, py = line(explorer.axes[0], "path")
            np.testing.assert_allclose(np.c_[px, py], expected)
            assert c["momentum"].disabled and explorer.verdict.startswith(f"[{name}]")
            assert name in explorer.axes[1].get_title()
    # an object keeps its own lr and starts afresh on every redraw
    c["optimizer"].value = "my AdaGrad"
    first = explorer.path.copy()
    np.testing.assert_allclose(first, _reference_run(bp.AdaGrad(lr=1.5), [-7.0, 2.0], 30))
    c["steps"].value = 29
    np.testing.assert_allclose(explorer.path, first[:30])
    # plain gradient descent is still the explorer's own, momentum slider included
    c["optimizer"].value = widgets.PLAIN
    assert not c["momentum"].disabled and explorer.optimizer == widgets.PLAIN


def test_a_broken_optimizer_is_reported_not_raised():
    class Broken:
        def __init__(self, lr=0.01):
            self.lr = lr

        def update(self, params, grads):
            raise ValueError("oops")

    class NoEpsilon:
        def __init__(self, lr=0.01):
            self.lr, self.h = lr, 0.0

        def update(self, params, grads):
            self.h = self.h + grads["x"] ** 2
            params["x"] -= self.lr * grads["x"] / np.sqrt(self.h)

    explorer = widgets.gradient_descent_explorer("elongated", optimizers={"broken": Broken, "no eps": NoEpsilon})
    explorer.controls["optimizer"].value = "broken"
    assert explorer.outcome == "error" and "ValueError: oops" in explorer.verdict
    explorer.controls["start_x1"].value = 0.0  # a zero gradient along x1: 0 / 0
    explorer.controls["optimizer"].value = "no eps"
    assert explorer.outcome == "too large" and "not a number" in explorer.verdict


def test_without_optimizers_there_is_no_choice_and_no_optimizer_in_the_module():
    explorer = widgets.gradient_descent_explorer("bowl")
    assert "optimizer" not in explorer.controls
    for name in ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"):
        assert not hasattr(widgets, name)


def test_the_optimizer_choice_works_in_korean(monkeypatch):
    from autograder.reference import backpropagation as bp

    monkeypatch.setenv("COURSE_LANG", "ko")
    explorer = widgets.gradient_descent_explorer("elongated", optimizers={"SGD": bp.SGD, "Adam": bp.Adam})
    choice = explorer.controls["optimizer"]
    assert choice.value == widgets.PLAIN and choice.label != widgets.PLAIN, "the plain choice is shown in Korean"
    choice.value = "Adam"
    assert explorer.error is None and len(explorer.path) == explorer.steps + 1
