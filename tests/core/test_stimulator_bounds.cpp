#include <emg/acq/stimulator.h>

#include <catch2/catch.hpp>

using namespace emg;

TEST_CASE("stimulus commands inside the clinical bounds are accepted", "[stim]") {
    StimulusCommand c;
    c.intensityMa = 30.0;
    c.pulseWidthMs = 0.2;
    CHECK_FALSE(validateStimulus(c, StimulatorLimits{}).has_value());
    c.trainCount = 10;
    c.trainRateHz = 3.0;  // repetitive nerve stimulation at 3 Hz
    CHECK_FALSE(validateStimulus(c, StimulatorLimits{}).has_value());
}

TEST_CASE("out-of-bound stimuli are refused with a reason", "[stim]") {
    StimulusCommand c;
    c.intensityMa = 100.5;  // above the 100 mA absolute bound
    auto err = validateStimulus(c, StimulatorLimits{});
    REQUIRE(err.has_value());
    CHECK(err->find("mA") != std::string::npos);

    c.intensityMa = 20.0;
    c.pulseWidthMs = 1.5;  // above 1 ms
    CHECK(validateStimulus(c, StimulatorLimits{}).has_value());
    c.pulseWidthMs = 0.01;  // below 0.05 ms
    CHECK(validateStimulus(c, StimulatorLimits{}).has_value());

    c.pulseWidthMs = 0.1;
    c.trainCount = 5;
    c.trainRateHz = 60.0;  // above 50 Hz
    CHECK(validateStimulus(c, StimulatorLimits{}).has_value());
}

TEST_CASE("a narrower device limit wins and a wider one cannot widen the absolute bound", "[stim]") {
    StimulatorLimits narrow;
    narrow.maxIntensityMa = 50.0;
    StimulusCommand c;
    c.intensityMa = 60.0;
    c.pulseWidthMs = 0.1;
    CHECK(validateStimulus(c, narrow).has_value());
    StimulatorLimits wide;
    wide.maxIntensityMa = 500.0;
    c.intensityMa = 150.0;
    CHECK(validateStimulus(c, wide).has_value());
    StimulatorLimits none;
    none.present = false;
    c.intensityMa = 1.0;
    CHECK(validateStimulus(c, none).has_value());
}
