#include <emg/review/annotated_copy.h>

#include "edf_fields.h"
#include "edf_stream_reader.h"
#include "file_bytes.h"
#include "pread_exact.h"
#include "tal.h"

#include <emg/io/recording_io.h>
#include <emg/io/safe_file_writer.h>
#include <emg/review/paged_edf_reader.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <map>
#include <stdexcept>

#include <unistd.h>

namespace emg::review {

namespace {

constexpr std::size_t kCopyChunkBytes = std::size_t{4} << 20;
// widths of the per-signal header fields, in file order (label .. reserved)
constexpr std::size_t kSignalFieldWidths[] = {16, 80, 8, 8, 8, 8, 8, 80, 8, 32};
constexpr std::size_t kSamplesFieldIndex = 8;

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

/// Bytes of an annotation signal taken by its TALs: up to and including the 0 that ends the
/// last one (the rest of the signal is 0 padding).
std::size_t usedTalBytes(const std::vector<std::uint8_t>& bytes) {
    std::size_t n = bytes.size();
    while (n > 0 && bytes[n - 1] == 0) --n;
    return n == 0 ? 0 : std::min(bytes.size(), n + 1);
}

void overwrite(std::string& header, std::size_t offset, std::size_t width, const std::string& value) {
    header.replace(offset, width, io::detail::fixedField(value, width));
}

void checkExtra(const std::vector<TimedAnnotation>& extra) {
    for (const auto& a : extra) {
        if (!std::isfinite(a.onsetSec) || a.onsetSec < 0.0)
            throw std::invalid_argument("annotation '" + a.text + "': the onset must be a time >= 0 s");
        if (!std::isfinite(a.durationSec) || a.durationSec < 0.0)
            throw std::invalid_argument("annotation '" + a.text + "': the duration must be >= 0 s");
        if (a.text.empty()) throw std::invalid_argument("an annotation to export has no text");
    }
}

}  // namespace

const char* toString(AnnotationSignalChange change) noexcept {
    switch (change) {
        case AnnotationSignalChange::Kept: return "kept";
        case AnnotationSignalChange::Grown: return "grown";
        case AnnotationSignalChange::Added: return "added";
    }
    return "?";
}

AnnotatedCopyResult writeAnnotatedCopy(const std::filesystem::path& raw, const std::vector<TimedAnnotation>& extra,
                                       const std::filesystem::path& out) {
    checkExtra(extra);
    {
        std::error_code ec;
        if (std::filesystem::absolute(raw).lexically_normal() == std::filesystem::absolute(out).lexically_normal() ||
            (std::filesystem::exists(out, ec) && std::filesystem::equivalent(raw, out, ec)))
            throw std::invalid_argument("the annotated copy cannot be written over the raw file " + raw.string() +
                                        " (the raw recording is never modified): give another output name");
    }
    const std::string name = raw.string();
    PagedEdfReader placement(raw);   // record onsets (EDF+D: by their time-keeping TALs)
    io::detail::EdfStreamReader stream(raw);
    const io::detail::EdfHeader& h = stream.header();
    const std::int64_t records = stream.records();
    if (records <= 0) throw std::invalid_argument(name + ": has no data records to carry annotations");
    if (!(h.recordDurationSec > 0.0))
        throw std::invalid_argument(name + ": its data records last 0 s (an annotation-only file): there are no samples to annotate");

    AnnotatedCopyResult result;
    result.bdf = h.bdf;
    result.records = records;
    result.warnings = stream.warnings();
    const std::size_t bps = h.bytesPerSample();
    const std::size_t ns = h.signals.size();

    // the first annotation signal and where it lies in a record
    std::size_t annSignal = ns, annOffset = 0, offset = 0;
    for (std::size_t i = 0; i < ns; ++i) {
        if (h.signals[i].isAnnotation() && annSignal == ns) {
            annSignal = i;
            annOffset = offset;
        }
        offset += static_cast<std::size_t>(h.signals[i].samplesPerRecord) * bps;
    }
    const bool adding = annSignal == ns;
    const std::size_t oldAnnBytes = adding ? 0 : static_cast<std::size_t>(h.signals[annSignal].samplesPerRecord) * bps;
    if (adding) annOffset = stream.recordBytes();

    Fd fd{io::detail::openRegularFile(raw)};
    auto annotationBytes = [&](std::int64_t r) {
        std::vector<std::uint8_t> bytes(oldAnnBytes);
        detail::preadExact(fd.fd, bytes.data(), bytes.size(), h.headerBytes() + static_cast<std::uint64_t>(r) * stream.recordBytes() + annOffset, name);
        return bytes;
    };

    // TAL onsets count from the header's start time: the first record's time-keeping TAL
    double baseSec = 0.0;
    if (!adding && h.isPlus()) {
        std::vector<std::string> ignored;
        const auto first = annotationBytes(0);
        const auto tals = io::detail::parseTals(first.data(), first.size(), ignored);
        if (!tals.empty() && !tals.front().texts.empty() && tals.front().texts.front().empty()) baseSec = tals.front().onsetSec;
    }

    // each reviewer annotation in the record where it starts (in a hole of an EDF+D file: the record before)
    std::map<std::int64_t, std::string> added;
    for (const auto& a : extra) {
        const std::int64_t r = std::clamp<std::int64_t>(placement.recordAt(a.onsetSec), 0, records - 1);
        io::detail::appendTal(added[r], baseSec + a.onsetSec, a.durationSec, {a.text});
        ++result.annotationsAdded;
    }

    // how many bytes the (first) annotation signal needs
    std::size_t newAnnBytes = oldAnnBytes;
    std::map<std::int64_t, std::size_t> used;
    if (adding) {
        std::size_t need = 0;
        auto timeKeeping = [&](std::int64_t r) {
            std::string t;
            io::detail::appendTimeKeepingTal(t, static_cast<double>(r) * h.recordDurationSec);
            return t;
        };
        need = timeKeeping(records - 1).size();
        for (const auto& [r, tals] : added) need = std::max(need, timeKeeping(r).size() + tals.size());
        newAnnBytes = std::max(need, 16 * bps);
        result.annotationSignal = AnnotationSignalChange::Added;
    } else {
        for (const auto& [r, tals] : added) {
            used[r] = usedTalBytes(annotationBytes(r));
            newAnnBytes = std::max(newAnnBytes, used[r] + tals.size());
        }
        if (newAnnBytes > oldAnnBytes) result.annotationSignal = AnnotationSignalChange::Grown;
    }
    const std::size_t newAnnSamples = (newAnnBytes + bps - 1) / bps;
    newAnnBytes = newAnnSamples * bps;
    if (newAnnSamples > 99999999) throw std::invalid_argument(name + ": the annotations do not fit in one data record's annotation signal");

    // the header: the original bytes with only the fields that must change
    std::string header = stream.rawHeader();
    if (adding) {
        std::string general = header.substr(0, 256);
        overwrite(general, 184, 8, std::to_string(256 * (ns + 2)));
        overwrite(general, 192, 44, h.bdf ? "BDF+C" : "EDF+C");
        overwrite(general, 252, 4, std::to_string(ns + 1));
        const std::string fields[] = {h.bdf ? "BDF Annotations" : "EDF Annotations",
                                      "",
                                      "",
                                      "-1",
                                      "1",
                                      h.bdf ? "-8388608" : "-32768",
                                      h.bdf ? "8388607" : "32767",
                                      "",
                                      std::to_string(newAnnSamples),
                                      ""};
        std::string rebuilt = general;
        std::size_t pos = 256;
        for (std::size_t f = 0; f < std::size(kSignalFieldWidths); ++f) {
            const std::size_t w = kSignalFieldWidths[f];
            rebuilt += header.substr(pos, ns * w);
            rebuilt += io::detail::fixedField(fields[f], w);
            pos += ns * w;
        }
        header = std::move(rebuilt);
        if (!h.isPlus()) result.warnings.push_back("the file had no annotation signal: the copy is " + std::string(h.bdf ? "BDF+C" : "EDF+C"));
    } else if (newAnnBytes != oldAnnBytes) {
        std::size_t samplesField = 256;
        for (std::size_t f = 0; f < kSamplesFieldIndex; ++f) samplesField += ns * kSignalFieldWidths[f];
        overwrite(header, samplesField + annSignal * 8, 8, std::to_string(newAnnSamples));
        result.warnings.push_back("the annotation signal grew from " + std::to_string(oldAnnBytes) + " to " + std::to_string(newAnnBytes) +
                                  " bytes per record to hold the added annotations");
    }
    if (h.dataRecords != records) {
        overwrite(header, 236, 8, std::to_string(records));
        result.warnings.push_back("record count written as the " + std::to_string(records) + " whole data records copied (the header said " +
                                  std::to_string(h.dataRecords) + ")");
    }

    // the records
    const std::size_t inBytes = stream.recordBytes();
    const std::size_t outBytes = inBytes - oldAnnBytes + newAnnBytes;
    const std::size_t batch = std::max<std::size_t>(1, kCopyChunkBytes / std::max(inBytes, outBytes));
    std::vector<std::uint8_t> in(batch * inBytes), outBuf(batch * outBytes);
    io::SafeFileWriter writer(out);
    writer.write(header.data(), header.size());
    std::int64_t r = 0;
    while (r < records) {
        const std::size_t n = stream.readRecords(in.data(), batch);
        if (n == 0) throw io::FormatError(name + ": ended after " + std::to_string(r) + " of " + std::to_string(records) + " data records");
        for (std::size_t i = 0; i < n; ++i, ++r) {
            const std::uint8_t* src = in.data() + i * inBytes;
            std::uint8_t* dst = outBuf.data() + i * outBytes;
            const auto tals = added.find(r);
            if (adding) {
                std::memcpy(dst, src, inBytes);
                std::string ann;
                io::detail::appendTimeKeepingTal(ann, static_cast<double>(r) * h.recordDurationSec);
                if (tals != added.end()) ann += tals->second;
                std::memset(dst + inBytes, 0, newAnnBytes);
                std::memcpy(dst + inBytes, ann.data(), ann.size());
            } else {
                const std::size_t afterAnn = annOffset + oldAnnBytes;
                std::memcpy(dst, src, afterAnn);
                std::memset(dst + afterAnn, 0, newAnnBytes - oldAnnBytes);
                std::memcpy(dst + annOffset + newAnnBytes, src + afterAnn, inBytes - afterAnn);
                if (tals != added.end()) std::memcpy(dst + annOffset + used.at(r), tals->second.data(), tals->second.size());
            }
        }
        writer.write(outBuf.data(), n * outBytes);
    }
    writer.commit();
    return result;
}

}  // namespace emg::review
