#!/usr/bin/python3
"""Checks an emgws DICOM export with pydicom, independently of the C++ code that wrote it.

usage: check_emg_dicom.py EXPECT.json

EXPECT.json names the files (emg, pdf) and what they must hold: the patient and study, one group
per test with its recording, linked channel and span, sample bits, channel source code, filters and
markers, and the SHA-256 of the signed PDF. The raw EDF/BDF files are read here by a reader of
their own (header fields and records, EDF 16-bit / BDF 24-bit little-endian two's complement), so
the sample comparison does not go through emgws's readers.

Checks the Electromyogram IOD (PS3.3 A.34.13) module by module, attribute by attribute (type 1:
present and not empty, type 2: present), its content constraints (modality EMG, 1..64 channels per
group, SS or SL samples), that the samples equal the file's integers exactly and, scaled by Channel
Sensitivity and Baseline, the file's physical values, and the Encapsulated PDF IOD (A.45.1).
Prints one line per failed check and "N passed, M failed"; exits 1 when anything failed.
"""
import hashlib
import json
import math
import re
import sys

import numpy as np
import pydicom
from pydicom.waveforms import multiplex_array

EMG_SOP = "1.2.840.10008.5.1.4.1.1.9.7.2"
PDF_SOP = "1.2.840.10008.5.1.4.1.1.104.1"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
UID_RE = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")

passed = 0
failed = []


def expect(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(what)


def type1(ds, keyword, where):
    v = ds.get(keyword)
    expect(v is not None and str(v) != "", f"{where}: {keyword} (type 1) missing or empty")
    return v


def type2(ds, keyword, where):
    expect(keyword in ds, f"{where}: {keyword} (type 2) missing")
    return ds.get(keyword)


def is_uid(v):
    return v is not None and len(str(v)) <= 64 and UID_RE.match(str(v)) is not None


def read_edf_digital(path):
    """Header fields and digital samples of every signal of an EDF/BDF file."""
    raw = open(path, "rb").read()
    bdf = raw[0] == 0xFF
    ns = int(raw[252:256].decode().strip())
    records = int(raw[236:244].decode().strip())
    duration = float(raw[244:252].decode().strip())

    off = 0
    fields = {}
    for name, width in (("label", 16), ("transducer", 80), ("dimension", 8), ("pmin", 8), ("pmax", 8),
                        ("dmin", 8), ("dmax", 8), ("prefilter", 80), ("spr", 8), ("reserved", 32)):
        base = 256 + off
        fields[name] = [raw[base + i * width: base + (i + 1) * width].decode("latin-1").strip() for i in range(ns)]
        off += width * ns
    spr = [int(x) for x in fields["spr"]]
    width = 3 if bdf else 2
    header_bytes = 256 * (ns + 1)
    record_bytes = sum(spr) * width
    signals = []
    for i in range(ns):
        chunks = []
        start_in_record = sum(spr[:i]) * width
        for r in range(records):
            b = raw[header_bytes + r * record_bytes + start_in_record: header_bytes + r * record_bytes + start_in_record + spr[i] * width]
            a = np.frombuffer(b, dtype=np.uint8).reshape(-1, width).astype(np.int32)
            v = a[:, 0] | (a[:, 1] << 8)
            if bdf:
                v = v | (a[:, 2] << 16)
                v = np.where(v & 0x800000, v - 0x1000000, v)
            else:
                v = np.where(v & 0x8000, v - 0x10000, v)
            chunks.append(v)
        pmin, pmax = float(fields["pmin"][i]), float(fields["pmax"][i])
        dmin, dmax = int(fields["dmin"][i]), int(fields["dmax"][i])
        gain = (pmax - pmin) / (dmax - dmin)
        scale = {"uV": 1.0, "mV": 1000.0, "V": 1e6}.get(fields["dimension"][i], 1.0)
        signals.append({"label": fields["label"][i], "rate": spr[i] / duration, "digital": np.concatenate(chunks),
                        "gainUv": gain * scale, "offsetUv": (pmin - gain * dmin) * scale,
                        "annotation": fields["label"][i] in ("EDF Annotations", "BDF Annotations")})
    return {"bdf": bdf, "signals": signals}


def check_common(ds, exp, where):
    # SOP Common and file meta
    expect(ds.file_meta.MediaStorageSOPClassUID == ds.SOPClassUID, f"{where}: meta SOP class differs from SOP Class UID")
    expect(ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID, f"{where}: meta SOP instance differs")
    expect(ds.file_meta.TransferSyntaxUID == EXPLICIT_LE, f"{where}: transfer syntax {ds.file_meta.TransferSyntaxUID}")
    expect(is_uid(type1(ds, "SOPInstanceUID", where)), f"{where}: SOP Instance UID malformed")
    expect(ds.get("SpecificCharacterSet") == "ISO_IR 192", f"{where}: Specific Character Set {ds.get('SpecificCharacterSet')}")
    # Patient (C.7.1.1)
    p = exp["patient"]
    expect(str(type2(ds, "PatientName", where)) == p["name"], f"{where}: PatientName {ds.get('PatientName')} != {p['name']}")
    expect(type2(ds, "PatientID", where) == p["id"], f"{where}: PatientID")
    expect(type2(ds, "PatientBirthDate", where) == p["birthDate"], f"{where}: PatientBirthDate {ds.get('PatientBirthDate')}")
    expect(type2(ds, "PatientSex", where) == p["sex"] and p["sex"] in ("M", "F", "O"), f"{where}: PatientSex {ds.get('PatientSex')}")
    # General Study (C.7.2.1)
    s = exp["study"]
    expect(type1(ds, "StudyInstanceUID", where) == s["instanceUid"], f"{where}: StudyInstanceUID {ds.get('StudyInstanceUID')} != {s['instanceUid']}")
    expect(is_uid(ds.get("StudyInstanceUID")), f"{where}: Study Instance UID malformed")
    expect(type2(ds, "StudyDate", where) == s["date"], f"{where}: StudyDate {ds.get('StudyDate')}")
    st = type2(ds, "StudyTime", where)
    expect(st == "" or re.match(r"^\d{6}$", str(st)), f"{where}: StudyTime {st}")
    expect(str(type2(ds, "ReferringPhysicianName", where)) == s["referring"], f"{where}: ReferringPhysicianName {ds.get('ReferringPhysicianName')}")
    type2(ds, "StudyID", where)
    type2(ds, "AccessionNumber", where)
    # General Equipment (C.7.5.1)
    type2(ds, "Manufacturer", where)
    # Series
    expect(is_uid(type1(ds, "SeriesInstanceUID", where)), f"{where}: Series Instance UID malformed")
    type2(ds, "SeriesNumber", where)


def check_channel(ch, group, where):
    src = ch.get("ChannelSourceSequence")
    expect(src is not None and len(src) == 1, f"{where}: ChannelSourceSequence needs one item")
    if src:
        code = src[0]
        for kw in ("CodeValue", "CodingSchemeDesignator", "CodeMeaning"):
            type1(code, kw, where + " source")
        expect(code.CodingSchemeDesignator == group["source"]["scheme"] and code.CodeValue == group["source"]["value"],
               f"{where}: channel source {code.get('CodeValue')}/{code.get('CodingSchemeDesignator')} != {group['source']}")
    expect(float(type1(ch, "ChannelSensitivity", where)) > 0, f"{where}: Channel Sensitivity not positive")
    units = ch.get("ChannelSensitivityUnitsSequence")
    expect(units is not None and len(units) == 1 and units[0].CodeValue == "uV" and units[0].CodingSchemeDesignator == "UCUM",
           f"{where}: sensitivity units are not UCUM uV")
    expect(float(type1(ch, "ChannelSensitivityCorrectionFactor", where)) == 1.0, f"{where}: correction factor")
    type1(ch, "ChannelBaseline", where)
    expect("ChannelTimeSkew" in ch or "ChannelSampleSkew" in ch, f"{where}: Channel Time Skew or Sample Skew (type 1C) missing")
    expect(int(type1(ch, "WaveformBitsStored", where)) == group["bits"], f"{where}: WaveformBitsStored {ch.get('WaveformBitsStored')}")
    f = group["filters"]
    for kw, key in (("FilterLowFrequency", "low"), ("FilterHighFrequency", "high"), ("NotchFilterFrequency", "notch")):
        if f.get(key) is None:
            expect(kw not in ch, f"{where}: {kw} written though the recording states none")
        else:
            expect(kw in ch and abs(float(ch.get(kw)) - f[key]) < 1e-9, f"{where}: {kw} {ch.get(kw)} != {f[key]}")


def first_sample_at(t, rate):
    return int(math.ceil(t * rate - 1e-9))


def check_group(ds, index, item, group):
    where = f"multiplex group {index + 1} ({group['label']})"
    expect(item.get("WaveformOriginality") in ("ORIGINAL", "DERIVED"), f"{where}: Waveform Originality")
    n_ch = int(type1(item, "NumberOfWaveformChannels", where))
    n_s = int(type1(item, "NumberOfWaveformSamples", where))
    rate = float(type1(item, "SamplingFrequency", where))
    expect(1 <= n_ch <= 64, f"{where}: EMG IOD allows 1..64 channels, has {n_ch}")
    expect(item.get("MultiplexGroupLabel") == group["label"], f"{where}: Multiplex Group Label {item.get('MultiplexGroupLabel')}")
    expect("MultiplexGroupTimeOffset" in item, f"{where}: Multiplex Group Time Offset missing")
    bits_alloc = int(type1(item, "WaveformBitsAllocated", where))
    interp = type1(item, "WaveformSampleInterpretation", where)
    expect(interp == ("SL" if group["bits"] == 24 else "SS"), f"{where}: sample interpretation {interp} for {group['bits']}-bit samples")
    expect(bits_alloc == (32 if interp == "SL" else 16), f"{where}: bits allocated {bits_alloc}")
    defs = item.get("ChannelDefinitionSequence")
    expect(defs is not None and len(defs) == n_ch, f"{where}: Channel Definition Sequence has {0 if defs is None else len(defs)} items, channels {n_ch}")
    for k, ch in enumerate(defs or []):
        check_channel(ch, group, f"{where} channel {k + 1}")
    expect(len(item.WaveformData) == n_s * n_ch * bits_alloc // 8, f"{where}: Waveform Data length {len(item.WaveformData)}")

    # samples: the file's own integers, exactly, and the physical values after scaling
    rec = read_edf_digital(group["recording"])
    signals = [s for s in rec["signals"] if not s["annotation"]]
    if group["channel"]:
        want = group["channel"].lower()   # the label as in the file, or without its EDF+ signal type ("EMG EDB" is "EDB")
        signals = [s for s in signals if want in (s["label"].lower(), s["label"].lower().split(" ", 1)[-1])]
    expect(len(signals) == n_ch, f"{where}: {n_ch} channels, the recording has {len(signals)} linked")
    expect(abs(rate - signals[0]["rate"]) < 1e-9, f"{where}: sampling frequency {rate} != {signals[0]['rate']}")
    first = first_sample_at(group["startSec"], rate)
    last = first_sample_at(group["endSec"], rate) if group["endSec"] is not None else len(signals[0]["digital"])
    expect(n_s == last - first, f"{where}: {n_s} samples, the linked span has {last - first}")
    raw = multiplex_array(ds, index, as_raw=True)
    scaled = multiplex_array(ds, index, as_raw=False)
    for k, s in enumerate(signals[:n_ch]):
        want = s["digital"][first:first + n_s]
        expect(raw.shape[0] == len(want) and np.array_equal(raw[:, k].astype(np.int64), want.astype(np.int64)),
               f"{where} channel {k + 1}: samples differ from the recording's integers")
        # scaled: the file's physical values to what 16-character decimal strings hold (at
        # least 11 significant digits: far below one LSB), and back to the very same integers
        physical = want * s["gainUv"] + s["offsetUv"]
        lsb = abs(s["gainUv"])
        same = len(physical) == scaled.shape[0]
        err = float(np.max(np.abs(scaled[:, k] - physical))) if same else float("inf")
        expect(err <= 1e-3 * lsb, f"{where} channel {k + 1}: scaled samples differ from the physical values by {err} uV (LSB {lsb})")
        back = np.rint((scaled[:, k] - s["offsetUv"]) / s["gainUv"]).astype(np.int64) if same else None
        expect(same and np.array_equal(back, want.astype(np.int64)), f"{where} channel {k + 1}: scaled samples do not map back to the integers")
    return rate, first


def check_annotations(ds, groups, spans):
    anns = ds.get("WaveformAnnotationSequence") or []
    for gi, group in enumerate(groups):
        rate, first = spans[gi]
        mine = []
        for a in anns:
            pairs = list(a.ReferencedWaveformChannels)
            if pairs and pairs[0] == gi + 1:
                expect(a.get("TemporalRangeType") == "POINT", f"annotation {a.get('UnformattedTextValue')}: temporal range type")
                expect(all(pairs[i] == gi + 1 for i in range(0, len(pairs), 2)), "annotation refers to two groups")
                mine.append((a.get("UnformattedTextValue"), int(a.ReferencedSamplePositions)))
        for m in group["markers"]:
            hit = [p for t, p in mine if t == m["text"]]
            expect(len(hit) == 1, f"group {gi + 1}: marker '{m['text']}' found {len(hit)} times in {mine}")
            if len(hit) == 1:
                want = round((m["timeSec"] - first / rate) * rate) + 1   # 1-based sample of the group
                expect(abs(hit[0] - want) <= 1, f"group {gi + 1}: marker '{m['text']}' at sample {hit[0]}, expected {want} (+-1)")


def check_emg(path, exp):
    ds = pydicom.dcmread(path)
    where = "EMG"
    expect(ds.SOPClassUID == EMG_SOP, f"{where}: SOP class {ds.SOPClassUID}")
    check_common(ds, exp, where)
    expect(ds.get("Modality") == "EMG", f"{where}: Modality {ds.get('Modality')}")
    # Synchronization (C.7.4.2)
    expect(is_uid(type1(ds, "SynchronizationFrameOfReferenceUID", where)), f"{where}: synchronization frame UID malformed")
    expect(type1(ds, "SynchronizationTrigger", where) in ("SOURCE", "EXTERNAL", "PASSTHRU", "NO TRIGGER"), f"{where}: Synchronization Trigger")
    expect(type1(ds, "AcquisitionTimeSynchronized", where) in ("Y", "N"), f"{where}: Acquisition Time Synchronized")
    # Waveform Identification (C.10.8)
    type1(ds, "InstanceNumber", where)
    expect(re.match(r"^\d{8}$", str(type1(ds, "ContentDate", where))), f"{where}: Content Date")
    type1(ds, "ContentTime", where)
    expect(re.match(r"^\d{14}", str(type1(ds, "AcquisitionDateTime", where))), f"{where}: Acquisition DateTime")
    # Acquisition Context (C.7.6.14)
    type2(ds, "AcquisitionContextSequence", where)
    # Waveform (C.10.9)
    seq = ds.get("WaveformSequence") or []
    expect(len(seq) == len(exp["groups"]), f"{where}: {len(seq)} multiplex groups, expected {len(exp['groups'])}")
    spans = [check_group(ds, i, item, g) for i, (item, g) in enumerate(zip(seq, exp["groups"]))]
    check_annotations(ds, exp["groups"], spans)
    return ds


def check_pdf(path, exp):
    ds = pydicom.dcmread(path)
    where = "PDF"
    expect(ds.SOPClassUID == PDF_SOP, f"{where}: SOP class {ds.SOPClassUID}")
    check_common(ds, exp, where)
    expect(ds.get("Modality") == "DOC", f"{where}: Modality {ds.get('Modality')}")
    type1(ds, "ConversionType", where)
    type1(ds, "InstanceNumber", where)
    type2(ds, "ContentDate", where)
    type2(ds, "ContentTime", where)
    type2(ds, "AcquisitionDateTime", where)
    expect(type1(ds, "BurnedInAnnotation", where) == "YES", f"{where}: Burned In Annotation")
    type2(ds, "DocumentTitle", where)
    type2(ds, "ConceptNameCodeSequence", where)
    expect(type1(ds, "MIMETypeOfEncapsulatedDocument", where) == "application/pdf", f"{where}: MIME type")
    doc = bytes(ds.EncapsulatedDocument)
    n = int(ds.get("EncapsulatedDocumentLength", len(doc)))
    expect(hashlib.sha256(doc[:n]).hexdigest() == exp["pdfSha256"], f"{where}: the encapsulated PDF is not the signed one")
    return ds


def main():
    exp = json.load(open(sys.argv[1]))
    emg = check_emg(exp["emg"], exp)
    if exp.get("pdf"):
        pdf = check_pdf(exp["pdf"], exp)
        expect(pdf.StudyInstanceUID == emg.StudyInstanceUID, "the two files have different Study Instance UIDs")
        expect(pdf.SOPInstanceUID != emg.SOPInstanceUID and pdf.SeriesInstanceUID != emg.SeriesInstanceUID, "SOP/series instance UIDs repeat")
    for f in failed:
        print("FAILED:", f)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
