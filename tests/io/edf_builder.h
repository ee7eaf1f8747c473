#pragma once
// Builds EDF/BDF files byte by byte for the reader tests, independently of the writer.

#include <cstdint>
#include <string>
#include <vector>

namespace emg::test {

struct SigSpec {
    std::string label = "EMG";
    std::string dim = "uV";
    std::string pmin = "-3276.8", pmax = "3276.7";
    std::string dmin = "-32768", dmax = "32767";
    std::string spr = "10";
};

inline std::string pad(const std::string& s, std::size_t w) {
    std::string o = s.substr(0, w);
    o.resize(w, ' ');
    return o;
}

struct EdfBuilder {
    bool bdf = false;
    std::string reserved = "EDF+C";
    std::string records = "1";
    std::string duration = "1";
    std::string headerBytes;   // empty = correct
    std::vector<SigSpec> sigs;

    std::string header() const {
        std::string h = bdf ? std::string("\xFF" "BIOSEMI") : pad("0", 8);
        h += pad("X X X X", 80) + pad("Startdate 01-JAN-2020 X X X", 80) + "01.01.20" + "10.00.00";
        h += pad(headerBytes.empty() ? std::to_string(256 * (sigs.size() + 1)) : headerBytes, 8);
        h += pad(reserved, 44) + pad(records, 8) + pad(duration, 8) + pad(std::to_string(sigs.size()), 4);
        for (auto& s : sigs) h += pad(s.label, 16);
        for (std::size_t i = 0; i < sigs.size(); ++i) h += pad("", 80);
        for (auto& s : sigs) h += pad(s.dim, 8);
        for (auto& s : sigs) h += pad(s.pmin, 8);
        for (auto& s : sigs) h += pad(s.pmax, 8);
        for (auto& s : sigs) h += pad(s.dmin, 8);
        for (auto& s : sigs) h += pad(s.dmax, 8);
        for (std::size_t i = 0; i < sigs.size(); ++i) h += pad("", 80);
        for (auto& s : sigs) h += pad(s.spr, 8);
        for (std::size_t i = 0; i < sigs.size(); ++i) h += pad("", 32);
        return h;
    }
    /// Append samples of one signal in one record.
    void samples(std::string& out, const std::vector<int>& values) const {
        for (int v : values) {
            out += static_cast<char>(v & 0xFF);
            out += static_cast<char>((v >> 8) & 0xFF);
            if (bdf) out += static_cast<char>((v >> 16) & 0xFF);
        }
    }
    /// Append an annotation signal's bytes (padded with NULs to `samples` samples).
    void annotation(std::string& out, const std::string& tal, std::size_t samples) const {
        std::string a = tal;
        a.resize(samples * (bdf ? 3 : 2), '\0');
        out += a;
    }
};

inline std::vector<std::uint8_t> toBytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace emg::test
