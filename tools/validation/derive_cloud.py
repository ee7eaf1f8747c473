#!/usr/bin/env python3
"""Derive the proximal-arm turns/amplitude cloud and the turns/amplitude ratio limit from the
**healthy deltoid** readings of a run (`run_validation.py --only algiers --muscle deltoid --json RUN.json`).

The procedure the limits in `interferenceCloud()` were set by (docs/validation.md, "Every number set
while looking at the deltoid data"), written down so it can be repeated when the turn count changes:
- cloud: least-squares line of log(mean amplitude per turn) on log(turns/s) over every counted epoch
  (>= 30 turns/s) of the healthy deltoids; the 5th and 95th percentiles of the residuals give two
  curves, each drawn as the straight line through its values at 200 and 800 turns/s;
- turns/amplitude ratio: the 95th percentile of the records' turns/s per uV rms (records with >= 3
  counted epochs);
- largest potentials (unchanged by the turn count; printed for reference): the 90th percentile;
- spectral limit: the 95th percentile of the records' mean frequency (20-1000 Hz; records with
  >= 3 counted epochs).
Nothing here looks at the myopathic or neuropathic records.
"""
import argparse, json
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_json")
    a = ap.parse_args()
    recs = [r for r in json.load(open(a.run_json))
            if r["dataset"] == "algiers" and r["muscle"] == "deltoid" and r["truth"] == "normal" and r.get("interference")]
    t, amp, ratios, spikes, mfs = [], [], [], [], []
    for r in recs:
        ip = r["interference"]
        ep = [e for e in ip.get("epochs", []) if e["turnsPerSec"] > 0 and e["meanAmplitudePerTurnUv"] > 0]
        t += [e["turnsPerSec"] for e in ep]
        amp += [e["meanAmplitudePerTurnUv"] for e in ep]
        if len(ep) >= 3 and ip.get("turnsPerRms", 0) > 0:
            ratios.append(ip["turnsPerRms"])
        if len(ep) >= 3 and ip.get("meanFrequencyHz", 0) > 0:
            mfs.append(ip["meanFrequencyHz"])
        if len(ep) >= 3 and ip.get("largestSpikesUv", 0) > 0:
            spikes.append(ip["largestSpikesUv"])
    lt, la = np.log(t), np.log(amp)
    beta, alpha = np.polyfit(lt, la, 1)
    res = la - (alpha + beta * lt)
    print(f"healthy deltoids: {len(recs)} records, {len(t)} epochs; log fit: amplitude = {np.exp(alpha):.1f} * T^{beta:.3f}")
    for name, q in (("low", 5), ("high", 95)):
        r = np.percentile(res, q)
        y200, y800 = (np.exp(alpha + beta * np.log(T) + r) for T in (200.0, 800.0))
        slope = (y800 - y200) / 600.0
        print(f"{name} ({q}th percentile): {y200 - slope * 200:.0f} + {slope:.3f} * T uV per turn")
    print(f"turns/amplitude ratio 95th percentile: {np.percentile(ratios, 95):.3f} ({len(ratios)} records); 90th {np.percentile(ratios, 90):.3f}")
    print(f"largest potentials 90th percentile: {np.percentile(spikes, 90):.0f} uV")
    print(f"mean frequency 95th percentile: {np.percentile(mfs, 95):.0f} Hz ({len(mfs)} records)")


if __name__ == "__main__":
    main()
