"""Reference values for src/core/metrics/stats.ts: Welch's t-test (t, df, two-sided p, 95% CI of the
difference of means) from SciPy's ttest_ind(equal_var=False), written once to
tests/fixtures/stats/welch-scipy.json. Run: python3 scripts/stats-fixtures.py"""
import json
import sys

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(18)
cases = [
    ("seed-sized accuracies", [97.24, 97.11, 97.38], [97.02, 96.88, 97.15]),
    ("n = 2 each", [0.71, 0.74], [0.69, 0.7]),
    ("n = 2 vs 5", [1.0, 3.0], [2.0, 2.5, 2.2, 2.8, 2.1]),
    ("one zero variance", [1.0, 1.0, 1.0, 1.0], [2.0, 3.0, 4.0]),
    ("identical groups", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
    ("far apart (tiny p)", [0.0, 0.01, -0.01, 0.005, -0.005], [5.0, 5.01, 4.99, 5.005, 4.995]),
    ("large offset", [1e6 + 0.1, 1e6 + 0.2, 1e6 + 0.3], [1e6 + 0.15, 1e6 + 0.45, 1e6 + 0.6, 1e6 + 0.05]),
    ("very unequal variances", [10.0, 10.1, 9.9, 10.05], [5.0, 25.0, -3.0, 14.0, 30.0, 8.0]),
]
for k in range(8):
    na, nb = int(rng.integers(2, 12)), int(rng.integers(2, 12))
    a = rng.normal(0.0, float(rng.uniform(0.1, 3)), na).round(6)
    b = rng.normal(float(rng.uniform(-2, 2)), float(rng.uniform(0.1, 3)), nb).round(6)
    cases.append((f"random {k} (n={na},{nb})", a.tolist(), b.tolist()))

out = []
for name, a, b in cases:
    r = stats.ttest_ind(a, b, equal_var=False)
    ci = r.confidence_interval(0.95)
    out.append({"name": name, "a": a, "b": b, "t": float(r.statistic), "df": float(r.df), "p": float(r.pvalue),
                "ci95": [float(ci.low), float(ci.high)]})

doc = {"source": f"scipy {scipy.__version__} stats.ttest_ind(a, b, equal_var=False), confidence_interval(0.95); "
                  f"numpy {np.__version__}; python {sys.version.split()[0]}; scripts/stats-fixtures.py", "cases": out}
with open("tests/fixtures/stats/welch-scipy.json", "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print(len(out), "cases")
