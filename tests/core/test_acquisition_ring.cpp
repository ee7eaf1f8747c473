#include <emg/acq/acquisition_ring.h>

#include <catch2/catch.hpp>

#include <vector>

using namespace emg;

TEST_CASE("a block that does not fit is dropped whole and counted", "[ring][acq]") {
    AcquisitionRing ring(64, 16, 4);   // 64 int32 values
    std::vector<std::int32_t> block(40, 7);
    BlockHeader h{0, 0, 20, 2, 0};
    REQUIRE(ring.pushBlock(h, block));
    h.sequence = 1;
    h.firstSampleIndex = 20;
    CHECK_FALSE(ring.pushBlock(h, block));  // 80 > 64
    CHECK(ring.droppedBlocks() == 1);
    CHECK(ring.droppedFrames() == 20);

    BlockHeader out;
    REQUIRE(ring.popHeader(out));
    CHECK(out.sampleFrames == 20);
    auto s = ring.peekSamples(40);
    CHECK(s.size() == 40);
    ring.releaseSamples(40);
    CHECK_FALSE(ring.popHeader(out));
}

TEST_CASE("stimulus events queue beside the samples and overflow is counted", "[ring][acq]") {
    AcquisitionRing ring(64, 16, 2);
    CHECK(ring.pushStimulus({10, 20.0, 19.5, 0.2, 1, 0}));
    CHECK(ring.pushStimulus({20, 20.0, 19.5, 0.2, 1, 0}));
    CHECK_FALSE(ring.pushStimulus({30, 20.0, 19.5, 0.2, 1, 0}));
    CHECK(ring.droppedEvents() == 1);
    StimulusEvent ev;
    REQUIRE(ring.popStimulus(ev));
    CHECK(ev.sampleIndex == 10);
    CHECK(ev.deliveredMa == Approx(19.5));
}
