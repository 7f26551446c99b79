"""Hidden test cases: one module per assignment, mirroring ``autograder.reference``.

Each graded name ``f`` has a function ``test_f(submitted, reference, rng)``
that raises :class:`autograder.hidden.Wrong` when the submission is wrong.
"""
