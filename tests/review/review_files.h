#pragma once
// EDF+/BDF+ files with a known sample in every place, for the review engine's tests: digital
// value of channel c at stored sample k is patternDigital(c, k, range), pseudo-random so that
// min/max of any span is not trivial. Records may carry any onset (EDF+D holes) and texts.
#include "edf_builder.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace emg::test {

struct ReviewSignal {
    std::string label = "EMG";
    std::string dim = "uV";
    std::string pmin = "-3276.8", pmax = "3276.7";
    int dmin = -32768, dmax = 32767;
    int samplesPerRecord = 100;
};

struct ReviewFileSpec {
    bool bdf = false;
    bool discontinuous = false;
    double recordSec = 1.0;
    std::vector<double> recordOnsetsSec;         ///< absolute TAL onsets, one per record
    std::vector<ReviewSignal> signals;
    int annotationSamples = 40;                  ///< samples of the annotation signal per record
    std::vector<std::pair<std::size_t, std::string>> texts;   ///< (record, text) put at the record's onset + 0.5 s
};

inline std::int32_t patternDigital(std::size_t channel, std::int64_t k, int dmin, int dmax) {
    std::uint64_t x = static_cast<std::uint64_t>(k) * 0x9E3779B97F4A7C15ull + (channel + 1) * 0xBF58476D1CE4E5B9ull;
    x ^= x >> 31;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 29;
    const std::uint64_t span = static_cast<std::uint64_t>(static_cast<std::int64_t>(dmax) - dmin + 1);
    return static_cast<std::int32_t>(dmin + static_cast<std::int64_t>(x % span));
}

inline std::string talSeconds(double s) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%+.6f", s);
    std::string t = buf;
    while (t.back() == '0') t.pop_back();
    if (t.back() == '.') t.pop_back();
    return t;
}

/// Writes the file; returns its bytes' size.
inline void writeReviewFile(const std::filesystem::path& path, const ReviewFileSpec& spec) {
    EdfBuilder b;
    b.bdf = spec.bdf;
    b.reserved = std::string(spec.bdf ? "BDF+" : "EDF+") + (spec.discontinuous ? "D" : "C");
    b.records = std::to_string(spec.recordOnsetsSec.size());
    b.duration = talSeconds(spec.recordSec).substr(1);
    for (const auto& s : spec.signals) {
        SigSpec g;
        g.label = s.label;
        g.dim = s.dim;
        g.pmin = s.pmin;
        g.pmax = s.pmax;
        g.dmin = std::to_string(s.dmin);
        g.dmax = std::to_string(s.dmax);
        g.spr = std::to_string(s.samplesPerRecord);
        b.sigs.push_back(g);
    }
    SigSpec a;
    a.label = spec.bdf ? "BDF Annotations" : "EDF Annotations";
    a.dim = "";
    a.pmin = "-1";
    a.pmax = "1";
    a.dmin = spec.bdf ? "-8388608" : "-32768";
    a.dmax = spec.bdf ? "8388607" : "32767";
    a.spr = std::to_string(spec.annotationSamples);
    b.sigs.push_back(a);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << b.header();
    std::string rec;
    for (std::size_t r = 0; r < spec.recordOnsetsSec.size(); ++r) {
        rec.clear();
        for (std::size_t c = 0; c < spec.signals.size(); ++c) {
            const auto& s = spec.signals[c];
            std::vector<int> v(static_cast<std::size_t>(s.samplesPerRecord));
            for (int i = 0; i < s.samplesPerRecord; ++i)
                v[static_cast<std::size_t>(i)] = patternDigital(c, static_cast<std::int64_t>(r) * s.samplesPerRecord + i, s.dmin, s.dmax);
            b.samples(rec, v);
        }
        std::string tal = talSeconds(spec.recordOnsetsSec[r]) + "\x14\x14" + std::string(1, '\0');
        for (const auto& [record, text] : spec.texts)
            if (record == r) tal += talSeconds(spec.recordOnsetsSec[r] + 0.5) + "\x14" + text + "\x14" + std::string(1, '\0');
        b.annotation(rec, tal, static_cast<std::size_t>(spec.annotationSamples));
        out << rec;
    }
}

/// physical value the header's ranges give a digital value (µV when the unit is mV)
inline double expectedPhysical(const ReviewSignal& s, std::int32_t digital) {
    const double pmin = std::stod(s.pmin), pmax = std::stod(s.pmax);
    const double v = pmin + (static_cast<double>(digital) - s.dmin) * (pmax - pmin) / (static_cast<double>(s.dmax) - s.dmin);
    return s.dim == "mV" ? v * 1000.0 : v;
}
inline double digitalStep(const ReviewSignal& s) {
    const double step = (std::stod(s.pmax) - std::stod(s.pmin)) / (static_cast<double>(s.dmax) - s.dmin);
    return std::abs(s.dim == "mV" ? step * 1000.0 : step);
}

}  // namespace emg::test
