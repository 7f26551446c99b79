"""Plausible wrong answers: one module per assignment, ``MISTAKES = {grade_id: code}``.

Every graded name has at least one wrong implementation here. The test suite
proves that each is caught by its hidden tests, and the demo's ``beginner``
student hands in the ones listed in ``BEGINNER``.
"""
