"""The readout benchmark's estimators in statsmodels / numpy, row by row, on the same data (called by
bench/readout-throughput.ts; not a test).

    /usr/bin/python3 bench/readout_statsmodels.py LOG.csv NODE_TOTAL_SECONDS

Welch (statsmodels ttest_ind, unequal variances), OLS with cluster-robust SE (statsmodels CR1) plus the CR2
Bell-McCaffrey adjustment in numpy (statsmodels has no CR2), winsorized Welch, CUPED, QTE with a cluster bootstrap
(np.quantile on the resampled rows) and randomization inference re-drawing the cluster assignment on the rows.
The bootstrap and the permutations are too slow to run in full on 10M rows: a fraction is timed and the full
count extrapolated linearly (said so in the output).
"""
import functools
import resource
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.weightstats import ttest_ind

print = functools.partial(print, flush=True)
path, node_total = sys.argv[1], float(sys.argv[2])
BOOTSTRAP, PERMUTATIONS = 200, 10_000
BOOTSTRAP_TIMED, PERMUTATIONS_TIMED = 4, 20
rng = np.random.default_rng(1)
times = {}
notes = {}

t0 = time.perf_counter()
frame = pd.read_csv(path, dtype={"cluster": np.int64, "treated": np.int64, "pre_cost": np.float64, "cost": np.float64})
load_seconds = time.perf_counter() - t0
y = frame["cost"].to_numpy()
d = frame["treated"].to_numpy()
x = frame["pre_cost"].to_numpy()
cluster = frame["cluster"].to_numpy()
del frame


def timed(name, fn):
    start = time.perf_counter()
    value = fn()
    times[name] = time.perf_counter() - start
    return value


def welch(values):
    t, p, df = ttest_ind(values[d == 1], values[d == 0], usevar="unequal")
    return values[d == 1].mean() - values[d == 0].mean(), p


welch_value = timed("Welch", lambda: welch(y))


def cr2():
    design = sm.add_constant(d.astype(float))
    fit = sm.OLS(y, design).fit(cov_type="cluster", cov_kwds={"groups": cluster})
    cr1_se = fit.bse[1]
    # CR2 (Bell & McCaffrey 2002): A_g = (I - H_gg)^(-1/2); with regressors (1, d) constant within a cluster,
    # H_gg = n_g^(-1)-scaled rank-one, so A_g e_g adds (1/sqrt(1 - h_g) - 1) times the cluster's mean residual.
    bread = np.linalg.inv(design.T @ design)
    residual = y - design @ fit.params
    order = np.argsort(cluster, kind="stable")
    bounds = np.flatnonzero(np.diff(cluster[order])) + 1
    meat = np.zeros((2, 2))
    for rows in np.split(order, bounds):
        xg = design[rows]
        eg = residual[rows]
        if len(rows) > 64:
            lever = (xg[0] @ bread @ xg[0]) * len(rows)  # the one non-zero eigenvalue of H_gg
            adjusted = eg + (1 / np.sqrt(1 - lever) - 1) * eg.mean()
        else:
            values, vectors = np.linalg.eigh(np.eye(len(rows)) - xg @ bread @ xg.T)
            adjusted = vectors @ np.diag(1 / np.sqrt(np.clip(values, 1e-12, None))) @ vectors.T @ eg
        score = xg.T @ adjusted
        meat += np.outer(score, score)
    covariance = bread @ meat @ bread
    return fit.params[1], np.sqrt(covariance[1, 1]), cr1_se


cr2_value = timed("CR2 (statsmodels OLS + cluster CR1, numpy CR2)", cr2)
cap = np.quantile(y, 0.99)
winsorized_value = timed("winsorized", lambda: welch(np.minimum(y, cap)))


def cuped():
    theta = np.cov(x, y)[0, 1] / np.var(x, ddof=1)
    return welch(y - theta * (x - x.mean()))


cuped_value = timed("CUPED", cuped)

probabilities = [0.5, 0.9, 0.95, 0.99]
rows_of = {c: np.flatnonzero(cluster == c) for c in np.unique(cluster)} if len(np.unique(cluster)) <= 5000 else {}
treated_clusters = np.array([c for c, r in rows_of.items() if d[r[0]] == 1])
control_clusters = np.array([c for c, r in rows_of.items() if d[r[0]] == 0])


def qte():
    point = np.quantile(y[d == 1], probabilities) - np.quantile(y[d == 0], probabilities)
    draws = []
    for _ in range(BOOTSTRAP_TIMED):
        t = np.concatenate([rows_of[c] for c in rng.choice(treated_clusters, len(treated_clusters))])
        c = np.concatenate([rows_of[c] for c in rng.choice(control_clusters, len(control_clusters))])
        draws.append(np.quantile(y[t], probabilities) - np.quantile(y[c], probabilities))
    return point


start = time.perf_counter()
qte_value = qte()
qte_seconds = time.perf_counter() - start
times["QTE cluster bootstrap"] = qte_seconds * BOOTSTRAP / BOOTSTRAP_TIMED
notes["QTE cluster bootstrap"] = f"timed {BOOTSTRAP_TIMED} of {BOOTSTRAP} resamples, extrapolated"


def randomization():
    clusters = np.unique(cluster)
    index = np.searchsorted(clusters, cluster)
    arm = np.zeros(len(clusters), dtype=np.int64)
    arm[index] = d
    observed = y[d == 1].mean() - y[d == 0].mean()
    extreme = 0
    for _ in range(PERMUTATIONS_TIMED):
        permuted = rng.permutation(arm)[index]
        value = y[permuted == 1].mean() - y[permuted == 0].mean()
        extreme += abs(value) >= abs(observed)
    return observed


start = time.perf_counter()
ri_value = randomization()
ri_seconds = time.perf_counter() - start
times["randomization inference"] = ri_seconds * PERMUTATIONS / PERMUTATIONS_TIMED
notes["randomization inference"] = f"timed {PERMUTATIONS_TIMED} of {PERMUTATIONS} permutations, extrapolated"

total = sum(times.values())
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"statsmodels {sm.__version__} / numpy {np.__version__}, row by row on the same {len(y):,} rows (CSV load {load_seconds:.1f} s, not counted):")
for name, seconds in times.items():
    print(f"  {name:<56} {seconds:8.3f} s{'   (' + notes[name] + ')' if name in notes else ''}")
print(f"  {'total':<56} {total:8.3f} s   peak RSS {peak_mib:.0f} MiB")
print(f"  estimates: Welch {welch_value[0]:.6f}; CR2 {cr2_value[0]:.6f} (SE {cr2_value[1]:.6f}; statsmodels cluster CR1 SE {cr2_value[2]:.6f}); "
      f"winsorized {winsorized_value[0]:.6f}; CUPED {cuped_value[0]:.6f}; QTE {', '.join(f'{v:.6f}' for v in qte_value)}")
print(f"time ratio statsmodels / goodput: {total / node_total:.1f}x ({total:.1f} s vs {node_total:.1f} s)")
