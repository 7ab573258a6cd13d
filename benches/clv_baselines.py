"""The classic customer-base models on a purchase log, beside vigil's purchase and churn
predictions: BG/NBD (Fader, Hardie & Lee 2005) and Pareto/NBD (Schmittlein, Morrison &
Colombo 1987), fitted by maximum likelihood on each customer's (x, t_x, T) before the cut-off.

    python3 benches/clv_baselines.py LOG --at 1997-10-01 --horizon-days 90

LOG is CDNOW's `customer_id date number_of_cds dollar_value` (whitespace-separated, dates
YYYYMMDD). Time is in days; a customer's repeat purchases are their purchase days after the
first. The targets are vigil's (`src/predict/targets.rs`):
- purchase: did a customer seen before the cut-off buy in [cut-off, cut-off + horizon)?
- churn: did a customer who bought in [cut-off - horizon, cut-off) buy nothing in the horizon?
Each model scores P(at least one purchase in the horizon | history) (churn: one minus it):
closed form for BG/NBD (a customer drops out only just after a purchase), and by seeded Monte
Carlo over the posterior purchase and dropout rates for Pareto/NBD. Prints ROC-AUC and AP.
"""

import argparse
import datetime as dt
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1


def read(path, cutoff, horizon):
    """Per customer: first and last purchase day before the cut-off, distinct purchase days
    before it, and whether they bought in the horizon."""
    days = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            d = dt.date(int(parts[1][:4]), int(parts[1][4:6]), int(parts[1][6:8]))
            days.setdefault(parts[0], set()).add((d - cutoff).days)
    x, tx, T, bought, recent = [], [], [], [], []
    for ds in days.values():
        before = sorted(d for d in ds if d < 0)
        if not before:
            continue
        first, last = before[0], before[-1]
        x.append(len(before) - 1)
        tx.append(last - first)
        T.append(-first)
        bought.append(any(0 <= d < horizon for d in ds))
        recent.append(last >= -horizon)
    return (np.array(x, float), np.array(tx, float), np.array(T, float),
            np.array(bought), np.array(recent))


def bgnbd_ll(p, x, tx, T):
    r, alpha, a, b = np.exp(p)
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a1 = betaln(a, b + x) - betaln(a, b) + common - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a2 = np.where(x > 0, betaln(a + 1, b + x - 1) - betaln(a, b) + common
                      - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(np.logaddexp(a1, a2))


def bgnbd_purchase(p, x, tx, T, h):
    r, alpha, a, b = np.exp(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)
    alive = 1.0 / (1.0 + odds)
    return alive * (1.0 - ((alpha + T) / (alpha + T + h)) ** (r + x))


def pareto_a0(r, alpha, s, beta, x, tx, T):
    """A0 of the Pareto/NBD likelihood (Fader & Hardie's note, eq. 19 and 20)."""
    rsx = r + s + x
    if alpha >= beta:
        f = lambda t: hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + t)) / (alpha + t) ** rsx
    else:
        f = lambda t: hyp2f1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + t)) / (beta + t) ** rsx
    return f(tx) - f(T)


def pareto_ll(p, x, tx, T):
    r, alpha, s, beta = np.exp(p)
    a0 = pareto_a0(r, alpha, s, beta, x, tx, T)
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    inner = 1.0 / ((alpha + T) ** (r + x) * (beta + T) ** s) + s / (r + s + x) * a0
    if np.any(~np.isfinite(inner)) or np.any(inner <= 0):
        return 1e12
    return -np.sum(head + np.log(inner))


def pareto_purchase(p, x, tx, T, h, draws=4000, seed=7):
    r, alpha, s, beta = np.exp(p)
    a0 = pareto_a0(r, alpha, s, beta, x, tx, T)
    alive = 1.0 / (1.0 + s / (r + s + x) * (alpha + T) ** (r + x) * (beta + T) ** s * a0)
    # Alive at T, the posterior rates are independent gammas; no purchase in the horizon
    # happens when the customer dies first or simply buys nothing before it ends.
    rng = np.random.default_rng(seed)
    g_lam = rng.standard_gamma(np.add.outer(r + x, np.zeros(draws)))
    g_mu = rng.standard_gamma(np.full((len(x), draws), s))
    lam = g_lam / (alpha + T)[:, None]
    mu = g_mu / (beta + T)[:, None]
    total = lam + mu
    none = (mu + lam * np.exp(-total * h)) / total
    return alive * (1.0 - none.mean(axis=1))


def fit(ll, start, x, tx, T):
    best = minimize(ll, np.log(start), args=(x, tx, T), method="Nelder-Mead",
                    options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-6})
    return best.x


def roc_auc(score, y):
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    s = score[order]
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y.sum()
    return (ranks[y].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos))


def average_precision(score, y):
    order = np.argsort(-score, kind="mergesort")
    hits = np.cumsum(y[order])
    return float(np.sum(hits[y[order]] / (np.flatnonzero(y[order]) + 1)) / max(y.sum(), 1))


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--at", default="1997-10-01")
    ap.add_argument("--horizon-days", type=int, default=90)
    args = ap.parse_args(argv)
    cutoff = dt.date.fromisoformat(args.at)
    x, tx, T, bought, recent = read(args.log, cutoff, args.horizon_days)
    h = float(args.horizon_days)
    models = {
        "BG/NBD": (bgnbd_ll, bgnbd_purchase, [0.25, 4.0, 0.8, 2.5]),
        "Pareto/NBD": (pareto_ll, pareto_purchase, [0.5, 10.0, 0.5, 10.0]),
    }
    print(f"{len(x)} customers before {args.at}; horizon {args.horizon_days} days")
    print(f"{'':<28} {'purchase ROC-AUC':>17} {'AP':>7} {'churn ROC-AUC':>14} {'AP':>7}")
    for name, (ll, purchase, start) in models.items():
        p = fit(ll, start, x, tx, T)
        buy = purchase(p, x, tx, T, h)
        churn = 1.0 - buy[recent]
        gone = ~bought[recent]
        print(f"{name:<28} {roc_auc(buy, bought):>17.4f} {average_precision(buy, bought):>7.4f}"
              f" {roc_auc(churn, gone):>14.4f} {average_precision(churn, gone):>7.4f}"
              f"   (params {', '.join(f'{v:.3f}' for v in np.exp(p))})")


if __name__ == "__main__":
    main(sys.argv[1:])
