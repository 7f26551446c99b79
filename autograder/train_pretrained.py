"""Train the pretrained MNIST weights of 03_forward_propagation: ``python -m autograder.train_pretrained``.

The lectures load a pickled ``sample_weight.pkl``: a 784→50→100→10 network
with sigmoid hidden layers and a softmax output. This script trains that
architecture on the 60,000 MNIST training images with plain NumPy
(mini-batch SGD, backpropagation, cross-entropy), evaluates it on the 10,000
test images, and writes

* ``course/data/sample_weight.npz`` (``np.savez``, keys W1 b1 W2 b2 W3 b3, float32),
* the "sample_weight.npz" section of ``course/data/README.md`` (seed, settings,
  accuracy, checksums).

It prints the SHA-256 that ``course/pretrained.py`` must record. A rerun on
the same machine writes the same bytes (``np.savez`` stamps no time); another
BLAS may change the last bits of the weights and so the checksum.

Instructor side only: it contains backpropagation, which students write
themselves in 05_backpropagation.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np

from course.datasets import load_mnist

SEED = 20240601
SIZES = (784, 50, 100, 10)
EPOCHS = 20
BATCH_SIZE = 100
LEARNING_RATE = 0.5
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "course" / "data" / "sample_weight.npz"
README = ROOT / "course" / "data" / "README.md"
README_MARKER = "<!-- sample_weight.npz: this section is written by autograder/train_pretrained.py -->"


def sigmoid(a):
    """Element-wise logistic function."""
    return 1.0 / (1.0 + np.exp(-a))


def softmax(a):
    """Row-wise softmax of a batch, shifted by each row's max so that exp cannot overflow."""
    exp_a = np.exp(a - a.max(axis=1, keepdims=True))
    return exp_a / exp_a.sum(axis=1, keepdims=True)


def init_params(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Return Xavier-initialised weights (std 1/sqrt(fan-in), suited to sigmoid) and zero biases."""
    params = {}
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:]), 1):
        params[f"W{i}"] = (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)
        params[f"b{i}"] = np.zeros(n_out, dtype=np.float32)
    return params


def predict(params, x):
    """Return the softmax outputs (n, 10) of the network for a batch ``x`` (n, 784)."""
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    z2 = sigmoid(z1 @ params["W2"] + params["b2"])
    return softmax(z2 @ params["W3"] + params["b3"])


def accuracy(params, x, t, batch_size: int = 1000) -> float:
    """Return the fraction of ``x`` whose most probable class equals the label in ``t``."""
    hits = sum(int(np.sum(predict(params, x[i:i + batch_size]).argmax(axis=1) == t[i:i + batch_size]))
               for i in range(0, len(x), batch_size))
    return hits / len(x)


def sgd_step(params, x, t, lr: float) -> float:
    """One mini-batch gradient step of the mean cross-entropy; returns the batch loss before the step."""
    n = len(x)
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    z2 = sigmoid(z1 @ params["W2"] + params["b2"])
    y = softmax(z2 @ params["W3"] + params["b3"])
    loss = -float(np.mean(np.log(y[np.arange(n), t] + 1e-7)))

    da3 = y.copy()
    da3[np.arange(n), t] -= 1.0
    da3 /= n  # softmax + cross-entropy: dL/da3 = (y - onehot) / n
    da2 = (da3 @ params["W3"].T) * z2 * (1.0 - z2)
    da1 = (da2 @ params["W2"].T) * z1 * (1.0 - z1)
    grads = {"W3": z2.T @ da3, "b3": da3.sum(axis=0),
             "W2": z1.T @ da2, "b2": da2.sum(axis=0),
             "W1": x.T @ da1, "b1": da1.sum(axis=0)}
    for key, grad in grads.items():
        params[key] -= lr * grad
    return loss


def train(epochs: int = EPOCHS, seed: int = SEED) -> tuple[dict[str, np.ndarray], float, float]:
    """Train from scratch; return ``(params, test accuracy, seconds)``, printing one line per epoch."""
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, flatten=True, one_hot_label=False)
    t_train, t_test = t_train.astype(np.int64), t_test.astype(np.int64)
    rng = np.random.default_rng(seed)
    params = init_params(rng)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        losses = [sgd_step(params, x_train[idx], t_train[idx], LEARNING_RATE)
                  for idx in np.split(order, len(order) // BATCH_SIZE)]
        print(f"epoch {epoch:2d}/{epochs}  loss {np.mean(losses):.4f}  "
              f"train accuracy {accuracy(params, x_train, t_train):.4f}  "
              f"{time.perf_counter() - start:6.1f} s", flush=True)
    seconds = time.perf_counter() - start
    return params, accuracy(params, x_test, t_test), seconds


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def readme_section(params, test_accuracy: float, seconds: float, epochs: int, seed: int, file_sha: str) -> str:
    """Return the README section that documents the weights just written."""
    arrays = "\n".join(f"| `{k}` | {v.shape} | `{hashlib.sha256(v.tobytes()).hexdigest()}` |"
                       for k, v in params.items())
    return f"""{README_MARKER}
# sample_weight.npz

Pretrained weights for the MNIST inference lesson of `03_forward_propagation`,
replacing the lectures' pickled `sample_weight.pkl` with the same architecture:
784 → 50 → 100 → 10, sigmoid hidden layers, softmax output. Arrays `W1 b1 W2 b2 W3 b3`
(float32), written with `np.savez` (no pickle). Load them with
`course.pretrained.load_sample_weights()`, which checks the file's SHA-256:
`{file_sha}`.

Made by `python -m autograder.train_pretrained` (plain NumPy, never shipped to
students) on the 60,000 MNIST training images:

| setting | value |
|---|---|
| seed | `np.random.default_rng({seed})` (initial weights and the shuffling of every epoch) |
| initial weights | normal, std 1/sqrt(fan-in); biases 0 |
| training | mini-batch SGD, batch {BATCH_SIZE}, learning rate {LEARNING_RATE}, {epochs} epochs, mean cross-entropy |
| training time | {seconds:.0f} s on the machine that made the file |
| **test accuracy** | **{test_accuracy:.4f}** on the 10,000 test images (the lectures' pickle: 0.9352) |

Checksums of the arrays' raw bytes (a rerun on the same machine reproduces them;
another BLAS may change the last bits):

| array | shape | SHA-256 |
|---|---|---|
{arrays}
"""


def write_readme(section: str) -> None:
    """Replace (or append) the generated section at the end of course/data/README.md."""
    text = README.read_text()
    kept = text.split(README_MARKER)[0].rstrip("\n")
    README.write_text(kept + "\n\n" + section)


def main() -> None:
    """Train, save the weights and document them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    print(f"training 784-50-100-10 (sigmoid, softmax) on 60,000 MNIST images, seed {args.seed}, "
          f"{args.epochs} epochs", flush=True)
    params, test_accuracy, seconds = train(args.epochs, args.seed)
    print(f"test accuracy {test_accuracy:.4f} on 10,000 images, trained in {seconds:.1f} s")
    np.savez(args.output, **params)
    file_sha = sha256_file(args.output)
    print(f"wrote {args.output}\nSHA-256 {file_sha}")
    if args.output == OUTPUT:
        write_readme(readme_section(params, test_accuracy, seconds, args.epochs, args.seed, file_sha))
        print(f"updated {README}; now set SHA256 in course/pretrained.py to the value above")


if __name__ == "__main__":
    main()
