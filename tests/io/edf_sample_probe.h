#pragma once
// Reads single digital samples of an EDF/BDF file straight from its bytes (header fields parsed
// here, independent of the project's reader): for spot checks of large converted files.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace emg::test {

class EdfSampleProbe {
public:
    explicit EdfSampleProbe(const std::filesystem::path& p) : in_(p, std::ios::binary) {
        if (!in_) throw std::runtime_error("cannot open " + p.string());
        char fixed[256];
        in_.read(fixed, 256);
        bdf_ = static_cast<unsigned char>(fixed[0]) == 0xFF;
        headerBytes_ = std::stoll(std::string(fixed + 184, 8));
        records = std::stoll(std::string(fixed + 236, 8));
        signals = std::stoi(std::string(fixed + 252, 4));
        std::vector<char> sig(static_cast<std::size_t>(signals) * 256);
        in_.read(sig.data(), static_cast<std::streamsize>(sig.size()));
        const std::size_t ns = static_cast<std::size_t>(signals);
        for (std::size_t i = 0; i < ns; ++i) {
            labels.emplace_back(sig.data() + i * 16, 16);
            digitalMin.push_back(std::stoi(std::string(sig.data() + ns * 120 + i * 8, 8)));
            digitalMax.push_back(std::stoi(std::string(sig.data() + ns * 128 + i * 8, 8)));
            perRecord.push_back(std::stoll(std::string(sig.data() + ns * 216 + i * 8, 8)));
        }
        for (auto n : perRecord) recordBytes_ += n * bytesPerSample();
    }
    int bytesPerSample() const { return bdf_ ? 3 : 2; }
    long long headerBytes() const { return headerBytes_; }
    long long recordBytes() const { return recordBytes_; }
    /// Digital sample k of signal i (0-based), sign-extended.
    std::int32_t sample(int i, long long k) {
        long long before = 0;
        for (int j = 0; j < i; ++j) before += perRecord[static_cast<std::size_t>(j)];
        const long long spr = perRecord[static_cast<std::size_t>(i)];
        const long long at = headerBytes_ + (k / spr) * recordBytes_ + (before + k % spr) * bytesPerSample();
        unsigned char b[3] = {0, 0, 0};
        in_.seekg(at);
        in_.read(reinterpret_cast<char*>(b), bytesPerSample());
        if (bdf_) return static_cast<std::int32_t>(static_cast<std::uint32_t>(b[0] | (b[1] << 8) | (b[2] << 16)) << 8) >> 8;
        return static_cast<std::int16_t>(static_cast<std::uint16_t>(b[0] | (b[1] << 8)));
    }

    long long records = 0;
    int signals = 0;
    std::vector<std::string> labels;
    std::vector<int> digitalMin, digitalMax;
    std::vector<long long> perRecord;

private:
    std::ifstream in_;
    bool bdf_ = false;
    long long headerBytes_ = 0, recordBytes_ = 0;
};

}  // namespace emg::test
