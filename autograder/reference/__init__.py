"""Reference solutions: one module per assignment, named after it without its number
(``01_python_basics`` → ``autograder.reference.python_basics``). The single source of
truth that hidden tests compare students' answers with."""
