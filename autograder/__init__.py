"""Instructor side of the course: reference solutions, hidden tests, demo submissions.

Never shipped to students. ``nbgrader_config.py`` puts the repository root on
the kernels' ``PYTHONPATH`` so that hidden test cells can import this package
when ``nbgrader autograde`` runs them.
"""
