// Stimulus events (annotation spellings, trigger channel), sweeps, averaging with artifact
// rejection, artifact handling that does not move the onset, markers moved by the clinician.
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>
#include <emg/dsp/stimulus_events.h>
#include <emg/dsp/sweeps.h>

#include <catch2/catch.hpp>

#include <random>

using namespace emg;
using namespace emg::dsp;

TEST_CASE("Stimulus annotations are read liberally", "[dsp][stim]") {
    auto p = parseStimText("Stim wrist");
    REQUIRE(p);
    CHECK(p->site == "wrist");
    CHECK_FALSE(p->intensityMa);
    CHECK(parseStimText("stim: Wrist")->site == "wrist");
    CHECK(parseStimText("STIM_Elbow")->site == "elbow");
    CHECK(parseStimText("Stim-wrist")->site == "wrist");
    p = parseStimText("Stimulus wrist 25mA");
    REQUIRE(p);
    CHECK(p->site == "wrist");
    REQUIRE(p->intensityMa);
    CHECK(*p->intensityMa == 25.0);
    p = parseStimText("Stim below elbow 12.5 mA 0.2ms");
    REQUIRE(p);
    CHECK(p->site == "below elbow");
    CHECK(*p->intensityMa == 12.5);
    CHECK(*p->pulseWidthMs == 0.2);
    p = parseStimText("Stimulation popliteal fossa I=0.03 A 3Hz #4");
    REQUIRE(p);
    CHECK(p->site == "popliteal fossa");
    CHECK(*p->intensityMa == Approx(30.0));
    CHECK(*p->rateHz == 3.0);
    CHECK(parseStimText("wrist stim")->site == "wrist");
    CHECK(parseStimText("Stim wrist 2")->site == "wrist");
    CHECK_FALSE(parseStimText("Gap 20 samples"));
    CHECK_FALSE(parseStimText("Recording start"));
    CHECK(parseStimText("Stim")->site.empty());
    // the EDF+ specification's Motor Nerve Conduction example (section 3.7), word for word
    p = parseStimText("Stimulus right wrist 0.2ms x 8.2mA at 6.5cm from recording site Response 7.2mV at 3.8ms");
    REQUIRE(p);
    CHECK(p->site == "right wrist");
    CHECK(*p->pulseWidthMs == Approx(0.2));
    CHECK(*p->intensityMa == Approx(8.2));
    REQUIRE(p->distanceMm);
    CHECK(*p->distanceMm == Approx(65.0));
    p = parseStimText("Stimulus right elbow 0.2ms x 15.3mA at 28.5cm from recording site Response 7.2mV at 7.8ms (55.0m/s)");
    REQUIRE(p);
    CHECK(p->site == "right elbow");
    CHECK(*p->intensityMa == Approx(15.3));
    CHECK(*p->distanceMm == Approx(285.0));
    CHECK(*p->pulseWidthMs == Approx(0.2));   // not the response's 7.8 ms
    CHECK(*parseStimText("Stim ankle 80 mm")->distanceMm == Approx(80.0));
    // the EDF+ authors' example files name a stimulus by a letter per site
    CHECK(parseStimText("StimA")->site == "a");
    CHECK(parseStimText("StimB")->site == "b");
    CHECK(parseStimText("Stims")->site.empty());   // a plural, not a site "s"
    CHECK_FALSE(parseStimText("Stimmung"));
    // BrainVision markers as MNE reads them: the code is the site (two codes: two sites), a
    // response marker is not a stimulus
    CHECK(parseStimText("Stimulus/S  1")->site == "s1");
    CHECK(parseStimText("Stimulus/S 12")->site == "s12");
    CHECK_FALSE(parseStimText("Response/R  1"));
    // German, Spanish and Italian exports
    CHECK(parseStimText("Reiz Handgelenk 12 mA")->site == "handgelenk");
    CHECK(*parseStimText("Reiz Handgelenk 12 mA")->intensityMa == Approx(12.0));
    CHECK(parseStimText("Est\xc3\xadmulo mu\xc3\xb1" "eca")->site == "mu\xc3\xb1" "eca");   // (split: "\xb1eca" would be one escape)
    CHECK(parseStimText("Stimolo gomito")->site == "gomito");
    CHECK(parseStimText("Ellenbogen Reizung")->site == "ellenbogen");
}

TEST_CASE("A stimulus annotation's counter and train number", "[dsp][stim]") {
    // the counter: "#4", a plain integer after the site, "3/10" (its first number)
    auto p = parseStimText("Stimulation popliteal fossa I=0.03 A 3Hz #4");
    REQUIRE(p->ordinal);
    CHECK(*p->ordinal == 4);
    CHECK(*parseStimText("Stim wrist 2")->ordinal == 2);
    CHECK(*parseStimText("Stim wrist 3Hz 3/10")->ordinal == 3);
    CHECK(parseStimText("Stim wrist 3Hz 3/10")->site == "wrist");
    CHECK(*parseStimText("Wrist stim 7")->ordinal == 7);
    // a number with its unit is a value, not a counter
    p = parseStimText("Stim wrist 25 mA");
    CHECK_FALSE(p->ordinal);
    CHECK(*p->intensityMa == Approx(25.0));
    CHECK_FALSE(parseStimText("Stim wrist")->ordinal);
    // "train 2", "series 2", "sequence 2": the train, out of the site
    p = parseStimText("Stim ulnar wrist 3Hz train 2 #1");
    REQUIRE(p);
    CHECK(p->site == "ulnar wrist");
    REQUIRE(p->train);
    CHECK(*p->train == 2);
    CHECK(*p->ordinal == 1);
    CHECK(*parseStimText("Series 3 stim wrist")->train == 3);
    CHECK(parseStimText("Series 3 stim wrist")->site == "wrist");
    CHECK_FALSE(parseStimText("Stim wrist train")->train);   // no number: part of the site
}

TEST_CASE("A stimulus's distance from an EDF_XMLnote beside it", "[dsp][stim]") {
    CHECK(*distanceMmFromXmlNote("<EDF_XMLnote><distance mode=\"stimulus-recording\" unit=\"cm\">6.5</distance></EDF_XMLnote>") == Approx(65.0));
    CHECK(*distanceMmFromXmlNote("<EDF_XMLnote>\r\n  <Distance>305 mm</Distance>\r\n</EDF_XMLnote>") == Approx(305.0));
    CHECK(*distanceMmFromXmlNote("<EDF_XMLnote><distance value='0.14' unit='m'/></EDF_XMLnote>") == Approx(140.0));
    CHECK_FALSE(distanceMmFromXmlNote("<EDF_XMLnote><distance>6.5</distance></EDF_XMLnote>"));           // no unit: unknown scale
    CHECK_FALSE(distanceMmFromXmlNote("<distance unit=\"cm\">6.5</distance>"));                           // not an EDF_XMLnote
    CHECK_FALSE(distanceMmFromXmlNote("<EDF_XMLnote><distances unit=\"cm\">6.5</distances></EDF_XMLnote>"));
    // of several, the one to the recording site; two without a mode: no way to choose
    CHECK(*distanceMmFromXmlNote("<EDF_XMLnote><distance mode=\"interstimulus\" unit=\"cm\">24</distance>"
                                 "<distance mode=\"to recording\" unit=\"cm\">30.5</distance></EDF_XMLnote>") == Approx(305.0));
    CHECK_FALSE(distanceMmFromXmlNote("<EDF_XMLnote><distance unit=\"cm\">24</distance><distance unit=\"cm\">30.5</distance></EDF_XMLnote>"));

    // placed on the stimulus of the same instant; a note at another time gives it nothing
    Recording rec;
    rec.annotations = {{0.0, 0.0, "StimA"}, {0.0, 0.0, "<EDF_XMLnote><distance unit=\"cm\">6.5</distance></EDF_XMLnote>"},
                       {60.0, 0.0, "StimB"}, {61.0, 0.0, "<EDF_XMLnote><distance unit=\"cm\">30.5</distance></EDF_XMLnote>"}};
    const auto marks = stimuliFromAnnotations(rec, 10000.0);
    REQUIRE(marks.size() == 2);
    CHECK(marks[0].site == "a");
    REQUIRE(marks[0].distanceMm);
    CHECK(*marks[0].distanceMm == Approx(65.0));
    CHECK_FALSE(marks[1].distanceMm);
}

TEST_CASE("Stimuli from a trigger channel when there are no annotations", "[dsp][stim]") {
    Recording rec;
    RecordedChannel sig;
    sig.label = "APB";
    sig.sampleRateHz = 20000.0;
    sig.samples.assign(40000, 0.0);
    RecordedChannel trig;
    trig.label = "Trig";
    trig.physicalUnit = "V";
    trig.sampleRateHz = 10000.0;   // a different rate: placed on the signal clock
    trig.samples.assign(20000, 0.02);
    for (int s : {2500, 7500, 12500})
        for (int k = 0; k < 5; ++k) trig.samples[static_cast<std::size_t>(s + k)] = 5.0;
    rec.channels = {sig, trig};
    CHECK(findTriggerChannel(rec) == 1);
    const auto marks = findStimuli(rec, 20000.0);
    REQUIRE(marks.size() == 3);
    CHECK(marks[0].sampleIndex == 5000);
    CHECK(marks[2].sampleIndex == 25000);
    CHECK(marks[0].source == "trigger:Trig");
    // A flat trigger channel gives nothing, not a crash.
    rec.channels[1].samples.assign(20000, 0.0);
    CHECK(findStimuli(rec, 20000.0).empty());
}

TEST_CASE("Trigger channels from other systems: active-low pulses, status words and event codes", "[dsp][stim]") {
    const double fs = 10000.0;
    RecordedChannel trig;
    trig.sampleRateHz = fs;
    trig.label = "TTL";
    trig.physicalUnit = "uV";

    SECTION("active-low TTL: the falling edge is the stimulus, not the end of the pulse") {
        trig.samples.assign(20000, 5.0e6);   // 5 V idle
        for (int s : {2000, 9000, 15000})
            for (int k = 0; k < 10; ++k) trig.samples[static_cast<std::size_t>(s + k)] = 0.0;
        const auto marks = stimuliFromTrigger(trig, fs);
        REQUIRE(marks.size() == 3);
        CHECK(marks[0].sampleIndex == 2000);
        CHECK(marks[1].sampleIndex == 9000);
        CHECK(marks[2].sampleIndex == 15000);
    }
    SECTION("a BioSemi status word: upper bits (CMS in range, speed mode) masked, codes name the sites") {
        trig.label = "Status";
        trig.physicalUnit = "Boolean";
        const double upper = static_cast<double>((1 << 20) | (1 << 17));   // amplifier state bits
        trig.samples.assign(30000, upper);
        // code 1 at two stimuli, code 2 at two, each held 5 ms; the state bits flip once in between
        for (auto [start, code] : std::vector<std::pair<int, int>>{{1000, 1}, {6000, 1}, {12000, 2}, {20000, 2}})
            for (int k = 0; k < 50; ++k) trig.samples[static_cast<std::size_t>(start + k)] = upper + code;
        for (std::size_t i = 16000; i < 16100; ++i) trig.samples[i] = static_cast<double>(1 << 20);
        const auto marks = stimuliFromTrigger(trig, 2.0 * fs);   // placed on a 20 kHz signal clock
        REQUIRE(marks.size() == 4);
        CHECK(marks[0].sampleIndex == 2000);
        CHECK(marks[0].site == "code 1");
        CHECK(marks[2].sampleIndex == 24000);
        CHECK(marks[2].site == "code 2");
        CHECK(marks[3].site == "code 2");
        CHECK(sitesInOrder(marks) == std::vector<std::string>{"code 1", "code 2"});
    }
    SECTION("an event-code channel without a voltage unit: one event per code onset") {
        trig.label = "Event";
        trig.physicalUnit = "";
        trig.samples.assign(20000, 0.0);
        for (auto [start, code] : std::vector<std::pair<int, int>>{{500, 3}, {5000, 7}, {9000, 3}})
            for (int k = 0; k < 20; ++k) trig.samples[static_cast<std::size_t>(start + k)] = code;
        const auto marks = stimuliFromTrigger(trig, fs);
        REQUIRE(marks.size() == 3);
        CHECK(marks[1].sampleIndex == 5000);
        CHECK(marks[1].site == "code 7");
    }
    SECTION("voltage pulses that add up where they overlap stay pulses, not codes") {
        trig.samples.assign(20000, 0.0);
        for (int s : {1000, 1003, 8000})
            for (int k = 0; k < 5; ++k) trig.samples[static_cast<std::size_t>(s + k)] += 1000.0;
        const auto marks = stimuliFromTrigger(trig, fs);
        REQUIRE(marks.size() == 2);   // the overlapping pair is one stimulus (2 ms refractory)
        CHECK(marks[0].site == "trigger");
        CHECK(marks[1].sampleIndex == 8000);
    }
}

TEST_CASE("Averaging rejects sweeps whose baseline or peak exceeds the limit", "[dsp][sweeps]") {
    const double fs = 20000.0;
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(0.0, 10.0);
    std::vector<Sweep> sweeps;
    const test::ResponseShape r{3.0, 40.0, 1.0, 20.0};
    for (std::size_t k = 0; k < 12; ++k) {
        Sweep s;
        s.sampleRateHz = fs;
        s.preSamples = 100;
        s.index = k;
        s.uv.resize(500);
        for (std::size_t i = 0; i < s.uv.size(); ++i) s.uv[i] = noise(rng) + r.at(s.timeMs(static_cast<double>(i)));
        if (k == 4)
            for (std::size_t i = 20; i < 40; ++i) s.uv[i] += 800.0;   // movement in the baseline
        if (k == 9) s.uv[300] += 5000.0;                                   // a spike after the stimulus
        sweeps.push_back(s);
    }
    RejectionSettings lim;
    lim.baselineLimitUv = 200.0;
    lim.peakLimitUv = 1000.0;
    const auto avg = averageSweeps(sweeps, lim);
    CHECK(avg.rejectedIndices == std::vector<std::size_t>{4, 9});
    CHECK(avg.usedIndices.size() == 10);
    REQUIRE(avg.rejectionReasons.size() == 2);
    CHECK(avg.rejectionReasons[0].find("baseline") != std::string::npos);
    CHECK(avg.rejectionReasons[1].find("peak") != std::string::npos);
    // The average is the response with noise / sqrt(10).
    const auto b = baselineStats(avg.average);
    CHECK(b.sdUv == Approx(10.0 / std::sqrt(10.0)).epsilon(0.35));
    // Every sweep rejected: a clear error.
    lim.baselineLimitUv = 1.0;
    CHECK_THROWS_AS(averageSweeps(sweeps, lim), std::runtime_error);
    CHECK_THROWS_AS(averageSweeps({}, lim), std::invalid_argument);
}

TEST_CASE("The stimulus artifact does not move the onset", "[dsp][sweeps][accuracy]") {
    const double fs = 20000.0;
    const test::ResponseShape cmap{3.1, 5000.0, 5.0, 2000.0};
    double onsets[3] = {0, 0, 0};
    const double artifacts[3] = {0.0, 3000.0, 20000.0};
    const double taus[3] = {0.1, 0.1, 0.25};
    for (int k = 0; k < 3; ++k) {
        test::Disturbances d;
        d.artifactUv = artifacts[k];
        d.artifactTauMs = taus[k];
        d.seed = 11;
        const auto rec = test::synthesize({{0.5, "Stim wrist", cmap, {}}}, fs, 1.0, d);
        const auto st = ncsSettingsFor(NcsTest::Motor);
        const auto sites = analyzeSites(prepareSignal(rec, std::nullopt, st), st);
        REQUIRE(sites.at(0).response.found);
        onsets[k] = sites[0].response.measures.onsetLatencyMs;
    }
    WARN("onset without artifact " << onsets[0] << " ms, with 3 mV artifact " << onsets[1] << " ms, with 20 mV slow artifact " << onsets[2] << " ms");
    CHECK(std::fabs(onsets[1] - onsets[0]) * fs / 1000.0 <= 0.5);
    CHECK(std::fabs(onsets[2] - onsets[0]) * fs / 1000.0 <= 0.5);
    CHECK(std::fabs(onsets[0] - 3.1) * fs / 1000.0 <= 1.0);
}

TEST_CASE("Markers moved by the clinician: derived values follow through measureFromMarkers", "[dsp][markers]") {
    const double fs = 20000.0;
    Sweep s;
    s.sampleRateHz = fs;
    s.preSamples = 100;
    const test::ResponseShape r{3.0, 5000.0, 5.0, 2000.0};
    s.uv.resize(1100);
    for (std::size_t i = 0; i < s.uv.size(); ++i) s.uv[i] = r.at(s.timeMs(static_cast<double>(i)));
    const auto autoRes = detectResponse(s);
    REQUIRE(autoRes.found);
    CHECK(autoRes.provenance.markers.origin == MarkerOrigin::Auto);
    CHECK(autoRes.measures.onsetLatencyMs == Approx(3.0).margin(0.05));
    CHECK(autoRes.measures.amplitudeUv == Approx(5000.0).epsilon(0.002));
    CHECK(autoRes.measures.negativeDurationMs == Approx(5.0).margin(0.05));
    CHECK(autoRes.measures.negativeAreaUvMs == Approx(r.negativeAreaUvMs()).epsilon(0.005));
    CHECK(autoRes.measures.peakToPeakUv == Approx(7000.0).epsilon(0.002));
    // Same markers -> same numbers (the detector's numbers are measureFromMarkers' numbers).
    const auto again = measureFromMarkers(s, autoRes.provenance.markers);
    CHECK(again.amplitudeUv == autoRes.measures.amplitudeUv);
    // The clinician moves the onset 0.5 ms later and the peak marker to 4.0 ms.
    Markers moved = autoRes.provenance.markers;
    moved.onsetMs = 3.5;
    moved.negativePeakMs = 4.0;
    const auto c = remeasure(s, autoRes, moved);
    CHECK(c.provenance.markers.origin == MarkerOrigin::Clinician);
    CHECK(c.measures.onsetLatencyMs == 3.5);
    CHECK(c.measures.amplitudeUv == Approx(5000.0 * std::sin(std::numbers::pi * 1.0 / 5.0)).epsilon(0.002));
    CHECK(c.measures.negativeDurationMs == Approx(4.5).margin(0.05));
    moved.negativePeakMs = 2.0;   // before the onset
    CHECK_THROWS_AS(measureFromMarkers(s, moved), std::invalid_argument);
    moved.negativePeakMs = 400.0;   // outside the sweep
    CHECK_THROWS_AS(measureFromMarkers(s, moved), std::invalid_argument);
}

TEST_CASE("Conduction velocity and block/dispersion flags", "[dsp][ncs]") {
    CHECK(motorConductionVelocityMPerS(230.0, 3.5, 7.6) == Approx(230.0 / 4.1));
    CHECK(sensoryConductionVelocityMPerS(140.0, 2.6) == Approx(53.846).epsilon(1e-4));
    CHECK_THROWS_AS(motorConductionVelocityMPerS(230.0, 7.6, 3.5), std::invalid_argument);
    CHECK_THROWS_AS(motorConductionVelocityMPerS(0.0, 3.0, 7.0), std::invalid_argument);
    ResponseMeasures distal, proximal;
    distal.amplitudeUv = 6000;
    distal.negativeAreaUvMs = 20000;
    distal.negativeDurationMs = 5.0;
    proximal = distal;
    proximal.amplitudeUv = 2500;
    proximal.negativeAreaUvMs = 8000;
    proximal.negativeDurationMs = 5.5;
    auto c = compareSites(distal, proximal);
    CHECK(c.areaDropPercent == Approx(60.0));
    CHECK(c.conductionBlock);
    CHECK_FALSE(c.temporalDispersion);
    proximal.negativeDurationMs = 8.0;   // +60 %: dispersion, not block
    c = compareSites(distal, proximal);
    CHECK_FALSE(c.conductionBlock);
    CHECK(c.temporalDispersion);
}
