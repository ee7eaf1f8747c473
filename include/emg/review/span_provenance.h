#pragma once
// Where a measurement made on a span of a recording came from (issue 13, "measure where it is"):
// the same fields as the CLI's `analyze --from/--to` provenance block. Qt-free, header only.
#include <string>

namespace emg::review {

struct SpanProvenance {
    std::string file;      ///< the recording's path as opened
    std::string sha256;    ///< lower-case hex of the raw file (empty while not yet computed)
    double fromSec = 0.0;  ///< span start, seconds from the first data record (as taken)
    double toSec = 0.0;    ///< span end (as taken, clamped to the recording)
};

}  // namespace emg::review
