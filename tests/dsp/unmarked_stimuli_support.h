#pragma once
// Shared by the tests of stimuli a file does not mark (test_dsp_stimulus_artifacts,
// test_dsp_record_stimuli): the NCS generator's files in one layout, the same file without its
// stimulus annotations, and "every site read as the marked file's".
#include "ncs_case_generator.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>

#include <catch2/catch.hpp>

namespace emg::test {

/// The NCS generator's files in `layout`, no sweep cut by the file's end; motor or sensory when
/// `forceMotor` (as `motor` says), else drawn.
inline ncsgen::CaseOptions generatorFiles(ncsgen::Layout layout, bool forceMotor, bool motor = true) {
    ncsgen::CaseOptions o;
    o.forceLayout = true;
    o.layout = layout;
    o.forceMotor = forceMotor;
    o.motor = motor;
    o.truncateProbability = 0.0;
    return o;
}

inline Recording withoutMarks(Recording rec) {
    rec.annotations.clear();
    return rec;
}

/// Every site of `found` measured as `marked`'s, in order: as many sweeps, the onset within 0.01 ms,
/// and (ampEpsilon > 0) the amplitude within that fraction.
inline void checkSitesAsMarked(const dsp::PreparedSignal& marked, const dsp::PreparedSignal& found, const dsp::NcsAnalysisSettings& st,
                               double ampEpsilon = 0.0) {
    const auto a = dsp::analyzeSites(marked, st), b = dsp::analyzeSites(found, st);
    REQUIRE(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        INFO("site " << k + 1);
        CHECK(b[k].stimulusIndices.size() == a[k].stimulusIndices.size());
        if (ampEpsilon > 0.0) CHECK(b[k].response.found == a[k].response.found);
        if (!a[k].response.found || !b[k].response.found) continue;
        CHECK(b[k].response.measures.onsetLatencyMs == Approx(a[k].response.measures.onsetLatencyMs).margin(0.01));
        if (ampEpsilon > 0.0) CHECK(b[k].response.measures.amplitudeUv == Approx(a[k].response.measures.amplitudeUv).epsilon(ampEpsilon));
    }
}

/// The F-waves of `p`'s last site as `emgws-cli analyze --test fwave` reads them.
inline dsp::FWaveResult fwavesOf(const dsp::PreparedSignal& p, const dsp::NcsAnalysisSettings& st) {
    dsp::FWaveSettings fs;
    fs.mDetection = st.detection;
    fs.mainsHz = st.mainsHz;
    return dsp::analyzeFWaves(dsp::lateResponseSweeps(p, dsp::sitesInOrder(p.stimuli).back(), st), fs);
}

}  // namespace emg::test
