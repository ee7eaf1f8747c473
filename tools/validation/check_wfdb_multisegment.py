#!/usr/bin/env python3
"""Our reading of multi-segment WFDB records against wfdb-python's (an independent reader).

For each master header given: `emgws-cli convert` to BDF+ (24 bits), read back by MNE, compared
signal by signal with wfdb-python's `rdrecord(..., m2s=True, smooth_frames=False)` over the frames
we read (wfdb-python's rows of null segments, and of segments we leave out as holes because they
lack one of our signals, removed). Prints per signal the largest difference and half a 24-bit step
of its range (the conversion's own rounding): equal or smaller means the same values.

Needs wfdb-python (and its imports: numpy, pandas, fsspec, requests, soundfile) and MNE:
  PYTHONPATH=/path/to/wfdb-python python3 tools/validation/check_wfdb_multisegment.py \
      --cli build/src/cli/emgws-cli sample-data/multi-segment/fixed1/v102s.hea ...
The sample records: repository MIT-LCP/wfdb-python, folder sample-data/multi-segment (fetched,
never committed)."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import mne
import numpy as np
import wfdb

TO_UV = {"mV": 1e3, "uV": 1.0, "V": 1e6}


def check(cli, hea, work):
    base = hea[:-4]
    out = os.path.join(work, os.path.basename(base) + ".bdf")
    r = subprocess.run([cli, "convert", hea, out], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"{os.path.basename(hea)}: refused: {r.stderr.strip()[:200]}")
        return True
    rep = json.loads(r.stdout)
    ours_labels = [c["label"] for c in rep["channels"]]
    head = wfdb.rdheader(base)
    ref = wfdb.rdrecord(base, physical=True, m2s=True, smooth_frames=False)
    raw = mne.io.read_raw_bdf(out, preload=True, verbose="error", infer_types=False)
    folder = os.path.dirname(hea)
    # frames we read: segments with samples that hold every signal we kept
    spans, at = [], 0
    for name, n in zip(head.seg_name, head.seg_len):
        if name != "~" and n > 0 and all(l in wfdb.rdheader(os.path.join(folder, name)).sig_name for l in ours_labels):
            spans.append((at, at + n))
        at += n
    print(f"{os.path.basename(hea)}: {len(head.seg_name)} segments, {rep['gaps']} holes, ours {[(c['label'], c['samples']) for c in rep['channels']]}")
    same = True
    for i, name in enumerate(ref.sig_name):
        if name not in ours_labels:
            print(f"    {name}: not read (warning: {'; '.join(w for w in rep['warnings'] if name in w)[:120]})")
            continue
        spf = ref.samps_per_frame[i]
        theirs = np.concatenate([ref.e_p_signal[i][a * spf:b * spf] for a, b in spans])
        unit = ref.units[i]
        lab = [k for k in raw.ch_names if k == name or k.endswith(" " + name)][0]
        ours = raw.get_data(picks=[lab])[0]
        if unit in TO_UV:
            ours, theirs = ours * 1e6, theirs * TO_UV[unit]   # MNE: volts
        if len(ours) != len(theirs):   # MNE gives every signal the fastest one's rate: compare where rates agree only
            print(f"    {name}: {len(theirs)} samples; MNE resampled ours to {len(ours)}: not compared here")
            continue
        invalid = np.isnan(theirs)
        diff = float(np.abs(ours[~invalid] - theirs[~invalid]).max())
        half = float(np.nanmax(theirs) - np.nanmin(theirs)) / 2 ** 25
        ok = diff <= half * 1.001 and np.all(np.abs(ours[invalid]) <= half * 1.001 + 1e-12)
        same = same and ok
        print(f"    {name} ({unit}): {len(ours)} samples, largest difference {diff:.3g}, half a 24-bit step {half:.3g}, "
              f"{int(invalid.sum())} invalid (WFDB) read as 0: {'same' if ok else 'DIFFERENT'}")
    return same


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default="build/src/cli/emgws-cli")
    ap.add_argument("headers", nargs="+")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        ok = all([check(a.cli, h, work) for h in a.headers])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
