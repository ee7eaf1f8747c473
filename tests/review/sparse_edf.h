#pragma once
// A large EDF+/BDF+ made without writing its samples: real header and time-keeping TALs, the
// samples a hole (ftruncate) that reads as digital 0. For the memory tests and the benchmark.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace emg::test {

struct SparseSpec {
    bool bdf = false;
    int signals = 8;
    int samplesPerRecord = 20000;    ///< per 1 s record
    int annotationSamples = 64;
    std::int64_t records = 3600;
};

inline std::string sparsePad(const std::string& s, std::size_t w) {
    std::string o = s.substr(0, w);
    o.resize(w, ' ');
    return o;
}

inline std::size_t sparseRecordBytes(const SparseSpec& s) {
    return static_cast<std::size_t>(s.signals * s.samplesPerRecord + s.annotationSamples) * (s.bdf ? 3 : 2);
}

/// Returns false if the file cannot be made.
inline bool writeSparseRecording(const std::filesystem::path& path, const SparseSpec& s) {
    const int ns = s.signals + 1;
    std::string h = s.bdf ? std::string("\xFF" "BIOSEMI") : sparsePad("0", 8);
    h += sparsePad("X X X X", 80) + sparsePad("Startdate 01-JAN-2024 X X X", 80) + "01.01.24" + "12.00.00";
    h += sparsePad(std::to_string(256 * (ns + 1)), 8) + sparsePad(s.bdf ? "BDF+C" : "EDF+C", 44);
    h += sparsePad(std::to_string(s.records), 8) + sparsePad("1", 8) + sparsePad(std::to_string(ns), 4);
    for (int i = 0; i < ns; ++i) h += sparsePad(i < s.signals ? "EMG ch" + std::to_string(i + 1) : (s.bdf ? "BDF Annotations" : "EDF Annotations"), 16);
    for (int i = 0; i < ns; ++i) h += sparsePad("", 80);
    for (int i = 0; i < ns; ++i) h += sparsePad(i < s.signals ? "uV" : "", 8);
    for (int i = 0; i < ns; ++i) h += sparsePad(i < s.signals ? (s.bdf ? "-262144" : "-3276.8") : "-1", 8);
    for (int i = 0; i < ns; ++i) h += sparsePad(i < s.signals ? (s.bdf ? "262143" : "3276.7") : "1", 8);
    for (int i = 0; i < ns; ++i) h += sparsePad(s.bdf ? "-8388608" : "-32768", 8);
    for (int i = 0; i < ns; ++i) h += sparsePad(s.bdf ? "8388607" : "32767", 8);
    for (int i = 0; i < ns; ++i) h += sparsePad("", 80);
    for (int i = 0; i < ns; ++i) h += sparsePad(std::to_string(i < s.signals ? s.samplesPerRecord : s.annotationSamples), 8);
    for (int i = 0; i < ns; ++i) h += sparsePad("", 32);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return false;
    bool ok = ::write(fd, h.data(), h.size()) == static_cast<ssize_t>(h.size());
    const std::size_t recordBytes = sparseRecordBytes(s);
    const std::size_t annotationOffset = static_cast<std::size_t>(s.signals * s.samplesPerRecord) * (s.bdf ? 3 : 2);
    for (std::int64_t r = 0; r < s.records && ok; ++r) {
        std::string tal = "+" + std::to_string(r) + "\x14\x14";
        tal += '\0';
        if (r % 60 == 30) tal += "+" + std::to_string(r) + ".5\x14" + "Stimulus train\x14" + std::string(1, '\0');
        const auto at = static_cast<off_t>(h.size() + static_cast<std::size_t>(r) * recordBytes + annotationOffset);
        ok = ::pwrite(fd, tal.data(), tal.size(), at) == static_cast<ssize_t>(tal.size());
    }
    ok = ok && ::ftruncate(fd, static_cast<off_t>(h.size() + static_cast<std::size_t>(s.records) * recordBytes)) == 0;
    ::close(fd);
    return ok;
}

}  // namespace emg::test
