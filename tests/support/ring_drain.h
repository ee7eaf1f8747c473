#pragma once
// Empties an acquisition ring in a test: every block header, its samples (both halves of a wrap)
// and the stimulus events, in the order the producer pushed them.

#include <emg/acq/acquisition_ring.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

namespace emg::test {

struct Drained {
    std::vector<BlockHeader> headers;
    std::vector<std::int32_t> samples;
    std::vector<StimulusEvent> stimuli;
};

inline Drained drain(AcquisitionRing& ring) {
    Drained d;
    BlockHeader h;
    while (ring.popHeader(h)) {
        const std::size_t n = std::size_t{h.sampleFrames} * h.channelCount;
        auto s = ring.peekSamples(n);
        REQUIRE(s.size() == n);   // a header is pushed only after its samples
        d.samples.insert(d.samples.end(), s.first.begin(), s.first.end());
        d.samples.insert(d.samples.end(), s.second.begin(), s.second.end());
        ring.releaseSamples(n);
        d.headers.push_back(h);
    }
    StimulusEvent e;
    while (ring.popStimulus(e)) d.stimuli.push_back(e);
    return d;
}

}  // namespace emg::test
