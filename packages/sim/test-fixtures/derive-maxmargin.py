#!/usr/bin/env python3
"""Independent ℓ1 max-margin values for src/loaders/realsets.test.ts (no HiGHS): writes the LP of
MODEL.md (min Σ(u+v) s.t. y_i x_i·(u−v) ≥ 1, u, v ≥ 0) for the vendored sets in CPLEX LP format and
solves it with GLPK's exact rational simplex (Debian glpk-utils 5.0: `glpsol --exact`).
The ℓ1 margin is 1/objective. Iris values have one decimal, digits are integers/16: both exact."""
import gzip, re, subprocess, sys
from pathlib import Path
DATA = Path(__file__).resolve().parent.parent / "data"

def solve(name, rows, d, rhs):
    L = ["Minimize", "obj: " + " + ".join(f"u{j} + v{j}" for j in range(d)), "Subject To"]
    for i, (x, y) in enumerate(rows):
        t = " ".join(f"{'+' if y*c > 0 else '-'} {abs(c)} u{j} {'-' if y*c > 0 else '+'} {abs(c)} v{j}" for j, c in enumerate(x) if c)
        L.append(f"c{i}: {t} >= {rhs}")
    Path(f"/tmp/{name}.lp").write_text("\n".join(L + ["End"]) + "\n")
    subprocess.run(["glpsol", "--lp", f"/tmp/{name}.lp", "--exact", "-o", f"/tmp/{name}.txt"], check=True, capture_output=True)
    obj = float(re.search(r"obj = ([-\d.e+]+)", Path(f"/tmp/{name}.txt").read_text()).group(1))
    print(f"{name}: objective {obj!r}, l1 margin {1/obj!r}")

iris = [l.split(",") for l in (DATA / "iris.csv").read_text().split("\n")[1:] if l]
solve("iris", [([int(round(float(v) * 10)) for v in r[:4]], -1 if r[4] == "setosa" else 1) for r in iris if r[4] in ("setosa", "versicolor")], 4, 10)
dig = [l.split(",") for l in gzip.open(DATA / "digits.csv.gz", "rt").read().split("\n") if l]
solve("digits", [([int(v) for v in r[:64]], -1 if r[64] == "0" else 1) for r in dig if r[64] in ("0", "1")], 64, 16)
