"""Independent check of an EDF+D/BDF+D file's record times (issue 12): MNE-Python reads the
header (record count, record duration, where each record's annotation signal lies) and the
samples; each record's time-keeping TAL (its first "+onset\\x14\\x14") is then taken from the
file's bytes at the place MNE's header gives. Usage: mne_record_times.py OUT.json FILE"""
import json
import re
import sys

import mne


def main():
    out_path, path = sys.argv[1], sys.argv[2]
    reader = mne.io.read_raw_bdf if path.lower().endswith(".bdf") else mne.io.read_raw_edf
    raw = reader(path, preload=True, verbose="error", infer_types=False)
    extras = raw._raw_extras[0]
    n_samps = [int(n) for n in extras["n_samps"]]          # samples per record, every signal
    width = int(extras["dtype_byte"])                      # 2 (EDF) or 3 (BDF)
    tal = int(extras["tal_idx"][0])                        # the annotation signal
    record_bytes = sum(n_samps) * width
    before = sum(n_samps[:tal]) * width
    onsets = []
    with open(path, "rb") as f:
        data = f.read()
    for r in range(int(extras["n_records"])):
        at = int(extras["data_offset"]) + r * record_bytes + before
        chunk = data[at:at + n_samps[tal] * width]
        m = re.match(rb"[+-](\d+(?:\.\d+)?)\x14\x14", chunk)
        onsets.append(m.group(1).decode() if m else None)
    json.dump({"n_records": int(extras["n_records"]), "record_length": float(extras["record_length"][0]),
               "sfreq": float(raw.info["sfreq"]), "samples": [float(v) for v in raw.get_data()[0] * 1e6],
               "onsets": onsets}, open(out_path, "w"))


if __name__ == "__main__":
    main()
