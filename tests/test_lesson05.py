"""Lesson 05 prints the lectures' numbers, draws them right, and its grad_check tells right from wrong.

The numbers are read from the outputs of the source notebook, executed as the grader runs it
(COURSE_GRADING=1), and compared with values written here from the lectures or computed with the
reference package, never with the lesson's own formulas.
"""

import re

import numpy as np
import pytest

from autograder.reference import backpropagation as bp
from conftest import ROOT, errors, execute, read
from course import compgraph
from course.checks import grad_check

LESSON = "05_backpropagation"


@pytest.fixture(scope="module")
def lesson():
    """{cell id: printed text} of the source notebook run top to bottom, plus the ids of cells that raised."""
    nb = execute(read("source", LESSON), ROOT / "source" / LESSON)
    failed = [c.get("id") for c in nb.cells if c.cell_type == "code" and errors(c)]
    printed = {c.get("id"): "".join(o.get("text", "") for o in c.get("outputs", []) if o.get("output_type") == "stream")
               for c in nb.cells if c.cell_type == "code"}
    return printed, failed


def _printed(lesson, source_start):
    printed, failed = lesson
    nb = read("source", LESSON)
    [cell] = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(source_start)]
    assert cell.get("id") not in failed
    return printed[cell.get("id")]


def test_lesson_runs_without_errors(lesson):
    assert lesson[1] == []


def test_apple_graph_prints_the_lecture_numbers(lesson):
    # deck, "사과 쇼핑의 역전파 예": price 220; dApple 2.2, dApple_num 110, dTax 200; 100 → 101 won: 220 → 222.2
    text = _printed(lesson, "apple = 100\napple_num = 2\ntax = 1.1")
    assert re.findall(r"^(\w[\w ]*\w): (.*)$", text, re.M) == [
        ("price", "220"), ("dApple", "2.2"), ("dApple_num", "110"), ("dTax", "200"),
        ("price with apples at 101", "222.2")]


def test_apple_and_orange_graph_prints_the_lecture_numbers(lesson):
    # deck: 715, dApple 2.2, dApple_num 110, dOrange 3.3000000000000003, dOrange_num 165, dTax 650
    text = _printed(lesson, "apple = 100\napple_num = 2\norange = 150")
    values = dict(re.findall(r"^(\w+): (.*)$", text, re.M))
    assert values == {"price": "715", "dApple": "2.2", "dApple_num": "110", "dOrange": "3.3000000000000003",
                      "dOrange_num": "165", "dTax": "650"}


def test_chain_rule_mask_and_softmax_rows(lesson):
    chain = _printed(lesson, "x, y = 1.0, 2.0")
    assert "chain rule: 6.0" in chain and float(chain.split("numerical:")[1]) == pytest.approx(6.0, abs=1e-8)
    mask = _printed(lesson, "x = np.array([1, 2, 3, -5, 10])")
    assert mask.split() == ["[False", "False", "False", "True", "False]", "[", "1", "2", "3", "100", "10]"]
    # the deck's softmax of [0.3, 2.9, 4.0]: [0.01821127 0.24519181 0.73659691]
    row = _printed(lesson, "print(softmax(np.array([0.3, 2.9, 4.0])))")
    np.testing.assert_allclose(np.array(row.strip(" []\n").split(), float), [0.01821127, 0.24519181, 0.73659691],
                               atol=5e-9)


def test_gradient_checks_in_the_lesson_pass_their_targets(lesson):
    printed, _ = lesson
    for cell in ("sigmoid_grad_check", "affine_grad_check", "softmax_grad_check"):
        lines = [ln for ln in printed[cell].splitlines() if ln.startswith("  ")]
        assert lines and all("✓" in ln for ln in lines), (cell, printed[cell])
    section8 = _printed(lesson, "(x_train, t_train), (x_test, t_test) = load_mnist(")
    assert sorted(re.findall(r"^  (\w+) .*✓", section8, re.M)) == ["W1", "W2", "b1", "b2"]


def test_optimizer_comparison_trains_every_optimizer(lesson):
    text = _printed(lesson, 'names = ["SGD", "Momentum"')
    assert re.findall(r"^(\w+) +loss", text, re.M) == ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"]


# ------------------------------------------------------------------ the drawings (course.compgraph)

def _layers_bill(apple=100, apple_num=2, orange=150, orange_num=3, tax=1.1):
    """Problem 2 through the reference layers: {edge (source, target): (forward, backward)}."""
    mul_apple, mul_orange, add, mul_tax = bp.MulLayer(), bp.MulLayer(), bp.AddLayer(), bp.MulLayer()
    apple_price = mul_apple.forward(apple, apple_num)
    orange_price = mul_orange.forward(orange, orange_num)
    all_price = add.forward(apple_price, orange_price)
    price = mul_tax.forward(all_price, tax)
    dall, dtax = mul_tax.backward(1.0)
    dapple_price, dorange_price = add.backward(dall)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    return {("apple", "×1"): (apple, dapple), ("apple_num", "×1"): (apple_num, dapple_num),
            ("orange", "×2"): (orange, dorange), ("orange_num", "×2"): (orange_num, dorange_num),
            ("×1", "+"): (apple_price, dapple_price), ("×2", "+"): (orange_price, dorange_price),
            ("+", "×3"): (all_price, dall), ("tax", "×3"): (tax, dtax), ("×3", "price"): (price, 1.0)}


@pytest.mark.parametrize("inputs", [{}, dict(apple=120, apple_num=5, orange=80, orange_num=2, tax=1.08)])
def test_shopping_graph_edges_are_what_the_layers_compute(inputs):
    drawing = compgraph.shopping_graph(2, **inputs)
    expected = _layers_bill(**inputs)
    assert {(e.source, e.target) for e in drawing.edges} == set(expected)
    for (source, target), (forward, backward) in expected.items():
        edge = drawing.edge(source, target)
        assert edge.forward == pytest.approx(forward) and edge.backward == pytest.approx(backward)
    texts = [t.get_text() for t in drawing.figure.axes[0].texts]
    for label in ("715", "650", "2.2", "110", "3.3", "165", "1.1") if not inputs else ():
        assert label in texts, label
    assert drawing._repr_png_().startswith(b"\x89PNG")


def test_problem_1_and_forward_only_drawings():
    drawing = compgraph.shopping_graph(1)
    assert drawing.edge("×2", "price").forward == pytest.approx(220)
    assert drawing.edge("apple", "×1").backward == pytest.approx(2.2)
    assert drawing.edge("tax", "×2").backward == pytest.approx(200)
    red = [t for t in compgraph.shopping_graph(1, backward=False).figure.axes[0].texts
           if t.get_color() == compgraph.BACKWARD]
    assert red == []
    with pytest.raises(ValueError):
        compgraph.shopping_graph(3)


@pytest.mark.parametrize("x, dout", [(1.0, 1.0), (-2.5, 0.3), (4.0, -2.0)])
def test_sigmoid_graph_backward_values_are_the_layers(x, dout):
    drawing = compgraph.sigmoid_graph(x=x, dout=dout)
    layer = bp.Sigmoid()
    y = float(layer.forward(np.array([x]))[0])
    dx = float(layer.backward(np.array([dout]))[0])
    assert drawing.edge("/", "y").forward == pytest.approx(y)
    assert drawing.edge("x", "×").backward == pytest.approx(dx)
    h = 1e-6
    numerical = dout * (bp.sigmoid(x + h) - bp.sigmoid(x - h)) / (2 * h)
    assert drawing.edge("x", "×").backward == pytest.approx(float(numerical), rel=1e-6)
    # the '/' node sends back −dout·y², the exp node multiplies by exp(−x)
    assert drawing.edge("+", "/").backward == pytest.approx(-dout * y ** 2)
    assert drawing.edge("×", "exp").backward == pytest.approx(-dout * y ** 2 * np.exp(-x))


# ------------------------------------------------------------------ grad_check (course.checks)

def test_grad_check_passes_right_layers_and_fails_wrong_ones(capsys):
    rng = np.random.default_rng(3)
    assert max(grad_check(bp.Affine(rng.normal(size=(6, 2)), rng.normal(size=2)),
                          rng.normal(size=(3, 2, 3))).values()) < 1e-7
    assert max(grad_check(bp.MulLayer(), rng.normal(size=(2, 2)), rng.normal(size=(2, 2))).values()) < 1e-7
    assert grad_check(bp.SoftmaxWithLoss(), rng.normal(size=(4, 3)), np.array([0, 1, 2, 1]))["x"] < 1e-5

    class NoDout(bp.SoftmaxWithLoss):
        def backward(self, dout=1):
            return super().backward(1)

    class MeanBias(bp.Affine):
        def backward(self, dout):
            dx = super().backward(dout)
            self.db = np.mean(dout, axis=0)
            return dx

    assert grad_check(NoDout(), rng.normal(size=(4, 3)), np.array([0, 1, 2, 1]))["x"] > 1e-2
    errors = grad_check(MeanBias(rng.normal(size=(4, 3)), rng.normal(size=3)), rng.normal(size=(5, 4)))
    assert errors["x"] < 1e-7 and errors["W"] < 1e-7 and errors["b"] > 1e-1
    out = capsys.readouterr().out
    assert "target < 1e-07" in out and "✗" in out and "largest |difference|" in out


def test_grad_check_on_a_function_and_on_a_dict_restores_the_arrays():
    x = np.array([0.5, -1.5, 2.0])
    assert grad_check(lambda v: np.sum(v ** 3), x, analytic=lambda v: 3 * v ** 2, verbose=False)["x"] < 1e-9
    assert grad_check(lambda v: np.sum(v ** 3), x, analytic=2 * x ** 2, verbose=False)["x"] > 1e-2
    np.testing.assert_array_equal(x, [0.5, -1.5, 2.0])
    np.random.seed(1)
    net = bp.TwoLayerNet(3, 4, 2, weight_init_std=1.0)
    before = {k: v.copy() for k, v in net.params.items()}
    xb, t = np.random.randn(2, 3), np.array([1, 0])
    errors = grad_check(lambda W: net.loss(xb, t), net.params, analytic=net.gradient(xb, t), verbose=False)
    assert set(errors) == {"W1", "b1", "W2", "b2"} and max(errors.values()) < 1e-4
    for key in before:
        np.testing.assert_array_equal(net.params[key], before[key])
    wrong = {k: v.T if v.ndim == 2 and v.shape[0] == v.shape[1] else v * 2 for k, v in net.gradient(xb, t).items()}
    assert min(grad_check(lambda W: net.loss(xb, t), net.params, analytic=wrong, verbose=False).values()) > 1e-2
    shaped = grad_check(lambda W: net.loss(xb, t), net.params, analytic={"W1": np.zeros(3)}, verbose=False)
    assert shaped["W1"] == float("inf") and shaped["b2"] == float("inf")


def test_every_visible_case_of_the_lesson_has_a_hint():
    import ast

    from conftest import is_test_cell

    for cell in read("source", LESSON).cells:
        if not is_test_cell(cell):
            continue
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        for node in ast.walk(ast.parse(visible)):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if "name" in keys and "expected" in keys:
                    assert "hint" in keys, f"{cell.metadata['nbgrader']['grade_id']}: case without a hint"
