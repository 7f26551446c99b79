"""Student-side helpers for the deep-learning course: data, plots and friendly self-checks.

Nothing in this package reveals a solution; the reference answers live with
the instructor in ``autograder/``.
"""

__version__ = "0.1.0"
