// Engine real-time factor: the simulated amplifier free-running at 32 ch x 48 kHz through the
// AcquisitionEngine with a trivial consumer. Prints samples processed per second divided by the
// samples a real 32 ch x 48 kHz amplifier produces per second (1 536 000).
#include <sim/simulated_amplifier.h>

#include <emg/acq/acquisition_engine.h>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

namespace {
double processCpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

class SumConsumer : public emg::AcquisitionConsumer {
public:
    std::atomic<std::int64_t> frames{0};
    double sum = 0.0;
    void onStart(const emg::AcquisitionConfig&) override {}
    void onBlock(const emg::SampleBlockView& b) override {
        sum += b.microvolts[0];
        frames.fetch_add(b.frames, std::memory_order_relaxed);
    }
};
}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
    constexpr double kRate = 48000.0;
    constexpr std::size_t kChannels = 32;
    emg::sim::SimulatedAmplifier amp;
    auto s = amp.settings();
    s.effort = 0.6;            // a busy needle interference pattern on half the channels
    s.denervationGrade = 2;
    amp.setSettings(s);
    const auto cfg = emg::sim::SimulatedAmplifier::makeConfig(kChannels, kRate, kChannels / 2, emg::Pacing::FreeRunning);
    emg::AcquisitionEngine engine;
    SumConsumer consumer;
    engine.addConsumer(&consumer);
    const auto target = static_cast<std::int64_t>(seconds * kRate);
    const double cpu0 = processCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    engine.start(amp, cfg);
    emg::StimulusCommand stim;
    stim.intensityMa = 30.0;
    stim.pulseWidthMs = 0.2;
    stim.trainCount = 10;
    stim.trainRateHz = 3.0;
    amp.stimulate(stim);
    while (consumer.frames.load() < target) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const auto t1 = std::chrono::steady_clock::now();
    const double cpu = processCpuSeconds() - cpu0;
    engine.stop();
    const double wall = std::chrono::duration<double>(t1 - t0).count();
    const auto st = engine.stats();
    const double samplesPerSec = static_cast<double>(consumer.frames.load()) * kChannels / wall;
    const double rtf = samplesPerSec / (kChannels * kRate);
    std::printf("engine_bench: simulated amplifier 32 ch x 48 kHz free-running through AcquisitionEngine\n");
    std::printf("  signal %.2f s in %.3f s wall; %.3g samples/s processed\n", consumer.frames.load() / kRate, wall, samplesPerSec);
    std::printf("  real-time factor = %.2f (samples processed per second / 1536000)\n", rtf);
    std::printf("  CPU %.3f s for %.2f s of signal: %.3f cores at real time (generator + engine + consumer;\n"
                "  free-running adds the producer's waits on a full ring)\n",
                cpu, consumer.frames.load() / kRate, cpu / (consumer.frames.load() / kRate));
    std::printf("  frames lost to gaps %llu, dropped ring-full %llu, stimuli %llu\n",
                static_cast<unsigned long long>(st.framesLostGap), static_cast<unsigned long long>(st.framesDroppedRingFull),
                static_cast<unsigned long long>(st.stimuli));
    return st.framesLostGap == 0 && st.framesDroppedRingFull == 0 ? 0 : 1;
}
