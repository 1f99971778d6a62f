"""samlab benchmark only: the discrete step of MODEL.md in NumPy, as a researcher would write it.

    python3 numpy_step.py single|batch <data.bin> <steps> <reps>

Reads the same data file as bench/native/step.c (little-endian f64: n, d, L, algo, loss, lr, rho, R,
x, y, w0) and prints one JSON line {"ns": [...], "cpu": [...], "beta": [...]}. `batch` advances all R runs at once,
vectorized over the batch (arrays of shape (L, d, R)). bench/run.mjs runs it with one BLAS thread.
Matrix-vector products go through BLAS, so sums are not in the engines' order: agreement with them
is to rounding (a few 1e-12 relative over the benchmark's step counts), not bitwise.
"""
import json
import sys
import time

import numpy as np

GD, SAM_L2, SAM_LINF, USAM = 0, 1, 2, 3


def load(path):
    raw = np.fromfile(path, dtype="<f8")
    n, d, L, algo, loss, lr, rho, R = raw[:8]
    n, d, L, algo, loss, R = int(n), int(d), int(L), int(algo), int(loss), int(R)
    o = 8
    x = raw[o : o + n * d].reshape(n, d)
    o += n * d
    y = raw[o : o + n]
    o += n
    w0 = raw[o : o + R * L * d].reshape(R, L, d)
    return n, d, L, algo, loss, float(lr), float(rho), R, x, y, w0


def loss_prime(loss, z):
    return -1.0 / (1.0 + np.exp(z)) if loss == 0 else -np.exp(-z)


def layer_grads(W, g):
    """∂L/∂w_l = g ⊙ Π_{k≠l} w_k with prefix/suffix products (no division). W: (L, d[, R])."""
    L = W.shape[0]
    G = np.empty_like(W)
    if L == 1:
        G[0] = g
        return G
    p = np.ones_like(W[0])
    for l in range(L):
        G[l] = p
        p = p * W[l]
    s = np.ones_like(W[0])
    for l in range(L - 1, -1, -1):
        G[l] = g * (G[l] * s)
        s = s * W[l]
    return G


def make_step(n, d, L, algo, loss, lr, rho, yx, batched):
    inv_n = 1.0 / n
    # batched: W (L, d, R), beta (d, R), z (n, R), per-run reductions over axes (0, 1)
    axes = (0, 1) if batched else None

    def grad(W):
        beta = np.prod(W, axis=0)
        z = yx @ beta
        r = loss_prime(loss, z) * inv_n
        g = yx.T @ r
        return layer_grads(W, g)

    def step(W):
        G = grad(W)
        if algo == GD:
            return W - lr * G
        if algo == SAM_L2:
            norm = np.sqrt(np.sum(G * G, axis=axes))
            scale = np.divide(rho, norm, out=np.zeros_like(norm), where=norm != 0)
            Wp = W + scale * G
        elif algo == SAM_LINF:
            Wp = W + rho * np.sign(G)
        else:
            Wp = W + rho * G
        return W - lr * grad(Wp)

    return step


def main():
    mode, path, steps, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    n, d, L, algo, loss, lr, rho, R, x, y, w0 = load(path)
    yx = np.ascontiguousarray(y[:, None] * x)
    batched = mode == "batch"
    step = make_step(n, d, L, algo, loss, lr, rho, yx, batched)
    times = []
    cpu = []
    W = None
    for _ in range(reps):
        W = np.ascontiguousarray(np.transpose(w0, (1, 2, 0))) if batched else w0[0].copy()
        c0 = time.process_time_ns()
        t0 = time.perf_counter_ns()
        for _ in range(steps):
            W = step(W)
        times.append(time.perf_counter_ns() - t0)
        cpu.append(time.process_time_ns() - c0)
    beta = np.prod(W, axis=0)
    flat = beta.T.reshape(-1) if batched else beta
    print(json.dumps({"ns": times, "cpu": cpu, "beta": [float(v) for v in flat], "numpy": np.__version__}))


if __name__ == "__main__":
    main()
