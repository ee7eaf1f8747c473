#pragma once
// Where a measurement made on a span of a recording came from (issue 13, "measure where it is"):
// the same fields as the CLI's `analyze --from/--to` provenance block. Qt-free, header only.
#include <iomanip>
#include <sstream>
#include <string>

namespace emg::review {

struct SpanProvenance {
    std::string file;      ///< the recording's path as opened
    std::string sha256;    ///< lower-case hex of the raw file (empty while not yet computed)
    double fromSec = 0.0;  ///< span start, seconds from the first data record (as taken)
    double toSec = 0.0;    ///< span end (as taken, clamped to the recording)
};

/// "recording FILE, 12.000-14.500 s (SHA-256 HEX)": what a result measured on the span keeps as
/// its source (NCS review, late responses).
inline std::string describeSpan(const SpanProvenance& span) {
    std::ostringstream out;
    out << "recording " << span.file << ", " << std::fixed << std::setprecision(3) << span.fromSec << "-" << span.toSec << " s";
    if (!span.sha256.empty()) out << " (SHA-256 " << span.sha256 << ")";
    return out.str();
}

}  // namespace emg::review
