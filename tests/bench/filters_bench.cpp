// Live filter chain throughput: per channel HP 2 Hz (order 2) + LP 10 kHz (order 2) + 50 Hz notch
// with 2 harmonics, float samples in 1 ms blocks (48 frames), causal as in live display.
// Prints samples per second per core and the ratio against the real-time need of
// 32 channels x 48 kHz = 1.536 M samples/s (ratio > 1: one core keeps up, with that margin).
#include <emg/dsp/butterworth.h>
#include <emg/dsp/live_filter.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

int main() {
    constexpr double fs = 48000.0;
    constexpr int channels = 32;
    constexpr std::size_t block = 48;          // 1 ms
    constexpr std::size_t seconds = 20;        // of signal per channel
    std::vector<emg::dsp::BiquadCascade> chain;
    for (int c = 0; c < channels; ++c) {
        auto f = emg::dsp::designButterworthHighPass(2, 2.0, fs);
        f.append(emg::dsp::designButterworthLowPass(2, 10000.0, fs));
        f.append(emg::dsp::designNotch(50.0, fs, 3, 2.0));
        chain.push_back(std::move(f));
    }
    std::vector<float> in(block), out(block);
    for (std::size_t i = 0; i < block; ++i) in[i] = static_cast<float>(100.0 * std::sin(2 * std::numbers::pi * 50.0 * static_cast<double>(i) / fs));
    const std::size_t blocks = static_cast<std::size_t>(seconds * fs) / block;
    double sink = 0.0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t b = 0; b < blocks; ++b)
        for (auto& f : chain) {
            f.process(std::span<const float>(in), std::span<float>(out));
            sink += out[b % block];
        }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double samples = static_cast<double>(blocks * block) * channels;
    const double rate = samples / sec;
    const double need = 32.0 * 48000.0;
    std::printf("filter chain (HP2 + LP2 + notch x3 = %zu biquads/channel), float, %zu-frame blocks\n", chain[0].size(), block);
    std::printf("throughput: %.3g samples/s/core; real-time need 32 ch x 48 kHz = %.3g samples/s; ratio %.1f (checksum %.3g)\n", rate, need,
                rate / need, sink);

    // The same chain through LiveFilterBank on interleaved 32-channel frames (the acquisition layout).
    emg::dsp::LiveFilterBank bank(emg::dsp::filterPreset("motor"), fs, channels, 50.0);
    std::vector<float> frames(block * channels);
    for (std::size_t i = 0; i < frames.size(); ++i) frames[i] = in[(i / channels) % block];
    const auto t1 = std::chrono::steady_clock::now();
    for (std::size_t b = 0; b < blocks; ++b) {
        bank.processInterleaved(frames, block);
        sink += frames[b % frames.size()];
    }
    const double sec2 = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    const double rate2 = samples / sec2;
    std::printf("interleaved LiveFilterBank (32 ch): %.3g samples/s/core; ratio %.1f (checksum %.3g)\n", rate2, rate2 / need, sink);
    return 0;
}
