#pragma once
// WFDB -> EDF+/BDF+: the output's header, record layout and annotations, planned from what is
// known of each signal before its samples are written (count, rate, range of ADC values). Shared
// by the in-memory conversion (wfdb_convert.cpp) and the streamed one (wfdb_stream_convert.cpp),
// so both write the same bytes.
#include "edf_header.h"

#include <emg/core/recording.h>
#include <emg/io/file_convert.h>
#include <emg/io/wfdb.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emg::io::detail {

struct WfdbSignalSummary {
    std::string label;            ///< as the reader names it (description, else "signal <n>")
    double sampleRateHz = 0.0;
    std::int64_t samples = 0;
    long long adcLo = 0, adcHi = 0;   ///< range of wfdbRoundTripAdc over the samples; unused when samples == 0
};

struct WfdbSignalPlan {
    std::int32_t padDigital = 0;   ///< after the end: the digital value nearest to 0 physical units
    std::size_t perRecord = 0;     ///< samples per data record
    bool rescaled = false;         ///< the ADC values do not fit the target: mapped onto its whole range
    double sourceLo = 0.0;         ///< the ADC value (fractional) at the written physical minimum
    double scale = 1.0;            ///< digital steps per ADC unit
    long long targetLo = 0, targetHi = 0;
    /// The digital value of an ADC value: itself, or (rescaled) its place on the written physical
    /// range, so that the file's own scaling reads it back to within half a digital step.
    std::int32_t digital(std::int32_t adc) const {
        if (!rescaled) return adc;
        const double d = std::nearbyint((static_cast<double>(adc) - sourceLo) * scale) + static_cast<double>(targetLo);
        return static_cast<std::int32_t>(std::clamp(d, static_cast<double>(targetLo), static_cast<double>(targetHi)));
    }
};

struct WfdbConvertPlan {
    EdfHeader header;                    ///< annotation signal last
    ConvertReport report;                ///< everything but the sample counts known after writing
    std::vector<WfdbSignalPlan> signals;
    std::int64_t records = 0;
    std::vector<std::string> tals;       ///< per data record: time keeping and the annotations starting in it
    std::size_t annotationBytes = 0;     ///< bytes of the annotation signal per record
    bool bdf = false;
};

/// The ADC value the conversion writes for a decoded WFDB sample: the reader's µV value turned
/// back with the header's gain and baseline, as the in-memory path does (the caller clamps it
/// to 32 bits before WfdbSignalPlan::digital).
struct WfdbAdcRoundTrip {
    explicit WfdbAdcRoundTrip(const WfdbSignalSpec& spec);
    long long operator()(std::int32_t decoded) const {
        const double value = (static_cast<double>(decoded) - baseline) * readScale;   // as readWfdbRecord stores it
        return std::llround(value * toAdc + baseline);
    }
    double readScale = 1.0, toAdc = 1.0, baseline = 0.0;
};

WfdbConvertPlan planWfdbConversion(const std::filesystem::path& headerPath, const WfdbHeader& wh,
                                   const std::vector<WfdbSignalSummary>& signals, const std::string& patientId,
                                   const std::vector<Annotation>& annotations, std::vector<std::string> readerWarnings, bool toBdf);

/// One data record's bytes: `values[i]` is signal i's `perRecord` digital samples, then the TAL.
void encodeWfdbDataRecord(const WfdbConvertPlan& plan, std::int64_t record, const std::vector<const std::int32_t*>& values,
                          std::vector<char>& out);

/// WFDB -> EDF+/BDF+ read and written in chunks of frames (memory bounded whatever the record's
/// size). Returns false, having written nothing, when the record needs the in-memory path
/// (null signals, skew, several signal files): the caller then converts it whole.
bool convertWfdbStreaming(const std::filesystem::path& headerPath, const std::filesystem::path& outPath, bool toBdf,
                          ConvertReport& report);

/// The in-memory conversion (the whole record read by readWfdbRecord).
ConvertReport convertWfdbInMemory(const std::filesystem::path& headerPath, const std::filesystem::path& outPath, bool toBdf);

}  // namespace emg::io::detail
