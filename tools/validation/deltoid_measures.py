#!/usr/bin/env python3
"""Record-level measures of the Algiers deltoid records (development set only; issue 10).

Computes, for every deltoid record (5 s, 32768 Hz, uV), measures of the interference pattern that
the literature links to myopathy (brief, small, polyphasic potentials) or to neuropathy (large
potentials), and prints for each the area under the ROC curve of healthy against each disease and
the healthy records' 5th/95th percentiles: the numbers behind the "Myopathy measures examined"
section of docs/validation.md. With --readings (the --json of run_validation.py) it also replays
the reading with one measure added as one more piece of evidence at a healthy percentile limit.
Nothing here is trained on the labels; the AUCs only say how far each measure separates the classes.

Reads only the '01_Deltoid' folder: the biceps folder is held out and must not be looked at.
Needs numpy and scipy (/usr/bin/python3).
"""
import argparse, glob, json, os

import numpy as np
import scipy.signal as ss
from scipy.ndimage import maximum_filter1d

FS = 32768.0
CLASS = {"Healthy": "normal", "Myopathy": "myopathic", "Neuropathy": "neuropathic"}


def turn_points(x, crit=100.0):
    """Willison turns: a direction change with >= crit uV on both sides (as turnPoints in C++)."""
    tp, d, ext, lo, hi = [], 0, 0, 0, 0
    for i in range(1, len(x)):
        v = x[i]
        if d == 0:
            lo = i if v < x[lo] else lo
            hi = i if v > x[hi] else hi
            if v - x[lo] >= crit:
                d, ext = 1, i
            elif x[hi] - v >= crit:
                d, ext = -1, i
        elif d > 0:
            if v > x[ext]:
                ext = i
            elif x[ext] - v >= crit:
                tp.append(ext); d, ext = -1, i
        else:
            if v < x[ext]:
                ext = i
            elif v - x[ext] >= crit:
                tp.append(ext); d, ext = 1, i
    return np.array(tp, int)


def spike_measures(x):
    """Spikes: |x| >= 100 uV and the largest within +-1 ms; their peak to peak within +-1 ms and
    their half-width (time |x| stays above half the peak, same sign)."""
    half = int(round(0.001 * FS))
    a = np.abs(x)
    idx = np.where((a == maximum_filter1d(a, 2 * half + 1)) & (a >= 100.0))[0]
    pp, hw = [], []
    for i in idx:
        seg = x[max(0, i - half):i + half + 1]
        pp.append(seg.max() - seg.min())
        s, lim = np.sign(x[i]), abs(x[i]) / 2
        j, k = i, i
        while j > 0 and s * x[j] > lim:
            j -= 1
        while k < len(x) - 1 and s * x[k] > lim:
            k += 1
        hw.append((k - j) / FS * 1e3)
    return idx, np.array(pp), np.array(hw)


def measures(raw):
    x = ss.sosfiltfilt(ss.butter(2, [10, 10000], btype="band", fs=FS, output="sos"), raw)
    f, p = ss.welch(x, FS, nperseg=4096)
    band = lambda lo, hi: (f >= lo) & (f <= hi)
    rms = float(np.sqrt(np.mean(x ** 2)))
    idx, pp, hw = spike_measures(x)
    top = np.argsort(pp)[::-1][:20]
    tp = turn_points(x)
    seg_amp = np.abs(np.diff(x[tp])) if len(tp) > 1 else np.zeros(1)
    hp = ss.sosfiltfilt(ss.butter(4, [1000, 4000], btype="band", fs=FS, output="sos"), x)
    return {
        "rmsUv": rms,
        "meanFreq20_1000Hz": float((f[band(20, 1000)] * p[band(20, 1000)]).sum() / p[band(20, 1000)].sum()),
        "power500_4000_over_20_500": float(p[band(500, 4000)].sum() / p[band(20, 500)].sum()),
        "rms1_4kHz_over_rms": float(np.sqrt(np.mean(hp ** 2)) / rms),
        "spikesPerSec": len(idx) / (len(x) / FS),
        "largest20Uv": float(np.median(pp[top])) if len(pp) >= 20 else 0.0,
        "spikeHalfWidthMs": float(np.median(hw)) if len(hw) else 0.0,
        "largest20HalfWidthMs": float(np.median(hw[top])) if len(hw) >= 20 else 0.0,
        "turnsPerSecPerRmsUv": len(tp) / (len(x) / FS) / rms,
        "smallSegmentFraction": float(np.mean(seg_amp < 200.0)),
        "kurtosis": float(np.mean(x ** 4) / np.mean(x ** 2) ** 2),
    }


def auc(a, b):
    a, b = np.asarray(a)[:, None], np.asarray(b)[None, :]
    return float(np.mean(a > b) + 0.5 * np.mean(a == b))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder holding '01_Deltoid/{Healthy,Myopathy,Neuropathy}/*.asc'")
    ap.add_argument("--readings", help="run_validation.py --json output of the deltoid run, to replay")
    a = ap.parse_args()
    roots = glob.glob(os.path.join(a.data, "**", "01_Deltoid"), recursive=True)
    if not roots:
        raise SystemExit("no 01_Deltoid folder under " + a.data)
    recs = []
    for cls, truth in CLASS.items():
        for path in sorted(glob.glob(os.path.join(roots[0], cls, "*.asc"))):
            m = measures(np.array(open(path).read().split(), dtype=float))
            recs.append({"file": os.path.basename(path), "truth": truth, **m})
    keys = [k for k in recs[0] if k not in ("file", "truth")]
    by = {t: [r for r in recs if r["truth"] == t] for t in CLASS.values()}
    active = [r for r in by["normal"] if r["spikesPerSec"] >= 4]
    print("| measure | AUC myopathic > healthy | AUC neuropathic > healthy | AUC myopathic > neuropathic | healthy 5th / 95th percentile |")
    print("|---|---|---|---|---|")
    for k in keys:
        h, m, n = ([r[k] for r in by[t]] for t in ("normal", "myopathic", "neuropathic"))
        p5, p95 = np.percentile([r[k] for r in active], [5, 95])
        print(f"| {k} | {auc(m, h):.2f} | {auc(n, h):.2f} | {auc(m, n):.2f} | {p5:.4g} / {p95:.4g} |")
    if a.readings:
        replay(json.load(open(a.readings)), {r["file"]: r for r in recs}, active)


def replay(readings, recs, healthy):
    """The reading's vote (muscle_reading.cpp) with one measure added as evidence at a healthy limit."""
    def vote(ev):
        if not ev:
            return "insufficient"
        n = sum(s in ("neuropathic", "mixed") for s in ev)
        m = sum(s in ("myopathic", "mixed") for s in ev)
        if n and m:
            return "neuropathic" if n > m else "myopathic" if m > n else "mixed"
        return "neuropathic" if n else "myopathic" if m else "normal"
    tests = [("spikeHalfWidthMs", 5, True), ("largest20HalfWidthMs", 5, True), ("power500_4000_over_20_500", 95, False),
             ("rms1_4kHz_over_rms", 95, False), ("smallSegmentFraction", 95, False), ("kurtosis", 95, False), (None, 0, False)]
    for key, pct, low in tests:
        lim = np.percentile([r[key] for r in healthy], pct) if key else 0.0
        hits = {t: 0 for t in CLASS.values()}
        total = {t: 0 for t in CLASS.values()}
        for j in readings:
            if j.get("muscle") != "deltoid" or j["file"] not in recs:
                continue
            ev = [e["suggests"] for e in j["muscleReading"]["evidence"] if e["counted"]]
            r = recs[j["file"]]
            epochs = len((j.get("interference") or {}).get("epochs", []))
            if key and epochs >= 3 and r["spikesPerSec"] >= 4:
                ev.append("myopathic" if (r[key] < lim if low else r[key] > lim) else "normal")
            total[j["truth"]] += 1
            hits[j["truth"]] += vote(ev) == j["truth"]
        rec = [hits[t] / max(1, total[t]) for t in ("normal", "myopathic", "neuropathic")]
        name = f"{key} {'<' if low else '>'} {lim:.4g} (healthy {pct}th)" if key else "as read (no measure added)"
        print(f"{name}: balanced accuracy {np.mean(rec):.3f} (recall {rec[0]:.2f} / {rec[1]:.2f} / {rec[2]:.2f})")


if __name__ == "__main__":
    main()
