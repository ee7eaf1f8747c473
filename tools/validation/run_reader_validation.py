#!/usr/bin/env python3
"""Files other programs wrote, through our readers and `emgws-cli convert` (issue 11: conversions
that change nothing they need not; issue 10: every WFDB header the specification allows).

Every EDF/EDF+/BDF/BDF+ file (*.edf, *.bdf, any case), WFDB record (*.hea) and BrainVision
recording (*.vhdr; converted to EDF+ and BDF+, then MNE's reading of the recording and of our
files compared: voltage signals to rounding where the stored integers were kept, within half a
step where re-quantised, every marker there) under DATA
(EMGWS_READER_DATA or --data; fetched, never committed) is:
  1. converted to its own format (EDF -> EDF, BDF -> BDF; WFDB -> EDF+ and BDF+);
  2. for EDF/BDF, the output compared with the input field by field, byte for byte: every header
     field, each signal's digital samples, the annotation signals' TAL texts. A difference is
     "listed" when `headerChanges` names that field (with its reason), else "UNLISTED";
  3. for WFDB, the reader's warnings checked for "checksum mismatch": the publisher's checksum of
     each signal is an independent truth of the decoded samples;
  4. read by MNE (when /usr/bin/python3 has it) before and after: the physical values agree;
  5. analysed (`emgws-cli analyze`, test inferred): it must end, without a signal, with a JSON
     document or one clear error line.
Prints one row per file and the totals; exits non-zero on a crash, a hang, an unlisted change,
a changed sample or a checksum mismatch.

Sources used on 2026-12-04 (docs/file-formats.md, "Files other programs wrote"):
  mne-tools/mne-testing-data (EDF/, BDF/, NihonKohden/), holgern/pyedflib (pyedflib/tests/data/),
  MIT-LCP/wfdb-python (sample-data/).
"""
import argparse, json, os, struct, subprocess, sys, tempfile

ANNOTATION_LABELS = (b"EDF Annotations", b"BDF Annotations")
MAIN_FIELDS = [("version", 0, 8), ("patient", 8, 80), ("recording", 88, 80), ("start date", 168, 8), ("start time", 176, 8),
               ("reserved", 192, 44), ("data records", 236, 8), ("data record duration", 244, 8)]
SIGNAL_FIELDS = [("label", 16), ("transducer", 80), ("physical dimension", 8), ("physical minimum", 8), ("physical maximum", 8),
                 ("digital minimum", 8), ("digital maximum", 8), ("prefilter", 80), ("samples per record", 8), ("signal reserved field", 32)]


def parse_edf(path):
    b = open(path, "rb").read()
    h = {"bdf": b[:1] == b"\xff", "main": {}, "signals": []}
    for name, off, width in MAIN_FIELDS:
        h["main"][name] = b[off:off + width]
    ns = int(b[252:256])
    off = 256
    cols = {}
    for name, width in SIGNAL_FIELDS:
        cols[name] = [b[off + i * width: off + (i + 1) * width] for i in range(ns)]
        off += width * ns
    h["signals"] = [{name: cols[name][i] for name, _ in SIGNAL_FIELDS} for i in range(ns)]
    data = b[256 * (ns + 1):]
    bps = 3 if h["bdf"] else 2
    spr = [int(s["samples per record"]) for s in h["signals"]]
    rec = sum(spr) * bps
    n = len(data) // rec if rec else 0
    chunks = [[] for _ in spr]
    for r in range(n):
        o = r * rec
        for i, k in enumerate(spr):
            chunks[i].append(data[o:o + k * bps])
            o += k * bps
    h["raw"] = [b"".join(c) for c in chunks]
    h["bps"] = bps
    return h


def digits(raw, bps):
    if bps == 2:
        return list(struct.unpack("<%dh" % (len(raw) // 2), raw))
    return [int.from_bytes(raw[i:i + 3], "little", signed=True) for i in range(0, len(raw), 3)]


def compare_edf(a_path, b_path, changes):
    """Differences between input and output: (listed, unlisted, changed sample signals)."""
    a, b = parse_edf(a_path), parse_edf(b_path)
    named = {(c.get("field"), c.get("signal", 0)) for c in changes}
    listed, unlisted = [], []
    for name, _, _ in MAIN_FIELDS:
        if a["main"][name] != b["main"][name]:
            (listed if (name, 0) in named else unlisted).append(f"{name} {a['main'][name].strip()!r} -> {b['main'][name].strip()!r}")
    if len(a["signals"]) != len(b["signals"]):
        unlisted.append(f"signal count {len(a['signals'])} -> {len(b['signals'])}")
        return listed, unlisted, []
    changed_samples = []
    for i, (s, t) in enumerate(zip(a["signals"], b["signals"])):
        ann = s["label"].strip() in ANNOTATION_LABELS
        for name, _ in SIGNAL_FIELDS:
            if s[name] != t[name]:
                (listed if (name, i + 1) in named else unlisted).append(f"signal {i + 1} {name} {s[name].strip()!r} -> {t[name].strip()!r}")
        if ann:
            ta = [x for x in a["raw"][i].split(b"\x00") if x]
            tb = [x for x in b["raw"][i].split(b"\x00") if x]
            if ta != tb:
                unlisted.append(f"signal {i + 1} annotations: {len(ta)} TALs -> {len(tb)}")
        elif digits(a["raw"][i], a["bps"]) != digits(b["raw"][i], b["bps"]):
            changed_samples.append(i + 1)
    return listed, unlisted, changed_samples


def short(message, root):
    """An error line without the data folder's path (file names stay)."""
    return message.replace(root.rstrip("/") + "/", "").strip()


def run(cmd, timeout):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return None
    return r


def mne_values(paths, tmp):
    """{path: [[uV...]...]} read by MNE, or None when MNE is not there."""
    script = os.path.join(tmp, "mne_dump.py")
    with open(script, "w") as f:
        f.write("import json, sys\nimport mne\nout = {}\n"
                "for p in sys.argv[2:]:\n"
                "    low = p.lower()\n"
                "    try:\n"
                "        if low.endswith('.vhdr'):\n"
                "            r = mne.io.read_raw_brainvision(p, preload=True, verbose='error')\n"
                "        else:\n"
                "            rd = mne.io.read_raw_bdf if low.endswith('.bdf') else mne.io.read_raw_edf\n"
                "            r = rd(p, preload=True, verbose='error', infer_types=False)\n"
                "        out[p] = {'names': list(r.ch_names), 'data': (r.get_data() * 1e6).tolist(),\n"
                "                  'markers': [[float(a['onset']), a['description']] for a in r.annotations]}\n"
                "    except Exception as e:\n"
                "        out[p] = {'error': str(e)[:200]}\n"
                "json.dump(out, open(sys.argv[1], 'w'))\n")
    dump = os.path.join(tmp, "mne.json")
    r = run(["/usr/bin/python3", script, dump] + paths, 600)
    if r is None or r.returncode != 0:
        return None
    return json.load(open(dump))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.environ.get("EMGWS_READER_DATA"))
    ap.add_argument("--no-mne", action="store_true")
    a = ap.parse_args()
    if not a.data or not os.path.isdir(a.data):
        sys.exit("run-reader-validation: point EMGWS_READER_DATA (or --data) at a folder of EDF/BDF files and WFDB records")
    files = []
    for root, _dirs, names in os.walk(a.data, followlinks=True):
        for n in sorted(names):
            if n.lower().endswith((".edf", ".bdf", ".hea", ".vhdr")):
                files.append(os.path.join(root, n))
    print(f"# Files other programs wrote\n\ndata: {a.data}; {len(files)} files\n")
    print("| file | convert | header fields changed (listed / UNLISTED) | samples | WFDB checksums | MNE before = after | analyze |")
    print("|---|---|---|---|---|---|---|")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        mne_pairs = []
        rows = []
        for k, path in enumerate(files):
            name = os.path.relpath(path, a.data)
            ext = os.path.splitext(path)[1].lower()
            outs = [".edf", ".bdf"] if ext in (".hea", ".vhdr") else [ext]
            convert_cells, field_cells, sample_cells, checksum_cells = [], [], [], []
            for out_ext in outs:
                out = os.path.join(tmp, f"{k}{out_ext}")
                r = run([a.cli, "convert", path, out], 300)
                if r is None:
                    convert_cells.append(f"{out_ext}: HANG")
                    failures.append(f"{name}: convert hangs")
                    continue
                if r.returncode < 0:
                    convert_cells.append(f"{out_ext}: CRASH (signal {-r.returncode})")
                    failures.append(f"{name}: convert crashes")
                    continue
                if r.returncode != 0:
                    msg = [l for l in r.stderr.splitlines() if "error:" in l]
                    convert_cells.append(f"{out_ext}: refused ({short(msg[-1].split('error:', 1)[1], a.data)[:110] if msg else 'no message'})")
                    if len(msg) != 1:
                        failures.append(f"{name}: convert failed without one clear error line")
                    continue
                j = json.loads(r.stdout)
                convert_cells.append(f"{out_ext}: ok")
                if ext == ".vhdr":
                    # BrainVision: what MNE reads from the recording and from our EDF+/BDF+ is compared below;
                    # the stored integers are the digital samples unless a signal says "rescaled"
                    chans = j.get("channels", [])
                    rescaled = [c["label"] for c in chans if c.get("rescaled")]
                    sample_cells.append(f"{out_ext}: " + (f"{len(rescaled)} of {len(chans)} re-quantised" if rescaled else "integers kept"))
                    field_cells.append(f"{len(j.get('headerChanges', []))} listed")
                    mne_pairs.append((k, path, out, [c.get("unit") in ("uV", "mV", "V", "nV") for c in chans], [bool(c.get("rescaled")) for c in chans]))
                    continue
                if ext == ".hea":
                    bad = [w for w in j.get("warnings", []) if "checksum mismatch" in w]
                    checksum_cells.append("MISMATCH: " + "; ".join(bad)[:120] if bad else "match")
                    if bad and out_ext == ".edf":
                        failures.append(f"{name}: {bad[0]}")
                    continue
                listed, unlisted, changed = compare_edf(path, out, j.get("headerChanges", []))
                field_cells.append(f"{len(listed)} / {len(unlisted)}" + (": " + "; ".join(unlisted)[:150] if unlisted else "") +
                                   (" (" + "; ".join(listed)[:100] + ")" if listed else ""))
                sample_cells.append("same" if not changed else f"CHANGED in signals {changed}")
                if unlisted:
                    failures.append(f"{name}: unlisted header change: {unlisted[0]}")
                if changed:
                    failures.append(f"{name}: digital samples changed in signals {changed}")
                mne_pairs.append((k, path, out, None, None))
            r = run([a.cli, "analyze", path], 300)
            if r is None:
                analyze_cell = "HANG"
                failures.append(f"{name}: analyze hangs")
            elif r.returncode < 0:
                analyze_cell = f"CRASH (signal {-r.returncode})"
                failures.append(f"{name}: analyze crashes")
            elif r.returncode == 0:
                try:
                    analyze_cell = "JSON, test " + str(json.loads(r.stdout).get("test"))
                except ValueError:
                    analyze_cell = "BAD JSON"
                    failures.append(f"{name}: analyze printed no JSON")
            else:
                msg = [l for l in r.stderr.splitlines() if "error:" in l]
                analyze_cell = "refused: " + (short(msg[-1].split("error:", 1)[1], a.data)[:110] if msg else "no message")
                if len(msg) != 1:
                    failures.append(f"{name}: analyze failed without one clear error line")
            rows.append([k, name, "; ".join(convert_cells), "; ".join(field_cells) or "-", "; ".join(sample_cells) or "-",
                         "; ".join(checksum_cells) or "-", "-", analyze_cell])
        mne = None if a.no_mne or not mne_pairs else mne_values(sorted({p for _, i, o, _v, _r in mne_pairs for p in (i, o)}), tmp)
        if mne is not None:
            by_index = {row[0]: row for row in rows}
            for k, path, out, voltage, rescaled in mne_pairs:
                x, y = mne.get(path, {}), mne.get(out, {})
                if "error" in x or "error" in y:
                    by_index[k][6] = "MNE: " + (x.get("error") or y.get("error") or "")[:60]
                    continue
                if voltage is not None:
                    # BrainVision: voltage signals the same values (kept integers: to rounding; re-quantised:
                    # within half a step of the range), the markers the same (onset and "Type/Description")
                    worst_kept, worst_rel, n_sig = 0.0, 0.0, min(len(x["data"]), len(y["data"]), len(voltage))
                    for c in range(n_sig):
                        if not voltage[c]:
                            continue
                        ra, rb = x["data"][c], y["data"][c][:len(x["data"][c])]
                        d = max((abs(u - v) for u, v in zip(ra, rb)), default=0.0)
                        if rescaled[c]:
                            span = max(max(ra), 0.0) - min(min(ra), 0.0) if ra else 1.0
                            worst_rel = max(worst_rel, d / (span / 65535.0) if span > 0 else 0.0)
                        else:
                            worst_kept = max(worst_kept, d)
                    mx = [(round(o, 6), t) for o, t in x.get("markers", [])]
                    my = [(round(o, 6), t) for o, t in y.get("markers", []) if t]
                    same_markers = all(m in my for m in mx)
                    ok = worst_kept < 1e-3 and worst_rel <= 0.51 and same_markers
                    cell = by_index[k][6]
                    by_index[k][6] = ("" if cell == "-" else cell + "; ") + (
                        f"{os.path.splitext(out)[1]}: {'same' if ok else 'DIFFERENT'} (kept max |diff| {worst_kept:.2g} uV"
                        + (f", re-quantised max {worst_rel:.2f} step" if any(rescaled) else "")
                        + f", markers {len(mx)} {'all there' if same_markers else 'MISSING'})")
                    if not ok:
                        failures.append(f"{os.path.relpath(path, a.data)}: MNE reads other values or markers after convert to {os.path.splitext(out)[1]}")
                    continue
                worst = 0.0
                for ra, rb in zip(x["data"], y["data"]):
                    for u, v in zip(ra, rb):
                        worst = max(worst, abs(u - v))
                same_shape = len(x["data"]) == len(y["data"]) and all(len(ra) == len(rb) for ra, rb in zip(x["data"], y["data"]))
                by_index[k][6] = f"{'same' if worst == 0.0 and same_shape else 'DIFFERENT'} (max |diff| {worst:.3g} uV)"
                if worst != 0.0 or not same_shape:
                    failures.append(f"{os.path.relpath(path, a.data)}: MNE reads other values after convert (max {worst:.3g} uV)")
        for row in rows:
            print("| " + " | ".join(str(c).replace("|", "/") for c in row[1:]) + " |")
    print(f"\n{len(files)} files; {len(failures)} problems")
    for f in failures:
        print(f"- {f}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
