#!/usr/bin/env python3
"""Byte-identity check of `emgws-cli analyze` between two builds on NCS recordings.

Simulates motor, sensory, F-wave, H-reflex and RNS recordings (EDF+C with stimulus annotations),
derives from each an EDF+D (a 3 s gap from record 3 on), a BDF+ (through `convert`), an EDF with
a trigger channel coding each site and no annotations, and a WFDB record (format 16, the signal
and a trigger signal), then runs `analyze` with several option sets through both binaries and
compares exit status, stdout and stderr byte for byte (the file paths are the same).

usage: ncs_stream_identity.py --old OLD/emgws-cli --new NEW/emgws-cli [--dir DIR] [--sweeps N]
Prints one line per difference and a summary `identical K of N`; exit 1 on any difference.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile


def read_edf(path):
    b = open(path, "rb").read()
    ns = int(b[252:256])
    hb = int(b[184:192])
    nrec = int(b[236:244])
    dur = float(b[244:252])
    f = {}
    off = 256
    for key, w in [("label", 16), ("trans", 80), ("dim", 8), ("pmin", 8), ("pmax", 8), ("dmin", 8), ("dmax", 8),
                   ("pre", 80), ("spr", 8), ("res", 32)]:
        f[key] = [b[off + i * w: off + (i + 1) * w] for i in range(ns)]
        off += w * ns
    spr = [int(x) for x in f["spr"]]
    rec_bytes = 2 * sum(spr)
    return dict(raw=b, ns=ns, hb=hb, nrec=nrec, dur=dur, f=f, spr=spr, rec_bytes=rec_bytes)


def edf_plus_d(src, dst, gap_sec=3.0, from_record=3):
    """EDF+D: the time-keeping TAL and every annotation of records >= from_record moved gap_sec later."""
    e = read_edf(src)
    b = bytearray(e["raw"])
    b[192:236] = b"EDF+D".ljust(44)
    ann = [i for i in range(e["ns"]) if e["f"]["label"][i].strip() == b"EDF Annotations"]
    a = ann[0]
    a_off = 2 * sum(e["spr"][:a])
    a_len = 2 * e["spr"][a]
    for r in range(from_record, e["nrec"]):
        base = e["hb"] + r * e["rec_bytes"] + a_off
        tal = bytes(b[base: base + a_len])
        def shift(t):
            m = re.match(rb"([+-][0-9.]+)(.*)", t, re.S)
            if not m:
                return t
            return (b"%+.6f" % (float(m.group(1)) + gap_sec)).rstrip(b"0").rstrip(b".") + m.group(2)
        new = b"\x00".join(shift(t) for t in tal.rstrip(b"\x00").split(b"\x00")) + b"\x00"
        if len(new) > a_len:
            raise SystemExit("annotation signal too short for the shifted onsets")
        b[base: base + a_len] = new.ljust(a_len, b"\x00")
    open(dst, "wb").write(bytes(b))


def stimuli_of(src):
    """(onset s, site) of the 'Stim <site>' annotations."""
    e = read_edf(src)
    a = [i for i in range(e["ns"]) if e["f"]["label"][i].strip() == b"EDF Annotations"][0]
    a_off = 2 * sum(e["spr"][:a])
    out = []
    for r in range(e["nrec"]):
        base = e["hb"] + r * e["rec_bytes"] + a_off
        for tal in e["raw"][base: base + 2 * e["spr"][a]].split(b"\x00"):
            parts = tal.split(b"\x14")
            if len(parts) < 2 or not parts[0]:
                continue
            onset = float(parts[0].split(b"\x15")[0])
            for t in parts[1:]:
                if t.lower().startswith(b"stim"):
                    out.append((onset, t.decode("latin-1").split(" ", 1)[1].split(" ")[0] if b" " in t else ""))
    return out


def signal_samples(src):
    e = read_edf(src)
    spr = e["spr"][0]
    out = []
    for r in range(e["nrec"]):
        base = e["hb"] + r * e["rec_bytes"]
        out.extend(struct.unpack("<%dh" % spr, e["raw"][base: base + 2 * spr]))
    return e, out


def trigger_codes(src, n, rate):
    stim = stimuli_of(src)
    sites = []
    for _, s in stim:
        if s not in sites:
            sites.append(s)
    trig = [0] * n
    for t, s in stim:
        at = int(round(t * rate))
        for i in range(at, min(n, at + max(2, int(rate / 1000)))):
            trig[i] = 100 * (sites.index(s) + 1)
    return trig


def edf_with_trigger(src, dst):
    e, x = signal_samples(src)
    spr = e["spr"][0]
    rate = spr / e["dur"]
    trig = trigger_codes(src, len(x), rate)
    f = e["f"]
    h = b"0".ljust(8) + e["raw"][8:168] + e["raw"][168:184] + b"768".ljust(8) + b"".ljust(44)
    h += str(e["nrec"]).encode().ljust(8) + e["raw"][244:252] + b"2".ljust(4)
    fields = [("label", 16, b"Trigger"), ("trans", 80, b""), ("dim", 8, b"V"), ("pmin", 8, b"0"), ("pmax", 8, b"10"),
              ("dmin", 8, b"0"), ("dmax", 8, b"1000"), ("pre", 80, b""), ("spr", 8, str(spr).encode()), ("res", 32, b"")]
    for key, w, tv in fields:
        h += f[key][0] + tv.ljust(w)
    body = bytearray()
    for r in range(e["nrec"]):
        body += struct.pack("<%dh" % spr, *x[r * spr:(r + 1) * spr])
        body += struct.pack("<%dh" % spr, *trig[r * spr:(r + 1) * spr])
    open(dst, "wb").write(h + bytes(body))


def wfdb_with_trigger(src, dst_dir, name):
    e, x = signal_samples(src)
    spr = e["spr"][0]
    rate = spr / e["dur"]
    trig = trigger_codes(src, len(x), rate)
    f = e["f"]
    pmin, pmax, dmin, dmax = (float(f[k][0]) for k in ("pmin", "pmax", "dmin", "dmax"))
    gain = (dmax - dmin) / (pmax - pmin)                      # adu per physical unit
    baseline = int(round(dmin - pmin * gain))
    unit = f["dim"][0].strip().decode() or "uV"
    with open(os.path.join(dst_dir, name + ".dat"), "wb") as d:
        inter = [0] * (2 * len(x))
        inter[0::2] = x
        inter[1::2] = trig
        d.write(struct.pack("<%dh" % len(inter), *inter))
    label = f["label"][0].strip().decode()
    with open(os.path.join(dst_dir, name + ".hea"), "w") as h:
        h.write("%s 2 %g %d\n" % (name, rate, len(x)))
        h.write("%s.dat 16 %.10g(%d)/%s 16 0 0 0 0 %s\n" % (name, gain, baseline, unit, label))
        h.write("%s.dat 16 100/V 16 0 0 0 0 Trigger\n" % name)


def run(cli, args):
    p = subprocess.run([cli] + args, capture_output=True, timeout=600)
    # log lines carry their time: compared without it
    err = re.sub(rb"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\] ", b"", p.stderr)
    return p.returncode, p.stdout, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--dir")
    ap.add_argument("--sweeps", default="20")
    a = ap.parse_args()
    d = a.dir or tempfile.mkdtemp(prefix="ncs-identity-")
    os.makedirs(d, exist_ok=True)
    inputs = []
    for test in ["motor", "sensory", "fwave", "hreflex", "rns"]:
        base = os.path.join(d, test + ".edf")
        sweeps = [] if test in ("rns",) else ["--sweeps", a.sweeps]
        subprocess.run([a.new, "simulate", "--test", test] + sweeps + ["--truth", os.path.join(d, test + ".json"), base],
                       check=True, capture_output=True)
        inputs.append((test, base))
        plus_d = os.path.join(d, test + "_d.edf")
        edf_plus_d(base, plus_d)
        inputs.append((test, plus_d))
        bdf = os.path.join(d, test + ".bdf")
        subprocess.run([a.new, "convert", base, bdf], check=True, capture_output=True)
        inputs.append((test, bdf))
        bdf_d = os.path.join(d, test + "_d.bdf")
        subprocess.run([a.new, "convert", plus_d, bdf_d], check=True, capture_output=True)
        inputs.append((test, bdf_d))
        trig = os.path.join(d, test + "_trig.edf")
        edf_with_trigger(base, trig)
        inputs.append((test, trig))
        wfdb_with_trigger(base, d, test + "_wfdb")
        inputs.append((test, os.path.join(d, test + "_wfdb.hea")))
    total = same = 0
    for test, path in inputs:
        for opts in [["--test", test], [], ["--test", test, "--channel", "0"], ["--test", "motor"], ["--test", "fwave"]]:
            args = ["analyze"] + opts + [path]
            old, new = run(a.old, args), run(a.new, args)
            total += 1
            if old == new:
                same += 1
            else:
                print("DIFFERENT:", " ".join(args), "exit", old[0], new[0])
                for k, (o, n) in enumerate(zip(old[1].splitlines(), new[1].splitlines())):
                    if o != n:
                        print("  old:", o[:200])
                        print("  new:", n[:200])
                        break
                if old[2] != new[2]:
                    print("  stderr old:", old[2][-300:])
                    print("  stderr new:", new[2][-300:])
    print("identical %d of %d (%d inputs)" % (same, total, len(inputs)))
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
