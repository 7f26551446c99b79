"""Plausible wrong answers: one module per assignment, ``MISTAKES = {grade_id: code}``.

Every graded name has at least one wrong implementation here. ``MORE_MISTAKES =
{grade_id: [code, ...]}`` adds further plausible ones of the kinds that slip past
visible checks (wrong types, untried edge inputs, side effects and state, settings
the lesson fixes). The test suite proves that each is caught by its hidden tests
(``tests/test_hidden_tests.py``), that correct answers in other styles keep full
marks (``tests/test_alternatives.py``), and the demo's ``beginner`` student hands
in the ones listed in ``BEGINNER``.
"""
