#pragma once
// A measured value with its provenance, and the link from a test to the raw signal it came from.

#include <emg/study/types.h>

#include <optional>
#include <string>

namespace emg::study {

/// Where the raw data of a test lives: an EDF+/BDF+ file identified by its SHA-256, one channel
/// and a time range within it. The checksum is verified whenever the file is opened again.
struct RawDataLink {
    std::string path;                    ///< file path as recorded (absolute or store-relative)
    std::string sha256;                  ///< lower-case hex; empty until computed by the store
    std::string channel;                 ///< channel label in the file, empty = all
    std::optional<double> startSec;      ///< from the file start
    std::optional<double> endSec;
    bool empty() const noexcept { return path.empty(); }
};

/// One number measured on a test. Names carry the unit (distalLatencyMs, amplitudeUv,
/// conductionVelocityMps, fMinLatencyMs, hLatencyMs, decrementPct, ...); `unit` repeats it
/// for readers of the JSON/database.
struct Measurement {
    std::string name;
    double value = 0.0;
    std::string unit;
    Provenance provenance = Provenance::Auto;
    std::string method;    ///< how: e.g. "onset marker, sweep 3, HP 2 Hz LP 10 kHz"
    std::string placedBy;  ///< clinician's name/initials when provenance is Clinician
    /// The automatic value a clinician replaced (kept by the store when a clinician changes an
    /// automatic measurement, shown beside the clinician's value); empty when never replaced.
    std::optional<double> autoValue = std::nullopt;
};

}  // namespace emg::study
