#!/usr/bin/env python3
"""Time to first paint of a recording in our GUI and in EDFbrowser, side by side (issue 13).

Run under an X server (xvfb-run); needs xdotool, Pillow, edfbrowser. Called by bench_review_open
--side-by-side with the files it generates; the file's pages are dropped from the page cache
before each program:

    external_first_paint.py EMGWS_BINARY FILE

Ours: `emgws FILE` logs "first paint N ms after the process started" when the review view first
draws the page (the kernel's process start time, 10 ms steps).

EDFbrowser (2.x): `edfbrowser FILE` reads the header and maps its window titled "FILE - EDFbrowser"
with a signals dialog: no trace is drawn until "Add signal(s)" is pressed. Measured: (1) from the
start of the process to the mapped window (its title naming the file), (2) from a click on
"Add signal(s)" (found by its place in the dialog) to the first change of the trace area outside
the dialog, polled with screen grabs (a grab takes a few ms: the step is printed). Its first paint
is (1) + (2), the human's click left out. VmRSS of both when the traces are on screen.

EMGWS_SIDE_BY_SIDE_BEFORE=/path/to/another/emgws measures that binary first, the same way (a
before/after of our own change in one run). EMGWS_SIDE_BY_SIDE_WARM=1 times every program with
the file's pages left in the page cache by an untimed first run of each.
"""
import os
import re
import subprocess
import sys
import time

from PIL import ImageGrab


def drop_from_page_cache(path):
    """Each program starts from a cold page cache (the file's pages dropped, as the bench does)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def vmrss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def visible_windows(pid):
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)], capture_output=True, text=True).stdout
    return [w for w in out.split() if w]


def geometry(win):
    out = subprocess.run(["xdotool", "getwindowgeometry", win], capture_output=True, text=True).stdout
    pos = re.search(r"Position: (\d+),(\d+)", out)
    size = re.search(r"Geometry: (\d+)x(\d+)", out)
    return (int(pos[1]), int(pos[2]), int(size[1]), int(size[2])) if pos and size else None


def name(win):
    return subprocess.run(["xdotool", "getwindowname", win], capture_output=True, text=True).stdout.strip()


def grab(box):
    return ImageGrab.grab(bbox=box, xdisplay=os.environ["DISPLAY"]).tobytes()


def ours(binary, path, timeout=60.0):
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    p = subprocess.Popen([binary, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + timeout
    paint_ms = None
    try:
        for line in p.stdout:
            m = re.search(r"first paint [\d.]+ ms after the view was made, (\d+) ms after the process started", line)
            if m:
                paint_ms = float(m[1])
                break
            if time.monotonic() > deadline:
                break
        rss = vmrss_mb(p.pid)
    finally:
        p.kill()
        p.wait()
    return paint_ms, rss


def edfbrowser(path, timeout=60.0):
    t0 = time.monotonic()
    p = subprocess.Popen(["edfbrowser", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = os.path.basename(path)
    try:
        main = None
        while time.monotonic() - t0 < timeout and main is None:
            for w in visible_windows(p.pid):
                if base in name(w) and "EDFbrowser" in name(w):
                    main = w
            if main is None:
                time.sleep(0.003)
        mapped_ms = (time.monotonic() - t0) * 1e3
        if main is None:
            return None, None, None, float("nan"), "no window"
        # the signals dialog: the other visible window of the process
        dialog = None
        while time.monotonic() - t0 < timeout and dialog is None:
            others = [w for w in visible_windows(p.pid) if w != main]
            dialog = others[0] if others else None
            if dialog is None:
                time.sleep(0.01)
        if dialog is None:
            return mapped_ms, None, None, vmrss_mb(p.pid), "no signals dialog"
        time.sleep(1.0)   # both windows settled
        mx, my, mw, mh = geometry(main)
        dx, dy, dw, dh = geometry(dialog)
        # the trace area left of the dialog (the dialog closing does not change it)
        box = (mx + 5, my + 40, min(mx + mw, dx) - 5, min(my + mh, dy + dh) - 80)
        before = grab(box)
        # "Add signal(s)" by its mnemonic, the dialog focused (no window manager under Xvfb)
        subprocess.run(["xdotool", "windowfocus", "--sync", dialog], check=True)
        t1 = time.monotonic()
        subprocess.run(["xdotool", "key", "alt+a"], check=True)
        steps = []
        drawn_ms = None
        while time.monotonic() - t1 < 20.0:
            g0 = time.monotonic()
            now = grab(box)
            steps.append((time.monotonic() - g0) * 1e3)
            if now != before:
                drawn_ms = (time.monotonic() - t1) * 1e3
                break
        time.sleep(0.3)
        rss = vmrss_mb(p.pid)
        step = sorted(steps)[len(steps) // 2] if steps else float("nan")
        return mapped_ms, drawn_ms, step, rss, "" if drawn_ms is not None else "traces not seen"
    finally:
        p.kill()
        p.wait()


def main():
    binary, path = sys.argv[1], sys.argv[2]
    label = os.path.basename(path)
    # EMGWS_SIDE_BY_SIDE_BEFORE=/path/to/an/older/emgws: that binary too, in the same run
    before = os.environ.get("EMGWS_SIDE_BY_SIDE_BEFORE")
    # EMGWS_SIDE_BY_SIDE_WARM=1: no page dropped; each program runs once untimed first, so that
    # each finds in the page cache what it reads (EDFbrowser reads every record's annotations)
    warm = os.environ.get("EMGWS_SIDE_BY_SIDE_WARM") == "1"
    drop = (lambda _: None) if warm else drop_from_page_cache
    if warm:
        edfbrowser(path)
        ours(binary, path)
        label += ", warm page cache"
    if before:
        drop(path)
        old_ms, old_rss = ours(before, path)
        old_text = f"{old_ms:.0f} ms" if old_ms is not None else "not seen"
        print(f"  side by side ({label}): before ({before}) first paint {old_text} from process start, VmRSS {old_rss:.0f} MB")
    drop(path)
    our_ms, our_rss = ours(binary, path)
    drop(path)
    mapped, drawn, step, their_rss, why = edfbrowser(path)
    our_text = f"{our_ms:.0f} ms" if our_ms is not None else "not seen"
    print(f"  side by side ({label}): ours first paint {our_text} from process start, VmRSS {our_rss:.0f} MB")
    if mapped is None or drawn is None:
        print(f"  EDFbrowser: not measured ({why}); window mapped after {mapped} ms")
        return
    print(f"  EDFbrowser: window with the file {mapped:.0f} ms from process start + traces {drawn:.0f} ms after 'Add signal(s)' "
          f"(grab step {step:.0f} ms) = {mapped + drawn:.0f} ms, VmRSS {their_rss:.0f} MB")
    if our_ms is not None:
        print(f"  ours / EDFbrowser first paint = {our_ms / (mapped + drawn):.2f} (goal <= 1); VmRSS ours / theirs = {our_rss / their_rss:.2f}")


if __name__ == "__main__":
    main()
