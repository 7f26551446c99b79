"""Typical beginner mistakes in 01_python_basics, each one caught by its hidden tests."""

MISTAKES = {
    # Floor division written as int(a / b) truncates towards zero: wrong for negatives.
    "arithmetic": '''
def arithmetic(a, b):
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "//": int(a / b), "%": a % b, "**": a ** b}
''',
    # Tests int before bool, so True is called an int.
    "type_name": '''
def type_name(value):
    for t in (int, float, str, bool):
        if isinstance(value, t):
            return t.__name__
''',
    # Off by one: stops one item too early in the third slice.
    "take_slices": '''
def take_slices(seq):
    return seq[0:2], seq[-1], seq[-3:-2]
''',
    # Counts only distinct words.
    "count_words": '''
def count_words(words):
    return {word: 1 for word in words}
''',
    # Swaps the order of the rows.
    "truth_table": '''
def truth_table(op):
    values = (False, True)
    if op == "not":
        return [(a, not a) for a in values]
    if op == "and":
        return [(a, b, a and b) for a in values for b in values]
    return [(a, b, a or b) for a in values for b in values]
''',
    # Skips the negative even numbers.
    "sum_of_evens": '''
def sum_of_evens(numbers):
    total = 0
    for n in numbers:
        if n > 0 and n % 2 == 0:
            total += n
    return total
''',
    # Prints instead of returning.
    "hello": '''
def hello(name=None):
    print("Hello " + (name or "World") + "!")
''',
    # Forgets the hyphen in goodbye.
    "Man": '''
class Man:
    def __init__(self, name):
        self.name = name

    def hello(self):
        return "Hello " + self.name + "!"

    def goodbye(self):
        return "Goodbye " + self.name + "!"
''',
    # Returns len(shape) as the shape.
    "array_facts": '''
def array_facts(a):
    return a.shape, len(a), str(a.dtype)
''',
    # Copies instead of returning a view.
    "top_left_block": '''
def top_left_block(a):
    return a[:2, 1:3].copy()
''',
    # Subtracts in place, changing the caller's array.
    "center_columns": '''
def center_columns(X):
    X -= X.mean(axis=0)
    return X
''',
    # Forgets the legend and returns nothing.
    "plot_sin_cos": '''
def plot_sin_cos():
    x = np.arange(0, 6, 0.1)
    plt.plot(x, np.sin(x), label="sin")
    plt.plot(x, np.cos(x), label="cos")
''',
}

# The demo's `beginner` hands these in and gets the other exercises right.
BEGINNER = ["arithmetic", "type_name", "hello", "top_left_block"]

# Further plausible mistakes, each passing the visible checks; tests/test_hidden_tests.py proves
# that the hidden tests catch every one.
MORE_MISTAKES = {
    "arithmetic": [
        # "Tidies" an exact division into an int: 6 / 3 gives 2, but / always gives a float.
        '''
def arithmetic(a, b):
    q = a / b
    return {"+": a + b, "-": a - b, "*": a * b, "/": int(q) if q == int(q) else q,
            "//": a // b, "%": a % b, "**": a ** b}
''',
    ],
    "count_words": [
        # The dict is a default argument: it is shared by every call and keeps growing.
        '''
def count_words(words, counts={}):
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return dict(counts) if not words else counts
''',
    ],
    "Man": [
        # Stores the name on the class: every Man greets with the newest name.
        '''
class Man:
    def __init__(self, name):
        Man.name = name

    def hello(self):
        return "Hello " + Man.name + "!"

    def goodbye(self):
        return "Good-bye " + Man.name + "!"
''',
    ],
    "top_left_block": [
        # Copies when the array is not C-contiguous (np.ascontiguousarray).
        '''
def top_left_block(a):
    return np.ascontiguousarray(a)[:2, 1:3]
''',
    ],
    "center_columns": [
        # Starts from zeros_like(X): an integer X gives truncated integer results.
        '''
def center_columns(X):
    result = np.zeros_like(X)
    result[...] = X - X.mean(axis=0)
    return result
''',
        # Centres in place on a copy only when it thinks it must; otherwise returns X itself.
        '''
def center_columns(X):
    m = X.mean(axis=0)
    if np.allclose(m, 0):
        return X
    return X - m
''',
    ],
    "plot_sin_cos": [
        # Everything but the axis labels.
        '''
def plot_sin_cos():
    x = np.arange(0, 6, 0.1)
    fig, ax = plt.subplots()
    ax.plot(x, np.sin(x), label="sin")
    ax.plot(x, np.cos(x), linestyle="--", label="cos")
    ax.set_title("sin & cos")
    ax.legend()
    return fig
''',
    ],
}
