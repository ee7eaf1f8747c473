#!/usr/bin/env python3
"""Robustness run: malformed inputs of every kind through `emgws-cli analyze` and `convert`.

Generates >= 200 inputs (EDF/BDF header lies, truncated files, EDF+D time lies, annotation lies,
WFDB header lies, headerless files with garbage, FIFOs, directories, random header damage, and a
few large honest WFDB and EDF+D recordings, needle and NCS, that used to be read whole), runs
both commands on each with an address-space limit, and counts:
  inputs, crashes (killed by a signal, sanitizer report, abort), hangs (> 10 s of CPU time, or not
  finished after 30 s of wall time; runs over 10 s of wall time under 10 s of CPU are listed as
  slow, with both times: they waited for a busy machine's cores), runs over the
  memory bound (ru_maxrss > 100 MB + 3 x the input's size), unclear messages (a failing run whose
  message is more than one line, lacks the path, or shows std::, _M_, nan or a library's words),
  files damaged (an input changed, or an existing output changed by a failed convert).
All but the first must be zero. Exit status 1 otherwise.

usage: run_robustness.py --cli build/src/cli/emgws-cli [--keep DIR] [--verbose]
"""
import argparse
import array
import hashlib
import os
import random
import re
import resource
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time

# A hang is a run that makes no end: more than HANG_CPU_SEC of CPU time (a loop), or still running
# at KILL_WALL_SEC of wall time (blocked, e.g. on a FIFO, or looping on a starved machine). A run
# over HANG_CPU_SEC of wall time that used less CPU finished: it waited for the shared cores, and
# is listed as "slow" with both times, not counted as a hang.
HANG_CPU_SEC = 10.0
KILL_WALL_SEC = 30.0
ADDRESS_LIMIT = 4 << 30          # the child's address space: a runaway allocation fails, the machine survives
LIBRARY_WORDS = ["std::", "_M_", "basic_string", "vector::", "json.exception", "[json", "bad_alloc", "terminate called",
                 "stoi", "stod", "what()", "Assertion", "Sanitizer"]


# ---------------------------------------------------------------- EDF/BDF building
def pad(s, w):
    b = s.encode("latin-1") if isinstance(s, str) else s
    return (b + b" " * w)[:w]


def edf_header(sigs, records="1", duration="1", reserved="EDF+C", bdf=False, header_bytes=None, ns=None,
               version=None, patient="X X X X", recording="Startdate 01-JAN-2020 X X X"):
    h = b"\xffBIOSEMI" if bdf else pad("0", 8)
    if version is not None:
        h = pad(version, 8)
    h += pad(patient, 80) + pad(recording, 80) + b"01.01.20" + b"10.00.00"
    h += pad(header_bytes if header_bytes is not None else str(256 * (len(sigs) + 1)), 8)
    h += pad(reserved, 44) + pad(records, 8) + pad(duration, 8) + pad(ns if ns is not None else str(len(sigs)), 4)
    for key, w in [("label", 16), ("trans", 80), ("dim", 8), ("pmin", 8), ("pmax", 8), ("dmin", 8), ("dmax", 8),
                   ("pre", 80), ("spr", 8), ("res", 32)]:
        for s in sigs:
            h += pad(s.get(key, ""), w)
    return h


def sig(label="EMG", spr="100", bdf=False, **kw):
    lo, hi = ("-8388608", "8388607") if bdf else ("-32768", "32767")
    d = dict(label=label, dim="uV", pmin="-3276.8", pmax="3276.7", dmin=lo, dmax=hi, spr=spr)
    d.update(kw)
    return d


def ann_sig(spr="30", bdf=False):
    return dict(label="BDF Annotations" if bdf else "EDF Annotations", pmin="-1", pmax="1",
                dmin="-8388608" if bdf else "-32768", dmax="8388607" if bdf else "32767", spr=spr)


def samples(n, bdf, seed=0):
    rnd = random.Random(seed)
    out = bytearray()
    for i in range(n):
        v = int(300 * ((i * 37 + seed) % 17 - 8)) + rnd.randint(-50, 50)
        out += struct.pack("<i", v)[:3] if bdf else struct.pack("<h", v)
    return bytes(out)


def tal_bytes(text, nsamples, bdf):
    b = text.encode("latin-1")
    size = nsamples * (3 if bdf else 2)
    return (b + b"\0" * size)[:size]


def valid_edf(bdf=False, records=4, spr=100, plus=True, tals=None, reserved=None, duration="1"):
    sigs = [sig(spr=str(spr), bdf=bdf)]
    if plus:
        sigs.append(ann_sig(bdf=bdf))
    res = reserved or (("BDF+C" if bdf else "EDF+C") if plus else "")
    out = edf_header(sigs, records=str(records), duration=duration, reserved=res, bdf=bdf)
    for r in range(records):
        out += samples(spr, bdf, r)
        if plus:
            t = tals[r] if tals and r < len(tals) else "+%d\x14\x14\0" % r
            out += tal_bytes(t, 30, bdf)
    return out


def noise_int16(n, seed, amplitude):
    """n int16 samples (little-endian bytes): a seeded noise block of ~0.5 s repeated."""
    rnd = random.Random(seed)
    block = array.array("h", (rnd.randint(-amplitude, amplitude) for _ in range(9973)))
    a = (block * (n // len(block) + 1))[:n]
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def large_honest_inputs(add):
    """Honest recordings of 5-24 MB of the kinds `analyze` read whole before (issue 12): a needle
    and an NCS WFDB record, a needle and an NCS EDF+D with a 3-s gap, 20 kHz int16. Read whole, the
    needle files took ~15 bytes a sample (~200 MB for 24 MB, over the bound of ~172 MB). The needle
    signal is noise of +-100 uV (no contraction found: the analysis stays far inside 10 s)."""
    rate = 20000

    def edfd(name, label, seconds, stim, amplitude, args):
        n = rate * seconds
        out = bytearray(edf_header([sig(label=label, spr=str(rate)), ann_sig(spr="40")], records=str(seconds), reserved="EDF+D"))
        body = noise_int16(n, 3, amplitude)
        for r in range(seconds):
            onset = r + (3 if r >= seconds // 2 else 0)
            tal = "+%d\x14\x14\0" % onset + ("+%d.05\x14Stim wrist\x14\0" % onset if stim else "")
            out += body[2 * r * rate:2 * (r + 1) * rate] + tal_bytes(tal, 40, False)
        add("large honest input", name, {"in.edf": bytes(out)}, analyze_args=args)

    n = rate * 600
    add("large honest input", "wfdb_needle_24MB",
        {"r.hea": ("r 1 %d %d\nr.dat 16 10/uV 16 0 0 0 0 Needle EMG\n" % (rate, n)).encode(), "r.dat": noise_int16(n, 1, 1000)},
        main="r.hea")
    edfd("edfd_needle_24MB", "Needle EMG", 600, False, 1000, [])
    seconds = 120   # the NCS chain is slower per sample: kept well inside the 10 s on a busy machine
    n = rate * seconds
    apb = array.array("h", noise_int16(n, 2, 3000))
    trig = array.array("h", bytes(2 * n))
    for s in range(seconds):
        for i in range(s * rate + 1000, s * rate + 1020):
            trig[i] = 10000
    both = array.array("h", bytes(4 * n))
    both[0::2], both[1::2] = apb, trig
    add("large honest input", "wfdb_ncs_trigger_10MB",
        {"r.hea": ("r 2 %d %d\nr.dat 16 10/uV 16 0 0 0 0 APB\nr.dat 16 10000/V 16 0 0 0 0 Trigger\n" % (rate, n)).encode(),
         "r.dat": both.tobytes()}, main="r.hea", analyze_args=["--test", "fwave"])
    edfd("edfd_ncs_5MB", "APB", seconds, True, 3000, ["--test", "motor"])


# ---------------------------------------------------------------- the inputs
class Case:
    def __init__(self, name, kind, files, main, analyze_args=(), convert_args=(), fifo=()):
        self.name, self.kind, self.files, self.main = name, kind, files, main
        self.analyze_args, self.convert_args, self.fifo = list(analyze_args), list(convert_args), list(fifo)


def generate(root):
    cases = []

    def add(kind, name, files, main=None, **kw):
        d = os.path.join(root, "%03d_%s" % (len(cases), name))
        os.makedirs(d)
        paths = {}
        for fname, data in files.items():
            p = os.path.join(d, fname)
            if data is None:
                continue
            with open(p, "wb") as f:
                f.write(data)
            paths[fname] = p
        for fname in kw.pop("fifo", ()):
            os.mkfifo(os.path.join(d, fname))
        for fname in kw.pop("dirs", ()):
            os.makedirs(os.path.join(d, fname))
        main_path = os.path.join(d, main or next(iter(files)))
        cases.append(Case(name, kind, [os.path.join(d, f) for f in files if files[f] is not None], main_path, **kw))

    # EDF/BDF header lies: every numeric field with values no recording has
    lies = ["0", "-1", "-99999", "99999999", "1E-12", "1e300", "nan", "inf", "", "abc", "0.0000001", "1E-300"]
    fields = ["records", "duration", "ns", "header_bytes", "spr", "pmin", "pmax", "dmin", "dmax"]
    for bdf in (False, True):
        ext = ".bdf" if bdf else ".edf"
        for field in fields:
            for v in lies:
                kw, s = {}, sig(spr="100", bdf=bdf)
                if field in ("records", "duration", "ns", "header_bytes"):
                    kw[field] = v
                else:
                    s[field] = v
                sigs = [s, ann_sig(bdf=bdf)]
                body = b"".join(samples(100, bdf, r) + tal_bytes("+%d\x14\x14\0" % r, 30, bdf) for r in range(4))
                hdr = edf_header(sigs, reserved="BDF+C" if bdf else "EDF+C", bdf=bdf, **{k: kw.get(k, d) for k, d in
                                 [("records", "4"), ("duration", "1")]}, **{k: kw[k] for k in ("ns", "header_bytes") if k in kw})
                add("EDF/BDF header lie", "%s_%s_%s" % (ext[1:], field, re.sub(r"[^A-Za-z0-9]", "_", v) or "empty"),
                    {"in" + ext: hdr + body})
        # a samples-per-record lie that the file size would support: 50 M samples per record
        add("EDF/BDF header lie", ext[1:] + "_spr_huge", {"in" + ext: edf_header([sig(spr="50000000", bdf=bdf)], records="1", bdf=bdf)})
        add("EDF/BDF header lie", ext[1:] + "_4096_signals", {"in" + ext: edf_header([sig(spr="1", bdf=bdf)] * 4096, records="1", bdf=bdf)})
        add("EDF/BDF header lie", ext[1:] + "_latin1_label", {"in" + ext: edf_header([sig(label="EMG Tib\xe9al", spr="1000", bdf=bdf)],
                                                                                      records="2", bdf=bdf, reserved="") +
                                                                           samples(2000, bdf)})
    # truncated files
    base = valid_edf()
    for cut in [0, 1, 8, 100, 255, 256, 300, 511, 512, 513, 600, 768, 900, len(base) - 61, len(base) - 1]:
        add("truncated", "edf_cut_%d" % cut, {"in.edf": base[:cut]})
    bbase = valid_edf(bdf=True)
    for cut in [0, 256, 700, len(bbase) - 90, len(bbase) - 1]:
        add("truncated", "bdf_cut_%d" % cut, {"in.bdf": bbase[:cut]})
    # EDF+D time lies
    for name, step in [("far_3000s", 3000), ("far_86399s", 86399), ("day_plus", 86401), ("backwards", -5), ("same", 0),
                       ("huge", 10 ** 12), ("tiny", 0.0000001)]:
        tals = ["+%s\x14\x14\0" % repr(r * step) if r else "+0\x14\x14\0" for r in range(4)]
        add("EDF+D time lie", "edfd_" + name, {"in.edf": valid_edf(reserved="EDF+D", tals=tals)})
    many = edf_header([sig(spr="1000"), ann_sig(spr="16")], records="400", duration="0.1", reserved="EDF+D")
    for r in range(400):
        many += samples(1000, False, r) + tal_bytes("+%d\x14\x14\0" % (r * 3000), 16, False)
    add("EDF+D time lie", "edfd_400_records_3000s_apart", {"in.edf": many})
    for name, t in [("negative", "-99999"), ("nan", "nan"), ("text", "abc"), ("comma", "+1,5"), ("no_sign", "5")]:
        add("EDF+D time lie", "edfd_stamp_" + name, {"in.edf": valid_edf(reserved="EDF+D", tals=["+0\x14\x14\0", t + "\x14\x14\0"])})
    # annotation lies
    for name, tal in [("onset_1e8", "+1\x14\x14\0+99999999\x14late\x14\0"), ("onset_neg", "+1\x14\x14\0-99999999\x14early\x14\0"),
                      ("duration_huge", "+1\x14\x14\0+1\x1599999999\x14long\x14\0"), ("no_separator", "+1\x14\x14\0garbage\0"),
                      ("separators_only", "+1\x14" + "\x14" * 50 + "\0"), ("many_texts", "+1\x14\x14\0+1\x14" + "a\x14" * 25 + "\0"),
                      ("no_nul", "+1\x14\x14+2\x14x\x14+3"), ("latin1_text", "+1\x14\x14\0+1.5\x14Stim h\xe9\x14\0"),
                      ("nan_onset", "+1\x14\x14\0+nan\x14x\x14\0"), ("stim_far", "+1\x14\x14\0+9999\x14Stim wrist\x14\0")]:
        add("annotation lie", "annot_" + name, {"in.edf": valid_edf(tals=["+0\x14\x14\0", tal])})
        add("annotation lie", "annot_" + name + "_discontinuous", {"in.edf": valid_edf(tals=["+0\x14\x14\0", tal])},
            convert_args=["--discontinuous"])
    ao = edf_header([ann_sig(spr="40")], records="1", duration="0") + tal_bytes("+0\x14\x14\0+999999999\x14far\x14\0", 40, False)
    add("annotation lie", "annot_only_far", {"in.edf": ao}, convert_args=["--discontinuous"])
    garbage_ann = edf_header([sig(spr="10"), ann_sig(spr="20000")], records="1") + samples(10, False) + bytes([1, 0]) * 20000
    add("annotation lie", "annot_garbage_tals", {"in.edf": garbage_ann})
    # WFDB header lies
    dat16 = struct.pack("<%dh" % 2000, *[((i * 37) % 400) - 200 for i in range(2000)])
    wf = [("nsamp_huge_null", "r 1 1000 200000000\n~ 0 200/uV 16 0\n", None),
          ("nsamp_huge", "r 1 1000 9000000000000000000\nr.dat 16 200/uV 16 0\n", dat16),
          ("many_null", "r 201 1000 1000000\nr.dat 16 200/uV 16 0\n" + "~ 0 200/uV 16 0\n" * 200, dat16),
          ("fs_huge", "r 1 1e12\nr.dat 16 200/uV 16 0\n", dat16),
          ("spf_huge", "r 1 1000\nr.dat 16x100000 200/uV 16 0\n", dat16),
          ("offset_huge", "r 1 1000\nr.dat 16+999999999999 200/uV 16 0\n", dat16),
          ("format_bad", "r 1 1000\nr.dat 999 200/uV 16 0\n", dat16),
          ("gain_zero", "r 1 1000\nr.dat 16 0/uV 16 0\n", dat16),
          ("gain_nan", "r 1 1000\nr.dat 16 nan/uV 16 0\n", dat16),
          ("parent_dir", "r 1 1000\n../r.dat 16 200/uV 16 0\n", dat16),
          ("skew_huge", "r 1 1000\nr.dat 16:9999999999 200/uV 16 0\n", dat16),
          ("signals_huge", "r 99999999 1000\nr.dat 16\n", dat16),
          ("signals_missing", "r 3 1000\nr.dat 16 200/uV 16 0\n", dat16),
          ("binary_header", "r 1 1000\n\x01\x02\x03\n", dat16),
          ("missing_dat", "r 1 1000 100\nnone.dat 16 200/uV 16 0\n", None),
          ("multi_segment", "r/2 1 1000\nr.dat 16\n", dat16),
          ("latin1_desc", "r 1 1000\nr.dat 16 200/uV 16 0 0 0 0 EMG Tib\xe9al\n", dat16),
          ("fs_zero", "r 1 0\nr.dat 16 200/uV 16 0\n", dat16)]
    for name, hea, dat in wf:
        add("WFDB header lie", "wfdb_" + name, {"r.hea": hea.encode("latin-1"), "r.dat": dat})
    atr = struct.pack("<HHHH", (59 << 10), 0xFFFF, 0x7FFF, (1 << 10) | 1)   # SKIP 2^31 samples, then a beat
    add("WFDB header lie", "wfdb_atr_far", {"r.hea": b"r 1 1000\nr.dat 16 200/uV 16 0\n", "r.dat": dat16, "r.atr": atr})
    add("WFDB header lie", "wfdb_atr_garbage", {"r.hea": b"r 1 1000\nr.dat 16 200/uV 16 0\n", "r.dat": dat16,
                                                 "r.atr": bytes(random.Random(5).getrandbits(8) for _ in range(5000))})
    # headerless files with garbage
    rnd = random.Random(42)
    for i, fmt in enumerate(["int16le", "int16be", "int32le", "float32le", "float32be"]):
        add("headerless garbage", "raw_" + fmt, {"in.raw": bytes(rnd.getrandbits(8) for _ in range(4001))},
            analyze_args=["--format", fmt, "--rate", "10000", "--test", "needle"], convert_args=["--format", fmt, "--rate", "10000"])
    add("headerless garbage", "raw_float_nan", {"in.raw": struct.pack("<4f", 1.0, float("nan"), 2.0, float("inf")) * 100},
        analyze_args=["--format", "float32le", "--rate", "1000"], convert_args=["--format", "float32le", "--rate", "1000"])
    add("headerless garbage", "raw_empty", {"in.raw": b""}, analyze_args=["--format", "int16le", "--rate", "1000"],
        convert_args=["--format", "int16le", "--rate", "1000"])
    for name, text in [("ascii_binary", bytes(rnd.getrandbits(8) for _ in range(3000))), ("ascii_nan", b"1\n2\nnan\n3\n"),
                       ("ascii_ragged", b"1 2\n3\n4 5 6\n"), ("ascii_one_long_line", b"1 " * 200000),
                       ("ascii_long_then_more", b"1 " * 5000 + b"\n1 2\n"), ("ascii_huge_numbers", b"1e308\n-1e308\n1e309\n"),
                       ("ascii_header_only", b"# a\n# b\ntime,value\n"), ("ascii_latin1", b"Zeit;Wert\xe9\n1;2\n3;4\n")]:
        add("headerless garbage", name, {"in.txt": text}, analyze_args=["--rate", "1000"], convert_args=["--rate", "1000"])
    # sniffed as nothing: garbage with an EDF-like or WFDB-like first byte
    for i in range(6):
        data = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 3000)))
        add("headerless garbage", "garbage_%d" % i, {"in.edf" if i % 2 else "in.dat": (b"0 " if i % 3 == 0 else b"a") + data})
    # FIFOs and directories
    add("FIFO", "fifo_edf", {"pipe.edf": None}, main="pipe.edf", fifo=["pipe.edf"])
    add("FIFO", "fifo_hea", {"pipe.hea": None}, main="pipe.hea", fifo=["pipe.hea"])
    add("FIFO", "fifo_dat", {"r.hea": b"r 1 1000 100\nr.dat 16 200/uV 16 0\n"}, main="r.hea", fifo=["r.dat"])
    add("FIFO", "fifo_atr", {"r.hea": b"r 1 1000\nr.dat 16 200/uV 16 0\n", "r.dat": dat16}, main="r.hea", fifo=["r.atr"])
    add("FIFO", "fifo_raw", {"pipe.raw": None}, main="pipe.raw", fifo=["pipe.raw"],
        analyze_args=["--format", "int16le", "--rate", "1000"], convert_args=["--format", "int16le", "--rate", "1000"])
    add("FIFO", "fifo_txt", {"pipe.txt": None}, main="pipe.txt", fifo=["pipe.txt"], analyze_args=["--rate", "1000"],
        convert_args=["--rate", "1000"])
    add("FIFO", "fifo_record_name", {}, main="rec", fifo=["rec.hea"])
    add("directory", "dir_edf", {"d.edf": None}, main="d.edf", dirs=["d.edf"])
    add("directory", "dir_hea", {"d.hea": None}, main="d.hea", dirs=["d.hea"])
    add("directory", "dir_plain", {"d": None}, main="d", dirs=["d"])
    add("directory", "dir_dat", {"r.hea": b"r 1 1000 100\nr.dat 16 200/uV 16 0\n"}, main="r.hea", dirs=["r.dat"])
    add("directory", "dir_txt", {"d.txt": None}, main="d.txt", dirs=["d.txt"], analyze_args=["--rate", "1000"],
        convert_args=["--rate", "1000"])
    add("device", "dev_null", {}, main="/dev/null")
    add("device", "dev_zero_raw", {}, main="/dev/zero", analyze_args=["--format", "int16le", "--rate", "1000"],
        convert_args=["--format", "int16le", "--rate", "1000"])
    # random damage to a valid header (seeded)
    for i in range(40):
        b = bytearray(valid_edf(bdf=i % 2 == 1))
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(0, 768)] = rnd.choice(b"0123456789.-+eE \x00\xff")
        add("random header damage", "damage_%02d" % i, {"in.bdf" if i % 2 else "in.edf": bytes(b)})
    large_honest_inputs(add)
    return cases


# ---------------------------------------------------------------- running
def digest(path):
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return ("special", st.st_mode)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(cli, args, cwd):
    out_path, err_path = os.path.join(cwd, ".stdout"), os.path.join(cwd, ".stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        def limits():
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        p = subprocess.Popen([cli] + args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd, preexec_fn=limits)
        start = time.monotonic()
        hung = False
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if time.monotonic() - start > KILL_WALL_SEC:
                hung = True
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.01)
        p.returncode = 0
    with open(err_path, "rb") as f:
        err_text = f.read().decode("utf-8", "replace")
    cpu = ru.ru_utime + ru.ru_stime
    return dict(status=status, rss_kb=ru.ru_maxrss, hung=hung or cpu > HANG_CPU_SEC, killed=hung, err=err_text,
                secs=time.monotonic() - start, cpu=cpu)


def message_lines(err):
    # spdlog's lines ("[...] [emgws-cli] [warning] ...") are log, not the message
    return [l for l in err.splitlines() if l.strip() and not re.match(r"^\[\d{4}-\d\d-\d\d ", l)]


def unclear(lines, case_dir, main):
    if len(lines) != 1:
        return "%d lines" % len(lines)
    m = lines[0]
    named = main in m or case_dir in m
    if not named:
        return "path missing"
    for w in LIBRARY_WORDS:
        if w in m:
            return "shows '%s'" % w
    # the file's own text quoted ('nan') is fine; a computed nan/inf is not
    if re.search(r"\bnan\b|-nan|\binf\b", re.sub(r"'[^']*'", "", m.replace(main, "").replace(case_dir, ""))):
        return "shows nan/inf"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--keep", help="generate into this folder and keep it")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    a.cli = os.path.abspath(a.cli)
    root = a.keep or tempfile.mkdtemp(prefix="emgws-robustness-")
    if a.keep:
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
    cases = generate(root)
    counts = dict(inputs=len(cases), runs=0, failed_cleanly=0, succeeded=0, crashes=0, hangs=0, over_memory=0, unclear=0, damaged=0)
    problems = []
    max_rss_kb, slowest, slowest_cpu = 0, 0.0, 0.0
    slow = []   # over HANG_CPU_SEC of wall time, under it of CPU: finished, waited for the cores
    load_before = os.getloadavg()
    t0 = time.monotonic()
    for c in cases:
        case_dir = os.path.dirname(c.main) if c.main.startswith(root) else os.path.join(root, "%03d_%s" % (cases.index(c), c.name))
        size = sum(os.path.getsize(f) for f in c.files if os.path.isfile(f))
        bound_kb = (100 * 1024 * 1024 + 3 * size) / 1024
        before = {f: digest(f) for f in c.files}
        out_path = os.path.join(case_dir, "out.edf")
        for cmd in ("analyze", "convert"):
            old = b"an older output a failed convert must leave as it was\n"
            with open(out_path, "wb") as f:
                f.write(old)
            args = [cmd, c.main] + (c.analyze_args if cmd == "analyze" else [out_path] + c.convert_args)
            r = run(a.cli, args, case_dir)
            counts["runs"] += 1
            max_rss_kb = max(max_rss_kb, r["rss_kb"])
            slowest = max(slowest, r["secs"])
            slowest_cpu = max(slowest_cpu, r["cpu"])
            st = r["status"]
            tag = "%s %s (%s)" % (cmd, c.name, c.kind)
            if not r["hung"] and r["secs"] > HANG_CPU_SEC:
                slow.append("SLOW   %s: %.2f s wall, %.2f s CPU" % (tag, r["secs"], r["cpu"]))
            crashed = (os.WIFSIGNALED(st) and not r["killed"]) or "Sanitizer" in r["err"] or "terminate called" in r["err"] \
                or (os.WIFEXITED(st) and os.WEXITSTATUS(st) >= 126)
            if r["hung"]:
                counts["hangs"] += 1
                problems.append("HANG   %s: %s, %.2f s wall, %.2f s CPU" % (tag, "killed at the wall limit" if r["killed"] else "over the CPU limit",
                                                                         r["secs"], r["cpu"]))
            elif crashed:
                counts["crashes"] += 1
                problems.append("CRASH  %s: status %d: %s" % (tag, st, r["err"].strip()[-300:]))
            if r["rss_kb"] > bound_kb:
                counts["over_memory"] += 1
                problems.append("MEMORY %s: %d kB > %d kB" % (tag, r["rss_kb"], bound_kb))
            ok = os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0
            if ok:
                counts["succeeded"] += 1
            elif not r["hung"] and not crashed:
                counts["failed_cleanly"] += 1
                why = unclear(message_lines(r["err"]), case_dir, c.main)
                if why:
                    counts["unclear"] += 1
                    problems.append("UNCLEAR %s: %s: %r" % (tag, why, r["err"].strip()[-400:]))
            if cmd == "convert" and not ok:
                with open(out_path, "rb") as f:
                    if f.read() != old:
                        counts["damaged"] += 1
                        problems.append("DAMAGED %s: the old output changed" % tag)
            if a.verbose:
                print("%-8s %-50s rc=%s rss=%6d kB %.2f s (CPU %.2f s) %s" % (cmd, c.name, os.WEXITSTATUS(st) if os.WIFEXITED(st) else "sig",
                                                                 r["rss_kb"], r["secs"], r["cpu"], (message_lines(r["err"]) or [""])[-1][:150]))
        after = {f: digest(f) for f in c.files}
        if after != before:
            counts["damaged"] += 1
            problems.append("DAMAGED input of %s" % c.name)
    kinds = {}
    for c in cases:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    print("inputs: %d (%s)" % (counts["inputs"], ", ".join("%s %d" % kv for kv in kinds.items())))
    print("runs: %d (analyze and convert each; %d refused with a message, %d succeeded)" %
          (counts["runs"], counts["failed_cleanly"], counts["succeeded"]))
    print("crashes: %d" % counts["crashes"])
    print("hangs (> %g s CPU, or not finished in %g s wall): %d" % (HANG_CPU_SEC, KILL_WALL_SEC, counts["hangs"]))
    print("slow runs (> %g s wall, < %g s CPU: finished, not hangs): %d" % (HANG_CPU_SEC, HANG_CPU_SEC, len(slow)))
    print("runs over the memory bound (100 MB + 3 x input size): %d (largest peak %.1f MB)" % (counts["over_memory"], max_rss_kb / 1024))
    print("unclear messages: %d" % counts["unclear"])
    print("files damaged: %d" % counts["damaged"])
    print("slowest run: %.2f s wall; most CPU: %.2f s; total %.0f s; load average %.1f before, %.1f after (%d cores)" %
          (slowest, slowest_cpu, time.monotonic() - t0, load_before[0], os.getloadavg()[0], os.cpu_count() or 0))
    for p in slow + problems:
        print("  " + p)
    if not a.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if any(counts[k] for k in ("crashes", "hangs", "over_memory", "unclear", "damaged")) else 0


if __name__ == "__main__":
    sys.exit(main())
