#pragma once
// An H-reflex series (tibial nerve, soleus) and a 3 Hz RNS train (ulnar nerve, abductor digiti
// minimi) made by the simulator as BDF+ files, each linked to its test with the file's SHA-256,
// the stored values being the simulator's truth (as a measurement would have stored them).
#include "synthetic_ncs.h"

#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>
#include <emg/study/study.h>
#include <sim/sim_recording.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace emg::test {

struct LateStudy {
    study::Study study;
    double hLatencyMs = 0.0;          ///< truth: onset of H on the sweep with the largest H
    double mOnsetMs = 0.0;            ///< truth: onset of M (supramaximal)
    double rnsDecrementPercent = 0.0; ///< truth: (1st - 4th) / 1st
    std::size_t hSweeps = 0, rnsStimuli = 0;
    std::filesystem::path hFile, rnsFile;
};

inline study::RawDataLink linkTo(const std::filesystem::path& file) {
    study::RawDataLink link;
    link.path = file.string();
    link.sha256 = io::sha256OfFile(file);
    return link;
}

/// `rec` in records of `recordSec` that start at each stimulus (EDF+D), each its own DC (-2 / +3 mV in turn).
inline Recording recordsAtStimulus(const Recording& rec, double recordSec) {
    return recordPerStimulus(rec, 0.0, recordSec * 1000.0, {-2000.0, 3000.0});
}

/// `rec` as records of separate acquisitions glued back to back in an EDF+C / BDF+C (no holes): a
/// record per stimulus of 10 ms before it and `recordSec` after, each its own DC (-2 / +3 mV in turn).
inline Recording gluedRecords(const Recording& rec, double recordSec) {
    return gluedRecordPerStimulus(rec, 10.0, recordSec * 1000.0, {-2000.0, 3000.0});
}

/// `recordsAtStimulusSec` > 0: the recordings stored a record of that length per stimulus, starting at
/// it (EDF+D), or with `glued` 10 ms before each stimulus and that long after it, glued back to back.
inline LateStudy lateStudy(const std::filesystem::path& dir, double rnsDecrementPercent, double recordsAtStimulusSec = 0.0,
                           bool glued = false) {
    const auto stored = [&](const Recording& rec, double recordSec) {
        if (recordSec <= 0.0) return rec;
        return glued ? gluedRecords(rec, recordSec) : recordsAtStimulus(rec, recordSec);
    };
    LateStudy out;
    out.study.patientId = "MRN-0042";
    out.study.date = "2026-11-20";
    out.study.examiner = "Dr. Examiner";

    sim::SimRecordingOptions h;
    h.test = sim::SimTest::HReflex;
    h.nerve = "tibial-h";
    h.seed = 21;
    const auto hSim = sim::simulateRecording(h);
    out.hFile = dir / "H-tibial-L.bdf";
    io::writeRecording(stored(hSim.recording, recordsAtStimulusSec), out.hFile, io::FileFormat::BdfPlus);
    double hMax = 0.0;
    for (const auto& s : hSim.truth.stimuli) {
        if (s.response.hAmplitudeUv > hMax) {
            hMax = s.response.hAmplitudeUv;
            out.hLatencyMs = s.response.hLatencyMs;
        }
        out.mOnsetMs = std::max(out.mOnsetMs, s.response.onsetLatencyMs);
    }
    out.hSweeps = hSim.truth.stimuli.size();
    study::HReflex ht;
    ht.id = "H-L";
    ht.side = study::Side::Left;
    ht.raw = linkTo(out.hFile);
    ht.measurements = {{"hLatencyMs", out.hLatencyMs, "ms", study::Provenance::Auto, "simulator truth", ""}};
    out.study.tests.push_back(ht);

    sim::SimRecordingOptions r;
    r.test = sim::SimTest::Rns;
    r.nerve = "ulnar-motor";
    r.rnsDecrementPercent = rnsDecrementPercent;
    r.seed = 22;
    const auto rSim = sim::simulateRecording(r);
    out.rnsFile = dir / "RNS-ulnar-L.bdf";
    io::writeRecording(stored(rSim.recording, std::min(recordsAtStimulusSec, 0.3)), out.rnsFile, io::FileFormat::BdfPlus);
    out.rnsDecrementPercent = rSim.truth.rnsDecrementPercent;
    out.rnsStimuli = rSim.truth.stimuli.size();
    study::Rns rt;
    rt.id = "RNS-L";
    rt.side = study::Side::Left;
    rt.nerve = "ulnar";
    rt.recordingSite = "abductor digiti minimi";
    rt.raw = linkTo(out.rnsFile);
    rt.measurements = {{"decrementPct", out.rnsDecrementPercent, "%", study::Provenance::Auto, "simulator truth", ""}};
    out.study.tests.push_back(rt);
    return out;
}

}  // namespace emg::test
