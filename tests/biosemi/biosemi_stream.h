#pragma once
// Synthesised ActiveTwo word streams for the decoder tests, the umockdev fixtures and the
// benchmark, written from drivers/biosemi/biosemi_protocol.h so they cannot drift from it.

#include <biosemi/biosemi_protocol.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace emg::biosemi::test {

/// A deterministic sample for word `word` at `sampleIndex`: spans the signed 24-bit range, never
/// -1 (whose word would equal the sync word; the decoder copes, but exact tests stay exact).
inline std::int32_t sampleAt(std::int64_t sampleIndex, std::uint16_t word) {
    const std::int64_t v = (sampleIndex * 7919 + std::int64_t{word} * 104729 + 12345) % 16777216;
    const auto s = static_cast<std::int32_t>(v - 8388608);
    return s == -1 ? 1 : s;
}

inline void putWord(std::vector<std::uint8_t>& out, std::uint32_t w) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
}

/// The Status value of a receiver in `layout` (CMS in range, battery fine) with `triggers`.
inline std::uint32_t statusFor(const Layout& layout, std::uint16_t triggers) {
    Status s;
    s.speedMode = layout.speedMode;
    s.mk2 = layout.mk2;
    s.cmsInRange = true;
    s.triggers = triggers;
    return encodeStatus(s);
}

/// One frame: sync, Status, then value(word) for words 2.. (24-bit samples).
template <typename Value>
void appendFrame(std::vector<std::uint8_t>& out, const Layout& layout, std::uint32_t status, Value value) {
    putWord(out, kSyncWord);
    putWord(out, status << 8);
    for (std::uint16_t w = 2; w < layout.frameWords; ++w) putWord(out, wordOf(value(w)));
}

/// Frames [first, first + count) with sampleAt values and no triggers.
inline std::vector<std::uint8_t> plainFrames(const Layout& layout, std::int64_t first, std::int64_t count) {
    std::vector<std::uint8_t> out;
    out.reserve(static_cast<std::size_t>(count) * layout.frameBytes());
    const std::uint32_t st = statusFor(layout, 0);
    for (std::int64_t i = first; i < first + count; ++i)
        appendFrame(out, layout, st, [&](std::uint16_t w) { return sampleAt(i, w); });
    return out;
}

/// The NCS replay: an external stimulator's TTL on trigger input 1 (bit 0, high for 1 ms) every
/// kNcsPeriodMs, and on EX1 a compound muscle action potential following each pulse by
/// kNcsLatencyMs (EX2 is the reference, at 0), on a small deterministic noise.
inline constexpr double kNcsPeriodMs = 200.0;
inline constexpr double kNcsLatencyMs = 3.6;        ///< onset after the stimulus (APB, wrist: 3.0-4.2 ms)
inline constexpr double kNcsNegativeUv = 8000.0;    ///< negative peak, baseline to peak
inline constexpr double kNcsNegativeMs = 6.0;       ///< width of the negative phase
inline constexpr double kNcsPositiveUv = 3000.0;
inline constexpr double kNcsPositiveMs = 8.0;
inline constexpr int kNcsStimuli = 6;
inline constexpr std::int64_t kNcsFirstPulse = 1000;  ///< sample of the first rising edge

inline double cmapUv(double tMs) {
    const double pi = 3.14159265358979323846;
    if (tMs < 0) return 0.0;
    if (tMs < kNcsNegativeMs) return -kNcsNegativeUv * std::sin(pi * tMs / kNcsNegativeMs);
    tMs -= kNcsNegativeMs;
    if (tMs < kNcsPositiveMs) return kNcsPositiveUv * std::sin(pi * tMs / kNcsPositiveMs);
    return 0.0;
}

inline std::vector<std::uint8_t> ncsFrames(const Layout& layout) {
    const double rate = layout.rateHz;
    const auto period = static_cast<std::int64_t>(std::llround(kNcsPeriodMs * 1e-3 * rate));
    const auto pulse = static_cast<std::int64_t>(std::llround(1e-3 * rate));
    const std::int64_t total = kNcsFirstPulse + period * kNcsStimuli;
    const std::uint16_t ex1 = static_cast<std::uint16_t>(2 + layout.electrodes);
    std::vector<std::uint8_t> out;
    for (std::int64_t i = 0; i < total; ++i) {
        const std::int64_t since = i < kNcsFirstPulse ? -1 : (i - kNcsFirstPulse) % period;
        const bool high = since >= 0 && since < pulse && (i - kNcsFirstPulse) / period < kNcsStimuli;
        const double tMs = since < 0 ? -1.0 : since * 1000.0 / rate - kNcsLatencyMs;
        const double noiseUv = 2.0 * std::sin(0.37 * static_cast<double>(i)) * std::cos(0.011 * static_cast<double>(i));
        const double uv = cmapUv(tMs) + noiseUv;
        appendFrame(out, layout, statusFor(layout, high ? 1 : 0), [&](std::uint16_t w) {
            if (w == ex1) return static_cast<std::int32_t>(std::lround(uv / kMicrovoltsPerCount));
            if (w == ex1 + 1) return 0;
            return sampleAt(i, w);
        });
    }
    return out;
}

/// The trigger-input replay: an active-low stimulator output on trigger input 3 (bit 2, idles
/// high, low for 1 ms at each pulse: the falling edge is the stimulus) and another line on input 1
/// (bit 0, high for 1 ms half a period later: not a stimulus for input 3); samples are sampleAt().
inline constexpr double kTrigger3PeriodMs = 100.0;
inline constexpr int kTrigger3Pulses = 5;
inline constexpr std::int64_t kTrigger3First = 800;  ///< sample of the first falling edge on input 3

inline std::int64_t trigger3Period(const Layout& layout) {
    return static_cast<std::int64_t>(std::llround(kTrigger3PeriodMs * 1e-3 * layout.rateHz));
}
inline std::int64_t trigger3Total(const Layout& layout) { return kTrigger3First + trigger3Period(layout) * kTrigger3Pulses; }

inline std::uint16_t trigger3Lines(const Layout& layout, std::int64_t i) {
    const std::int64_t period = trigger3Period(layout);
    const auto pulse = static_cast<std::int64_t>(std::llround(1e-3 * layout.rateHz));
    const auto inPulse = [&](std::int64_t first) {
        return i >= first && (i - first) % period < pulse && (i - first) / period < kTrigger3Pulses;
    };
    std::uint16_t lines = inPulse(kTrigger3First) ? 0 : 0x4;   // input 3 low during its pulses
    if (inPulse(kTrigger3First + period / 2)) lines |= 0x1;     // input 1 high during its own
    return lines;
}

inline std::vector<std::uint8_t> trigger3Frames(const Layout& layout) {
    std::vector<std::uint8_t> out;
    for (std::int64_t i = 0; i < trigger3Total(layout); ++i)
        appendFrame(out, layout, statusFor(layout, trigger3Lines(layout, i)), [&](std::uint16_t w) { return sampleAt(i, w); });
    return out;
}

}  // namespace emg::biosemi::test
