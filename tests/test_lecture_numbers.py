"""The numbers the lectures print, reproduced by the lessons' own code.

Each source notebook runs top to bottom (solutions in, as a grading kernel runs it) with one probe
cell appended that reports, as JSON, what the lesson's functions and cells computed. The expected
values are the lectures' printouts (``/work/shared/lectures``), not results of this code.
"""

import json

import nbformat
import numpy as np
import pytest

from conftest import ROOT, errors, execute, read

MARK = "LECTURE-NUMBERS "

PROBES = {
    "02_perceptron": """
gates = {"AND": AND, "NAND": NAND, "OR": OR, "XOR": XOR}
numbers = {name: [gate(x1, x2) for x1, x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]] for name, gate in gates.items()}
""",
    "03_forward_propagation": """
lecture_t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
numbers = {
    "layer_by_layer": [A1.tolist(), Z1.tolist(), Z2.tolist(), Y.tolist()],
    "forward": forward(init_network(), np.array([1.0, 0.5])).tolist(),
    "softmax": softmax(np.array([0.3, 2.9, 4.0])).tolist(),
    "pretrained_accuracy": batch_accuracy(load_sample_weights(), x_test, t_test),
}
""",
    "04_loss_and_gradients": """
lecture_t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
lecture_y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
end, _ = gradient_descent(lambda p: p[0] ** 2 + p[1] ** 2, np.array([-3.0, 4.0]), lr=0.1, step_num=100)
numbers = {
    "mean_squared_error": float(mean_squared_error(lecture_y, lecture_t)),
    "cross_entropy_error": float(cross_entropy_error(lecture_y, lecture_t)),
    "numerical_diff": [float(numerical_diff(function_1, 5)), float(numerical_diff(function_1, 10))],
    "gradient_descent": end.tolist(),
    "parameters": [int(n_perceptron), int(n_mnist)],
    "book_dW": dW.tolist(),
    "lecture_dW": dW_reproduced.tolist(),
}
""",
}


def lesson_numbers(assignment):
    """Run the source notebook of ``assignment`` with its probe cell; return the probe's dict."""
    nb = read("source", assignment)
    nb.cells.append(nbformat.v4.new_code_cell(PROBES[assignment] + f"print({MARK!r} + __import__('json').dumps(numbers))"))
    nb = execute(nb, ROOT / "source" / assignment)
    probe = nb.cells[-1]
    failed = [f"cell {i}: {errors(c)[0]['ename']}: {errors(c)[0]['evalue'][:200]}"
              for i, c in enumerate(nb.cells) if c.cell_type == "code" and errors(c)]
    assert not failed, f"source/{assignment} raised: {failed}"
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
    line = next(line for line in text.splitlines() if line.startswith(MARK))
    return json.loads(line[len(MARK):])


@pytest.fixture(scope="module")
def perceptron():
    return lesson_numbers("02_perceptron")


@pytest.fixture(scope="module")
def forward_propagation():
    return lesson_numbers("03_forward_propagation")


@pytest.fixture(scope="module")
def loss_and_gradients():
    return lesson_numbers("04_loss_and_gradients")


def test_gate_truth_tables_and_xor_from_two_layers(perceptron):
    assert perceptron == {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}


def test_the_2_3_2_2_network_layer_by_layer_and_forward(forward_propagation):
    a1, z1, z2, y = forward_propagation["layer_by_layer"]
    np.testing.assert_allclose(a1, [0.3, 0.7, 1.1], atol=1e-12)
    np.testing.assert_allclose(z1, [0.57444252, 0.66818777, 0.75026011], atol=1e-8)
    np.testing.assert_allclose(z2, [0.62624937, 0.7710107], atol=1e-8)
    np.testing.assert_allclose(y, [0.31682708, 0.69627909], atol=1e-8)
    np.testing.assert_allclose(forward_propagation["forward"], [0.31682708, 0.69627909], atol=1e-8)


def test_softmax_of_the_lecture_scores(forward_propagation):
    np.testing.assert_allclose(forward_propagation["softmax"], [0.01821127, 0.24519181, 0.73659691], atol=1e-8)


def test_pretrained_weights_read_the_accuracy_the_lesson_states(forward_propagation):
    """The course's own weights (the book's, which score the lecture's 0.9352, are not shipped)."""
    assert forward_propagation["pretrained_accuracy"] == pytest.approx(0.9720, abs=5e-5)


def test_loss_functions_of_the_lecture_example(loss_and_gradients):
    assert loss_and_gradients["mean_squared_error"] == pytest.approx(0.0975, abs=1e-12)
    assert loss_and_gradients["cross_entropy_error"] == pytest.approx(0.510825457099338, abs=1e-9)


def test_numerical_diff_gives_0_2_and_0_3(loss_and_gradients):
    at_5, at_10 = loss_and_gradients["numerical_diff"]
    assert at_5 == pytest.approx(0.2, abs=1e-9) and at_10 == pytest.approx(0.3, abs=1e-9)


def test_gradient_descent_reaches_the_origin(loss_and_gradients):
    np.testing.assert_allclose(loss_and_gradients["gradient_descent"], [0.0, 0.0], atol=1e-8)


def test_parameter_count_3_versus_45360(loss_and_gradients):
    assert loss_and_gradients["parameters"] == [3, 45360]


def test_simplenet_gradient_with_the_book_w(loss_and_gradients):
    np.testing.assert_allclose(loss_and_gradients["book_dW"], [[0.21924763, 0.14356247, -0.36281009],
                                                               [0.32887144, 0.21535796, -0.54424923]], atol=5e-5)


def test_simplenet_gradient_with_a_w_that_gives_the_lecture_output(loss_and_gradients):
    """Row 2 is the lecture's; row 1 is 0.6/0.9 of it, which the slide's miscopied first row is not."""
    lecture = np.array([[0.37337484, 0.19236272, -0.56660066], [0.56060691, 0.28929408, -0.84990099]])
    reproduced = np.array(loss_and_gradients["lecture_dW"])
    np.testing.assert_allclose(reproduced[1], lecture[1], atol=2e-6)
    np.testing.assert_allclose(reproduced[0], reproduced[1] * 0.6 / 0.9, atol=1e-8)
    assert not np.allclose(reproduced[0], lecture[0], atol=1e-4)
