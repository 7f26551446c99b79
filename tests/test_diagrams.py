"""course.diagrams: the lectures' figures, drawn from what they are given."""

import matplotlib
import numpy as np
import pytest

from course.diagrams import dot_box_diagram, maxout_diagram, network_diagram

matplotlib.use("Agg")


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_network_diagram_names_every_weight_into_the_first_units():
    texts = _texts(network_diagram((2, 3, 2, 2)))
    assert {"$w^{(1)}_{11}$", "$w^{(1)}_{12}$", "$w^{(2)}_{13}$", "$w^{(3)}_{12}$", "$b^{(1)}_1$"} <= set(texts)
    assert "W1: 2×3,  b1: 3" in texts and "W3: 2×2,  b3: 2" in texts


def test_dot_box_diagram_marks_the_entry_and_refuses_shapes_that_do_not_meet():
    texts = _texts(dot_box_diagram((3, 4), (4, 2), entry=(1, 0)))
    assert "z[1, 0] = dot(x[1, :], y[:, 0])" in texts and "z: (3, 2)" in texts
    with pytest.raises(ValueError, match="x.shape\\[1\\] = 4 and y.shape\\[0\\] = 3"):
        dot_box_diagram((3, 4), (3, 2))


def test_maxout_diagram_draws_what_the_given_maxout_returns():
    calls = []

    def maxout(x, W, b):
        calls.append((x.shape, W.shape, b.shape))
        return np.max(np.stack([x @ W[i] + b[i] for i in range(len(W))]), axis=0)

    fig = maxout_diagram(maxout, W=[[[1.0]], [[0.0]]], b=[[0.0], [0.0]])
    assert calls == [((201, 1), (2, 1, 1), (2, 1))]
    thick = next(line for line in fig.axes[0].get_lines() if line.get_label() == "maxout(x, W, b)")
    np.testing.assert_allclose(thick.get_ydata(), np.maximum(thick.get_xdata(), 0.0))


def test_no_graded_name_is_public():
    from course import diagrams
    from test_widgets import GRADED

    public = {name.lower() for name in dir(diagrams) if not name.startswith("_")}
    assert not public & {name.lower() for name in GRADED}
