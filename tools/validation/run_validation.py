#!/usr/bin/env python3
"""Needle EMG validation on recordings other labs published (issue 10).

Runs `emgws-cli analyze --test needle` on every file of each data set found under DATA
(EMGWS_VALIDATION_DATA or --data), one file = one muscle reading, and prints per data set and
muscle a confusion matrix, per-class recall and balanced accuracy ("insufficient" and "mixed"
count as wrong), MUAP measures against Pattichis et al. 1995, and the reading's stability when the
same records are resampled (4, 10, 48 kHz) or read as WFDB / EDF+ instead of ASCII.

Data sets (fetched, never committed; any folder layout below DATA):
  algiers   '01_Deltoid' and '02_Biceps Brachii' folders with Healthy/Myopathy/Neuropathy/*.asc
            (Messekher et al., Mendeley Data 2023, doi 10.17632/543xpjycj9.1): 32768 Hz, uV.
            Deltoid is the development set; biceps is held out (never tuned on).
  n2001     N2001{A|C|M}<subject><BB|VM><nn>.bin, int16 LE at 23437.5 Hz, gain unknown (Nikolic 2001).
  pattichis muap.csv (Pattichis et al. 1995 per-subject MUAP means, biceps; amplitudes in mV).
  emgdb     emg_healthy / emg_myopathy / emg_neuropathy .hea + .dat (PhysioNet "Examples of Electromyograms", emgdb 1.0.0;
            fetched via udityamerit/Deep-Learning-Project-for-finding-the-Disease-based-on-Emg-Signals): WFDB format 16 at 4 kHz, 25 mm concentric needle in tibialis anterior,
            foot dorsiflexed gently against resistance (declared slight). Three records, never tuned on.
  emglab    an EMGLAB record (.hea + .dat) with its expert decomposition beside it (.eaf, EMGlab's annotation
            file), e.g. R00108 of the EMGlab program's sample data (McGill; repository smetanadvorak/EMGlab,
            'sample data/'): the reading against the header's '# diagnosis:', and our motor units against the
            expert's (units found, sensitivity, PPV, discharge rates). Effort declared from '# level:'
            (<= 30 % MVC: slight). Never tuned on.
"""
import argparse, collections, concurrent.futures as cf, json, os, re, subprocess, sys, tempfile, time

CLASSES = ["normal", "myopathic", "neuropathic"]
ALG_CLASS = {"Healthy": "normal", "Myopathy": "myopathic", "Neuropathy": "neuropathic"}
N2001_CLASS = {"C": "normal", "M": "myopathic", "A": "neuropathic"}


EMGDB_CLASS = {"emg_healthy.hea": "normal", "emg_myopathy.hea": "myopathic", "emg_neuropathy.hea": "neuropathic"}


EMGLAB_MUSCLE = {"brachial biceps": "biceps brachii", "biceps": "biceps brachii", "biceps brachii": "biceps brachii",
                 "tibialis anterior": "tibialis anterior", "deltoid": "deltoid", "vastus medialis": "vastus medialis"}


def header_comments(hea):
    """'# key: value' comments of a WFDB header (any line end)."""
    with open(hea, "rb") as f:
        text = f.read().decode("latin-1")
    out = {}
    for line in re.split(r"\r\n|\r|\n", text):
        m = re.match(r"\s*#\s*<?([A-Za-z][\w -]*?)>?\s*:\s*(.*?)\s*$", line)
        if m:
            out[m.group(1).strip().lower()] = m.group(2)
    return out


def find_files(data):
    alg, n2001, patt, emgdb = [], [], None, []
    for root, _dirs, files in os.walk(data, followlinks=True):
        parts = root.split(os.sep)
        for f in files:
            p = os.path.join(root, f)
            if f.lower().endswith(".asc") and len(parts) >= 2 and parts[-1] in ALG_CLASS:
                muscle = "deltoid" if "Deltoid" in parts[-2] else ("biceps brachii" if "Biceps" in parts[-2] else parts[-2])
                alg.append((p, muscle, ALG_CLASS[parts[-1]]))
            m = re.match(r"N2001([ACM])(\d\d)(BB|VM)(\d\d)\.bin$", f)
            if m:
                n2001.append((p, "biceps brachii" if m.group(3) == "BB" else "vastus medialis", N2001_CLASS[m.group(1)],
                              m.group(1) + m.group(2)))
            if f == "muap.csv":
                patt = p
            if f in EMGDB_CLASS and os.path.exists(p[:-4] + ".dat"):
                emgdb.append((p, "tibialis anterior", EMGDB_CLASS[f]))
    return sorted(alg), sorted(n2001), patt, sorted(emgdb)


def find_emglab(data):
    """(header, annotation, muscle, truth, extra args) of every .hea with an .eaf beside it."""
    out = []
    for root, _dirs, files in os.walk(data, followlinks=True):
        for f in files:
            if f.lower().endswith(".hea") and os.path.exists(os.path.join(root, f[:-4] + ".eaf")):
                p = os.path.join(root, f)
                c = header_comments(p)
                muscle = EMGLAB_MUSCLE.get(c.get("muscle", "").lower(), c.get("muscle", ""))
                diag = c.get("diagnosis", "").lower()
                truth = "normal" if diag in ("normal", "healthy", "control") else ("myopathic" if "myopath" in diag else
                                                                                 "neuropathic" if diag else "?")
                # no options: emgws-cli reads the muscle, age and effort the header states itself
                # (needle-emg.md, "Declared effort"), as a new user's run would
                extra = []
                out.append((p, p[:-4] + ".eaf", muscle, truth, extra))
    return sorted(out)


def emglab_report(cli, recs):
    """Reading and decomposition against the expert's, per EMGLAB record."""
    import statistics as st
    out = ["### emglab: records with an expert decomposition (never tuned on)", ""]
    for hea, eaf, muscle, truth, extra in recs:
        j, _sec = analyze(cli, hea, extra + [f"--decomposition={eaf}"])
        name = os.path.basename(hea)[:-4]
        if "error" in j:
            out.append(f"{name}: {j['error']}\n")
            continue
        c = j["decompositionComparison"]
        segs = ", ".join(f"{s['level']} {s['startSec']:g}-{s['endSec']:g} s ({s['source']})" for s in j["segments"])
        out.append(f"**{name}** ({muscle or 'muscle not stated'}, electrode: {j['channel'].get('electrode')}; args {' '.join(extra)}): "
                   f"truth {truth}, read **{pattern_of(j)}**; segments {segs}")
        out.append(f"expert units {c['expertUnitCount']}, ours {c['ourUnitCount']}, found {c['unitsFound']} "
                   f"(sensitivity and PPV >= 0.5), median sensitivity {c['medianSensitivity']:.2f}, median PPV {c['medianPpv']:.2f}, "
                   f"expert firings outside the analysed spans {c['expertFiringsOutsideSpans']}")
        out += ["", "| expert unit | firings | rate Hz | our unit | firings | rate Hz | rate error % | sensitivity | PPV |",
                "|---|---|---|---|---|---|---|---|---|"]
        exp = {u["id"]: u["firingTimesSec"] for u in c["expertUnits"]}
        ours = {u["id"]: u for u in j["motorUnits"]}
        errs = []
        for p in c["perExpertUnit"]:
            t = exp[p["expertUnit"]]
            gaps = [b - a for a, b in zip(t, t[1:]) if b - a < 0.25]
            er = 1 / st.median(gaps) if gaps else 0.0
            m = p["matchedUnit"]
            if m is None:
                out.append(f"| {p['expertUnit']} | {len(t)} | {er:.2f} | - | - | - | - | 0 | 0 |")
                continue
            orate = ours[m]["meanRateHz"]
            e = 100 * (orate - er) / er if er else 0.0
            if p["ppv"] >= 0.7:
                errs.append(abs(e))
            out.append(f"| {p['expertUnit']} | {len(t)} | {er:.2f} | {m} | {p['ourFirings']} | {orate:.2f} | {e:+.0f} | "
                       f"{p['sensitivity']:.2f} | {p['ppv']:.2f} |")
        if errs:
            out.append(f"\nrate error of the {len(errs)} units paired at PPV >= 0.7: median {st.median(errs):.0f} %, max {max(errs):.0f} % "
                       "(expert rate: 1 / median interval below 250 ms)")
        out.append("")
    return "\n".join(out)


def n2001_over_sites(cli, n2001, jobs):
    """Each N2001 subject's muscle read over all its files (its needle sites) with `analyze --test needle
    FILE...`: units pooled over the sites, the other evidence weighed over them. Shown beside the per-file
    readings (the issue's measure), never instead of them."""
    groups = collections.defaultdict(list)
    for p, m, t, s in n2001:
        groups[(s, m, t)].append(p)
    def run(key):
        s, m, t = key
        cmd = [cli, "analyze", "--test", "needle", "--format", "int16le", "--rate", "23437.5", "--muscle", m] + sorted(groups[key])
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return key, None, r.stderr.strip()[-200:]
        j = json.loads(r.stdout)
        if "muscleOverSites" not in j:   # one file: one site, its own reading
            j["muscleOverSites"] = {"sites": 1, "summary": j["summary"], "muscleReading": j["muscleReading"]}
        return key, j["muscleOverSites"], None
    rows, lines = [], []
    with cf.ThreadPoolExecutor(jobs) as ex:
        for (s, m, t), mo, err in ex.map(run, sorted(groups)):
            if mo is None:
                lines.append(f"| {s} | {m} | {t} | {len(groups[(s, m, t)])} | error: {err} | | |")
                rows.append((t, "error"))
                continue
            read = mo["muscleReading"]["pattern"]
            rows.append((t, read))
            su = mo["summary"]
            lines.append(f"| {s} | {m} | {t} | {mo['sites']} | **{read}** | {su['units']} units, {su['meanDurationMs']:.1f} ms "
                         f"({su['durationDeviationPercent']:+.0f} %, limit ±{su['durationLimitAppliedPercent']:.0f} %) | "
                         + "; ".join(f"{e['source']} {e['suggests']}" for e in mo["muscleReading"]["evidence"] if e["counted"]) + " |")
    right = sum(t == r for t, r in rows)
    return ("### n2001 per subject and muscle, read over its sites (all its files together; beside the per-file readings)\n\n"
            "| subject | muscle | truth | sites | read | pooled units | counted evidence |\n|---|---|---|---|---|---|---|\n"
            + "\n".join(lines) + f"\n\n{right} of {len(rows)} subject-muscles read as their truth\n")


def analyze(cli, path, extra):
    cmd = [cli, "analyze", path, "--test", "needle"] + extra
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip()[-300:]}, time.time() - t0
    return json.loads(r.stdout), time.time() - t0


def pattern_of(j):
    if "error" in j:
        return "error"
    mr = j.get("muscleReading")
    return (mr or j.get("summary", {})).get("pattern", "?")


def confusion(rows, title):
    cm = collections.defaultdict(collections.Counter)
    for truth, read in rows:
        cm[truth][read] += 1
    cols = CLASSES + sorted({r for _t, r in rows} - set(CLASSES))
    out = [f"### {title} ({len(rows)} records)", "", "| truth \\ read | " + " | ".join(cols) + " | recall |",
           "|---" * (len(cols) + 2) + "|"]
    recalls = []
    for t in CLASSES:
        n = sum(cm[t].values())
        if n == 0:
            continue
        rec = cm[t][t] / n
        recalls.append(rec)
        out.append(f"| {t} | " + " | ".join(str(cm[t][c]) for c in cols) + f" | {rec:.2f} |")
    bal = sum(recalls) / len(recalls) if recalls else 0.0
    out += ["", f"balanced accuracy **{bal:.2f}**", ""]
    return "\n".join(out), bal


def write_wfdb(path_base, samples, fs):
    """Format 16 record (1 uV per count, clipped to int16) for the reader-variant check."""
    import numpy as np
    v = np.clip(np.round(samples), -32768, 32767).astype("<i2")
    v.tofile(path_base + ".dat")
    name = os.path.basename(path_base)
    with open(path_base + ".hea", "w") as h:
        h.write(f"{name} 1 {fs:g} {len(v)}\n{name}.dat 16 1(0)/uV 16 0 {int(v[0])} 0 0 needle\n")


def variants(cli, alg, tmp, jobs, subset_every, eff, kinds=("4k", "10k", "48k", "wfdb", "edf")):
    """Reading under other rates and formats; returns list of (file, variant, base, other)."""
    import numpy as np
    from scipy.signal import resample_poly
    work = []
    for i, (p, muscle, truth) in enumerate(alg):
        if i % subset_every:
            continue
        work.append((p, muscle))
    def one(item):
        p, muscle = item
        x = np.loadtxt(p)
        base = os.path.join(tmp, re.sub(r"[^A-Za-z0-9_]", "_", os.path.basename(p))[:-4])
        res = {}
        for rate, (up, down) in {"4k": (125, 1024), "10k": (625, 2048), "48k": (375, 256)}.items():
            if rate not in kinds:
                continue
            y = resample_poly(x, up, down)
            f = f"{base}_{rate}.asc"
            np.savetxt(f, y, fmt="%.3f")
            fs = 32768 * up / down
            j, _ = analyze(cli, f, ["--rate", f"{fs:g}", "--muscle", muscle] + eff)
            res[rate] = pattern_of(j)
            os.remove(f)
        if "wfdb" in kinds:
            write_wfdb(base, x, 32768)
            j, _ = analyze(cli, base + ".hea", ["--muscle", muscle] + eff)
            res["wfdb"] = pattern_of(j)
        edf = base + ".edf"
        c = subprocess.run([cli, "convert", p, edf, "--rate", "32768"], capture_output=True, text=True) if "edf" in kinds else None
        if c is None:
            pass
        elif c.returncode == 0:
            j, _ = analyze(cli, edf, ["--muscle", muscle] + eff)
            res["edf"] = pattern_of(j)
        else:
            res["edf"] = "convert failed"
        for ext in (".hea", ".dat", ".edf"):
            if os.path.exists(base + ext):
                os.remove(base + ext)
        return p, res
    with cf.ThreadPoolExecutor(jobs) as ex:
        return list(ex.map(one, work))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.environ.get("EMGWS_VALIDATION_DATA"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", choices=["algiers", "n2001", "emgdb", "emglab", "all"], default="all")
    ap.add_argument("--muscle", help="algiers: only this muscle (deltoid | biceps brachii)")
    ap.add_argument("--variants-every", type=int, default=1, help="resample/format check on every Nth record (0 = skip)")
    ap.add_argument("--json", help="write every record's reading here")
    ap.add_argument("--variant-kinds", default="4k,10k,48k,wfdb,edf", help="which variants to run (comma-separated)")
    ap.add_argument("--algiers-effort", default="moderate", choices=["none", "slight", "moderate", "maximal"],
                    help="effort declared for every Algiers record (their protocol: isometric contraction, no force level "
                         "given; 'none' = inferred from the activity, as before 2026-12-03 needle-r5)")
    a = ap.parse_args()
    if not a.data or not os.path.isdir(a.data):
        sys.exit("run-validation: point EMGWS_VALIDATION_DATA (or --data) at the folder holding the fetched data sets")
    alg, n2001, patt, emgdb = find_files(a.data)
    if a.muscle:
        alg = [x for x in alg if x[1] == a.muscle]
    print(f"# Needle EMG validation\n\ndata: {a.data}; algiers {len(alg)} files, n2001 {len(n2001)} files, emgdb {len(emgdb)} files, pattichis {'yes' if patt else 'no'}; "
          f"algiers effort declared: {a.algiers_effort}\n")
    records = []
    t0 = time.time()
    tasks = []
    if a.only in ("algiers", "all"):
        eff = [] if a.algiers_effort == "none" else [f"--effort={a.algiers_effort}"]
        tasks += [("algiers", p, m, t, None, ["--rate", "32768", "--muscle", m] + eff) for p, m, t in alg]
    if a.only in ("n2001", "all"):
        tasks += [("n2001", p, m, t, s, ["--format", "int16le", "--rate", "23437.5", "--muscle", m]) for p, m, t, s in n2001]
    if a.only in ("emgdb", "all"):
        tasks += [("emgdb", p, m, t, None, ["--muscle", m, "--effort=slight"]) for p, m, t in emgdb]
    def run(task):
        ds, p, m, t, s, extra = task
        j, sec = analyze(a.cli, p, extra)
        return ds, p, m, t, s, j, sec
    with cf.ThreadPoolExecutor(a.jobs) as ex:
        for ds, p, m, t, s, j, sec in ex.map(run, tasks):
            records.append({"dataset": ds, "file": os.path.basename(p), "muscle": m, "truth": t, "subject": s,
                            "read": pattern_of(j), "sec": sec, "error": j.get("error"),
                            "summary": j.get("summary"), "muscleReading": j.get("muscleReading"),
                            "interference": j.get("interference"), "declaredEffort": j.get("declaredEffort"),
                            "filter": j.get("filter")})
    elapsed = time.time() - t0
    if a.only in ("emglab", "all"):
        emglab = find_emglab(a.data)
        if emglab:
            print(emglab_report(a.cli, emglab))
    for ds in ("algiers", "n2001", "emgdb"):
        for m in sorted({r["muscle"] for r in records if r["dataset"] == ds}):
            rows = [(r["truth"], r["read"]) for r in records if r["dataset"] == ds and r["muscle"] == m]
            tag = " (held out)" if ds == "algiers" and m == "biceps brachii" else (" (development)" if ds == "algiers" else "")
            print(confusion(rows, f"{ds}: {m}{tag}")[0])
        if ds == "n2001":
            subj = collections.defaultdict(list)
            for r in records:
                if r["dataset"] == ds:
                    subj[r["subject"]].append(r)
            if subj:
                print("### n2001 per subject (gain unknown: amplitudes are counts)\n\n| subject | truth | files | read as truth | readings |\n|---|---|---|---|---|")
                for s in sorted(subj):
                    rs = subj[s]
                    c = collections.Counter(r["read"] for r in rs)
                    print(f"| {s} | {rs[0]['truth']} | {len(rs)} | {sum(r['read'] == r['truth'] for r in rs)} | {dict(c)} |")
                print()
                print(n2001_over_sites(a.cli, n2001, a.jobs))
    errors = [r for r in records if r["error"]]
    if errors:
        print(f"{len(errors)} records failed, first: {errors[0]['file']}: {errors[0]['error']}\n")
    if patt:
        print(pattichis_table(patt, [r for r in records if r["dataset"] == "algiers" and r["muscle"] == "biceps brachii"]))
    print(f"analysis time: {elapsed:.0f} s for {len(records)} records ({a.jobs} jobs)\n")
    if a.variants_every and a.only in ("algiers", "all") and alg:
        with tempfile.TemporaryDirectory() as tmp:
            var = variants(a.cli, alg, tmp, a.jobs, a.variants_every,
                           [] if a.algiers_effort == "none" else [f"--effort={a.algiers_effort}"],
                           tuple(a.variant_kinds.split(",")))
        base = {r["file"]: r["read"] for r in records if r["dataset"] == "algiers"}
        same = collections.Counter()
        total = collections.Counter()
        for p, res in var:
            for k, v in res.items():
                total[k] += 1
                same[k] += v == base[os.path.basename(p)]
        print("### reading unchanged under another rate or format (algiers)\n\n| variant | same reading | of |\n|---|---|---|")
        for k in total:
            print(f"| {k} | {same[k] / total[k]:.3f} | {total[k]} |")
        print()
        changed = [(os.path.basename(p), k, base[os.path.basename(p)], v) for p, res in var for k, v in res.items()
                   if v != base[os.path.basename(p)]]
        if changed:
            print("changed readings (record, variant: as read -> under the variant):")
            for f, k, b, v in changed:
                print(f"- {f}, {k}: {b} -> {v}")
            print()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(records, f, indent=1)


def pattichis_table(path, bic):
    import statistics as st
    rows = list(csv_rows(path))
    name = {"1": "normal", "2": "neuropathic", "3": "myopathic"}
    out = ["### MUAP measures against Pattichis et al. 1995 (biceps; per-subject means, range over subjects)", "",
           "| class | Pattichis duration ms | ours (algiers biceps) | Pattichis amplitude uV | ours | ours: records with units |",
           "|---|---|---|---|---|---|"]
    for code, cls in name.items():
        pr = [r for r in rows if r["Cls"] == code]
        dur = [float(r["DurMn"]) for r in pr]
        amp = [1000 * float(r["AmpMn"]) for r in pr]
        ours = [r for r in bic if r["truth"] == cls and r["summary"] and r["summary"].get("units", 0) > 0]
        od = [r["summary"]["meanDurationMs"] for r in ours]
        oa = [r["summary"]["meanAmplitudeUv"] for r in ours]
        rng = lambda v: f"{min(v):.1f}-{max(v):.1f} (median {st.median(v):.1f})" if v else "-"
        rnga = lambda v: f"{min(v):.0f}-{max(v):.0f} (median {st.median(v):.0f})" if v else "-"
        out.append(f"| {cls} | {rng(dur)} | {rng(od)} | {rnga(amp)} | {rnga(oa)} | {len(ours)} of {sum(r['truth'] == cls for r in bic)} |")
    return "\n".join(out) + "\n"


def csv_rows(path):
    import csv
    with open(path, newline="") as f:
        yield from csv.DictReader(f)


if __name__ == "__main__":
    main()
