"""Read EDF+/BDF+ files with MNE-Python (an independent reader) and dump samples and
annotations as JSON for test_mne_reader.cpp. Usage: mne_read.py OUT.json FILE..."""
import json
import sys

import mne


def read(path):
    reader = mne.io.read_raw_bdf if path.lower().endswith(".bdf") else mne.io.read_raw_edf
    raw = reader(path, preload=True, verbose="error", infer_types=False)
    data = raw.get_data() * 1e6  # MNE returns volts; our channels are in µV
    return {
        "sfreq": float(raw.info["sfreq"]),
        "ch_names": list(raw.ch_names),
        "data": [list(map(float, row)) for row in data],
        "annotations": [
            {"onset": float(a["onset"]), "duration": float(a["duration"]), "text": a["description"]}
            for a in raw.annotations
        ],
    }


def main():
    out = {path: read(path) for path in sys.argv[2:]}
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
