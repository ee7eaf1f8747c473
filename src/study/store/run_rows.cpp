// Protocol-run rows: sample blobs and checks (run_rows.h).
#include "run_rows.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace emg::study::store {

static_assert(std::endian::native == std::endian::little, "run sweep blobs are float32 little-endian");

QByteArray samplesToBlob(const std::vector<float>& microvolts) {
    QByteArray blob(static_cast<qsizetype>(microvolts.size() * sizeof(float)), Qt::Uninitialized);
    if (!microvolts.empty()) std::memcpy(blob.data(), microvolts.data(), microvolts.size() * sizeof(float));
    return blob;
}

std::vector<float> samplesFromBlob(const QByteArray& blob, long long count, const std::string& context) {
    if (count <= 0 || static_cast<unsigned long long>(count) > kMaxRunSweepSamples)
        throw StoreError(context + ": stored sample count " + std::to_string(count) + " is outside 1.." + std::to_string(kMaxRunSweepSamples));
    const auto expected = static_cast<qsizetype>(count) * static_cast<qsizetype>(sizeof(float));
    if (blob.size() != expected)
        throw StoreError(context + ": the samples hold " + std::to_string(blob.size()) + " bytes, expected " + std::to_string(expected));
    std::vector<float> out(static_cast<std::size_t>(count));
    std::memcpy(out.data(), blob.constData(), static_cast<std::size_t>(expected));
    return out;
}

void validateRunSweep(const RunSweep& s) {
    const std::string what = "run sweep of study " + s.studyId + " (test " + std::to_string(s.testIndex) + ", site " + std::to_string(s.siteIndex) + ")";
    if (s.studyId.empty()) throw StoreError("a run sweep needs its study");
    if (s.protocolId.empty()) throw StoreError(what + ": no protocol");
    if (s.testIndex < 0 || s.siteIndex < 0) throw StoreError(what + ": negative test or site index");
    if (s.microvolts.empty()) throw StoreError(what + ": no samples");
    if (s.microvolts.size() > kMaxRunSweepSamples)
        throw StoreError(what + ": " + std::to_string(s.microvolts.size()) + " samples, more than " + std::to_string(kMaxRunSweepSamples));
    if (s.stimulusIndex < 0 || static_cast<std::size_t>(s.stimulusIndex) >= s.microvolts.size())
        throw StoreError(what + ": stimulus sample " + std::to_string(s.stimulusIndex) + " is outside the sweep");
    if (!(s.sampleRateHz > 0.0 && s.sampleRateHz <= 1.0e6)) throw StoreError(what + ": sample rate must be in (0, 1 MHz]");
    if (!(s.stimulusMa >= 0.0 && s.stimulusMa <= 100.0)) throw StoreError(what + ": stimulus must be 0..100 mA");
    if (!(s.pulseWidthMs >= 0.0 && s.pulseWidthMs <= 1.0)) throw StoreError(what + ": pulse width must be 0..1 ms");
    if (!s.recordingSha256.empty() && s.recordingSha256.size() != 64) throw StoreError(what + ": recording checksum is not a SHA-256");
    for (const float v : s.microvolts)
        if (!std::isfinite(v)) throw StoreError(what + ": a sample is not a finite number");
}

void validateRunPosition(const RunPosition& p) {
    if (p.protocolId.empty()) throw StoreError("a run position needs its protocol");
    if (p.testIndex < 0 || p.siteIndex < 0) throw StoreError("run position: negative test or site index");
}

}  // namespace emg::study::store
