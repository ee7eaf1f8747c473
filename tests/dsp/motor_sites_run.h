#pragma once
// A motor study's sites analysed as any file is (ncsSettingsFor(Motor)), for the record-per-sweep
// accuracy tests: the file's stimuli and the sites measured must number `sites`.
#include <emg/core/recording.h>
#include <emg/dsp/ncs_analysis.h>

#include <catch2/catch.hpp>

#include <optional>
#include <vector>

namespace emg::test {

inline std::vector<dsp::SiteResult> analyzeMotorSites(const Recording& rec, std::size_t sites) {
    const auto st = dsp::ncsSettingsFor(dsp::NcsTest::Motor);
    const auto prepared = dsp::prepareSignal(rec, std::nullopt, st);
    REQUIRE(prepared.stimuli.size() == sites);
    auto measured = dsp::analyzeSites(prepared, st);
    REQUIRE(measured.size() == sites);
    return measured;
}

}  // namespace emg::test
