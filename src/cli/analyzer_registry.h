#pragma once
// `emgws-cli analyze` dispatches by test name to analyzers registered here, so that each
// engine area (NCS in cmd_analyze_ncs.cpp, needle EMG in cmd_analyze_needle.cpp) plugs in
// without touching the others:
//   static const emg::cli::AnalyzerRegistration reg{"needle", &analyzeNeedle, &needleConfidence};

#include <emg/core/recording.h>
#include <emg/dsp/sample_windows.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <span>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace emg::cli {

struct NeedleSites;   // needle_sites.h

struct AnalyzeOptions {
    std::string file;
    std::string test;                              ///< empty = infer
    std::map<std::string, double> distancesMm;     ///< "wrist-elbow" -> 230, "wrist" -> 140
    std::string muscle;                            ///< needle: reference values
    std::optional<double> ageYears;                ///< needle/NCS: reference values
    std::optional<int> channel;                    ///< restrict to one channel index
    std::vector<std::string> extra;                ///< unparsed --key=value options for an analyzer
    std::vector<std::string> readWarnings;         ///< what the file reader noticed (printed as readWarnings)
    bool gainUnknown = false;                      ///< a raw binary file read without --gain: amplitudes are counts
    /// Set when the Recording is an outline (channels described, samples not read; only for an
    /// analyzer that streams channels): reads one channel's samples as float physical values.
    std::function<std::vector<float>(std::size_t channel)> channelAsFloat;
    std::optional<double> fromSec, toSec;          ///< --from/--to: measure only this span (seconds from the first record)
    /// Set when the file can be read again channel by channel (a continuous EDF/BDF): one
    /// channel's samples as double, the values the whole file gives (an NCS analyzer re-reads its
    /// channel for measurement rather than keeping a copy beside the filtered one).
    std::function<std::vector<double>(std::size_t channel)> channelAsDouble;
    /// Set with channelAsDouble when the analysed channel was left unread (a trigger channel was
    /// read to find the stimuli): an NCS analyzer reads it through channelAsDouble once the
    /// stimuli are found and the trigger released. `sampleCounts`: each channel's count in the file.
    bool signalChannelDeferred = false;
    /// Set with channelAsDouble: the same channel handed over a block at a time (never held
    /// whole), for an NCS analyzer that streams its chain (prepareSignalStreamed).
    std::function<std::size_t(std::size_t channel, const std::function<void(std::span<const double>)>& sink)> channelStreamer;
    std::vector<std::size_t> sampleCounts;
    /// Set when several FILEs are one muscle's needle sites: the needle analyzer adds each
    /// site's analysis here (needle_sites.h).
    NeedleSites* needleSites = nullptr;
};

/// Returns the JSON document to print. Throws std::runtime_error/invalid_argument with a clear message.
/// The recording is given up to the analyzer (an NCS analyzer takes its channel's samples over
/// rather than copying them).
using AnalyzerFn = nlohmann::json (*)(Recording&& rec, const AnalyzeOptions& opts);
/// A channel the confidences measure that was not read whole: only its samples around the
/// stimuli (what they measure), the Recording's samples of that channel left empty.
struct ConfidenceSamples {
    std::size_t channel = 0;
    emg::dsp::SampleWindows windows;
};
/// How likely this recording is for that test, 0..1 (used when --test is absent); `streamed`
/// (may be null) holds the samples of a channel left unread in `rec`.
using ConfidenceFn = double (*)(const Recording& rec, const ConfidenceSamples* streamed);

struct Analyzer {
    std::string test;
    AnalyzerFn analyze;
    ConfidenceFn confidence;
    /// Reads the samples it needs through AnalyzeOptions::channelAsFloat when the Recording has
    /// none (a long recording is then never held whole); its confidence needs no samples.
    bool streamsChannels = false;
};

std::vector<Analyzer>& analyzerTable();

/// The channels whose samples the NCS analyzers (and, with `forConfidences`, their confidences)
/// read in `outline` (a recording described without samples; `sampleCounts` per channel): the
/// analysed one (`channel`, else the first that is no trigger), the first signal channel for the
/// confidences, and, when no annotation names a stimulus, the trigger channel. The others may
/// stay unread.
std::vector<bool> ncsChannelsRead(const Recording& outline, const std::vector<std::size_t>& sampleCounts, std::optional<int> channel,
                                  bool forConfidences);

/// The channel of `read` (ncsChannelsRead's, for a given test) that an NCS analyzer may read
/// only after the stimuli are found (on the trigger channel or the annotations): the analysed
/// channel, when it is no trigger-like channel. nullopt when there is none.
std::optional<std::size_t> ncsDeferrableChannel(const Recording& outline, const std::vector<std::size_t>& sampleCounts, std::optional<int> channel,
                                                const std::vector<bool>& read);

struct AnalyzerRegistration {
    AnalyzerRegistration(std::string test, AnalyzerFn fn, ConfidenceFn conf, bool streamsChannels = false) {
        analyzerTable().push_back({std::move(test), fn, conf, streamsChannels});
    }
};

}  // namespace emg::cli
