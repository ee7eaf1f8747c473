// `emgws-cli analyze FILE [--test T] [--distance A-B=MM]... [--distance A=MM] [--muscle NAME]
//  [--age YEARS] [--channel N] [--from SEC] [--to SEC] [--key=value]...`
// `--test needle FILE FILE...`: one muscle's needle sites, each analysed, then read together.
// With --from/--to only that span is measured: an EDF/BDF file is read through the review
// engine's PagedEdfReader (only the span's data records), and the JSON gains a "provenance" block
// (file, sha256, fromSec, toSec).
// Reads a recording (EDF/EDF+/BDF/BDF+ or a WFDB record by its .hea), chooses the analyzer
// (--test, else the registered analyzer with the highest confidence, and says so), and prints
// one JSON document on stdout. Errors go to stderr with a non-zero exit.
#include "analyzer_registry.h"
#include "needle_sites.h"
#include "command_registry.h"
#include "error_context.h"
#include "ncs_segments.h"
#include "raw_input_options.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/stimulus_events.h>
#include <emg/core/scratch_file.h>
#include <emg/core/recording_segments.h>
#include <emg/io/channel_stream.h>
#include <emg/io/file_convert.h>
#include <emg/io/wfdb.h>
#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>
#include <emg/review/contiguous_segments.h>
#include <emg/review/paged_edf_reader.h>
#include <emg/review/recording_span.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace emg::cli {
std::vector<Analyzer>& analyzerTable() {
    static std::vector<Analyzer> table;
    return table;
}
}  // namespace emg::cli

namespace {
using emg::cli::AnalyzeOptions;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

using emg::cli::parseNumber;

/// Whether every analyzer's confidence is the same without the samples: they look at samples
/// only around stimuli (annotations or a trigger channel), so a recording with neither qualifies.
bool inferableWithoutSamples(const emg::Recording& outline) {
    double rateHz = 0.0;
    for (const auto& c : outline.channels) {
        if (c.isAnnotationOrTrigger) return false;
        const std::string l = lower(c.label);
        for (const char* key : {"trig", "stim", "event", "marker", "ttl", "sync"})
            if (l.find(key) != std::string::npos) return false;
        if (rateHz <= 0.0) rateHz = c.sampleRateHz;
    }
    return emg::dsp::stimuliFromAnnotations(outline, rateHz > 0.0 ? rateHz : 1.0).empty();
}

/// "wrist-elbow=230" or "wrist=140" (mm).
void parseDistance(const std::string& spec, AnalyzeOptions& o) {
    const auto eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0)
        throw std::invalid_argument("--distance expects A-B=MM or A=MM, got '" + spec + "'");
    const std::string key = lower(trim(spec.substr(0, eq)));
    const double mm = parseNumber(trim(spec.substr(eq + 1)), "--distance " + key);
    if (mm <= 0.0 || mm > 2000.0) throw std::invalid_argument("--distance " + key + ": " + trim(spec.substr(eq + 1)) + " mm is not a plausible distance (0..2000 mm)");
    if (key.empty() || key.front() == '-' || key.back() == '-') throw std::invalid_argument("--distance: bad site name in '" + spec + "'");
    o.distancesMm[key] = mm;
}

AnalyzeOptions parseArgs(const std::vector<std::string>& args, emg::cli::RawInputOptions& raw, std::vector<std::string>& files) {
    AnalyzeOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        std::string value;
        bool hasInline = false;
        if (a.rfind("--", 0) == 0) {
            const auto eq = a.find('=');
            if (eq != std::string::npos) {
                value = a.substr(eq + 1);
                a = a.substr(0, eq);
                hasInline = true;
            }
        }
        auto next = [&](const char* name) -> std::string {
            if (hasInline) return value;
            if (i + 1 >= args.size()) throw std::invalid_argument(std::string(name) + " needs a value");
            return args[++i];
        };
        if (a == "--test") o.test = lower(trim(next("--test")));
        else if (a == "--distance") parseDistance(next("--distance"), o);
        else if (a == "--format" || a == "--rate" || a == "--gain") raw.take(a, trim(next(a.c_str())));
        else if (a == "--muscle") o.muscle = trim(next("--muscle"));
        else if (a == "--age") {
            const double age = parseNumber(next("--age"), "--age");
            if (age < 0.0 || age > 130.0) throw std::invalid_argument("--age must be 0..130 years");
            o.ageYears = age;
        } else if (a == "--channel") {
            const double ch = parseNumber(next("--channel"), "--channel");
            if (ch < 0.0 || ch != std::floor(ch)) throw std::invalid_argument("--channel must be a channel index 0, 1, ...");
            o.channel = static_cast<int>(ch);
        } else if (a == "--from" || a == "--to") {
            const double sec = parseNumber(next(a.c_str()), a);
            if (sec < 0.0) throw std::invalid_argument(a + " must be a time >= 0 s from the recording's start");
            (a == "--from" ? o.fromSec : o.toSec) = sec;
        } else if (a.rfind("--", 0) == 0) {
            if (!hasInline) throw std::invalid_argument("unknown option " + a + " (analyzer options are given as --key=value)");
            o.extra.push_back(args[i]);
        } else files.push_back(a);
    }
    if (files.empty()) throw std::invalid_argument("no FILE given (see 'emgws-cli analyze --help')");
    if (files.size() > 1 && o.test != "needle")
        throw std::invalid_argument("more than one FILE given: '" + files[1] + "' (several FILEs are the needle sites of one muscle: "
                                    "give --test needle)");
    o.file = files[0];
    if (o.fromSec && o.toSec && !(*o.toSec > *o.fromSec))
        throw std::invalid_argument("--to must be after --from (the span is empty)");
    return o;
}

/// The span --from/--to of the input: EDF/BDF through the paged reader (only the span's records),
/// other inputs read whole and cut. Fills the JSON provenance block.
emg::Recording readSpan(const AnalyzeOptions& o, const emg::cli::RawInputOptions& raw, emg::io::ReadInfo& info, nlohmann::json& provenance) {
    const double from = o.fromSec.value_or(0.0);
    const double to = o.toSec.value_or(std::numeric_limits<double>::infinity());
    emg::review::SpanInfo span;
    emg::Recording rec;
    std::unique_ptr<emg::review::PagedEdfReader> paged;
    if (!emg::cli::isHeaderless(o.file, raw) && !raw.rateHz && !raw.gainUvPerCount) {
        try {
            paged = std::make_unique<emg::review::PagedEdfReader>(o.file);
        } catch (const emg::io::FormatError&) {
            paged.reset();   // not EDF/BDF (WFDB), or unreadable: the whole-file reader says which
        }
    }
    auto withFile = [&](const std::invalid_argument& e) {
        const std::string m = e.what();
        return std::invalid_argument(m.rfind(o.file, 0) == 0 ? m : "'" + o.file + "': " + m);
    };
    try {
        if (paged) {
            info.format = paged->isBdf() ? (paged->isPlus() ? emg::io::FileFormat::BdfPlus : emg::io::FileFormat::Bdf)
                                         : (paged->isPlus() ? emg::io::FileFormat::EdfPlus : emg::io::FileFormat::Edf);
            info.dataRecords = paged->records();
            info.recordDurationSec = paged->recordDurationSec();
            rec = emg::review::readRecordingSpan(*paged, from, o.toSec ? to : paged->durationSec(), &span);
        } else {
            const emg::Recording whole = emg::cli::readInput(o.file, raw, info);
            rec = emg::review::sliceRecording(whole, from, o.toSec ? to : whole.durationSec(), &span);
        }
    } catch (const std::invalid_argument& e) {
        throw withFile(e);
    }
    info.warnings.insert(info.warnings.end(), span.warnings.begin(), span.warnings.end());
    provenance = {{"file", o.file},
                  {"sha256", emg::io::sha256OfFile(o.file)},
                  {"fromSec", span.startSec},
                  {"toSec", span.endSec},
                  {"readThrough", paged ? "PagedEdfReader" : "whole file"}};
    return rec;
}

void printHelp() {
    std::cerr << "usage: emgws-cli analyze FILE [--test motor|sensory|fwave|hreflex|rns|needle] [--distance A-B=MM]...\n"
                 "                          [--distance A=MM] [--muscle NAME] [--age YEARS] [--channel N] [--from SEC] [--to SEC]\n"
                 "                          [--key=value]...\n"
                 "  FILE: EDF, EDF+, BDF, BDF+, a WFDB record (.hea), a BrainVision recording (.vhdr), or a headerless signal file:\n"
              << emg::cli::rawInputHelp() <<
                 "  stimulus events: annotations 'Stim <site>' (e.g. 'Stim wrist') or a trigger channel\n"
                 "  --distance A-B=MM  distance between stimulation sites A and B (motor CV)\n"
                 "  --distance A=MM    distance from site A to the active recording electrode (sensory CV)\n"
                 "  --from SEC --to SEC measure only that span (seconds from the first data record; either may be\n"
                 "                     left out: the start, the end); stimuli and annotations in it count from its start;\n"
                 "                     EDF/BDF files are read only there; the JSON's provenance gives file, sha256, fromSec, toSec;\n"
                 "                     a span across an EDF+D hole: each side analysed alone (contiguousSegments)\n"
                 "  --test needle FILE FILE...: the records of one muscle's needle sites (insertions): each analysed\n"
                 "                     alone (\"sites\"), then the muscle read over them (\"muscleOverSites\": units pooled,\n"
                 "                     the other evidence weighed over the sites)\n"
                 "  without --test the test is inferred and the JSON says which and why\n"
                 "  output: one JSON document on stdout (latencies ms, amplitudes uV, durations ms, areas uV*ms, CV m/s)\n"
                 "  analyzers:";
    for (const auto& a : emg::cli::analyzerTable()) std::cerr << " " << a.test;
    std::cerr << "\n";
}

/// The channel the NCS confidences measure (pattern()): the first one not flagged a trigger or
/// annotation channel, with a rate and samples.
std::optional<std::size_t> confidenceChannel(const emg::io::RecordingOutline& outline) {
    const auto& ch = outline.recording.channels;
    for (std::size_t i = 0; i < ch.size(); ++i)
        if (!ch[i].isAnnotationOrTrigger && ch[i].sampleRateHz > 0 && i < outline.sampleCounts.size() && outline.sampleCounts[i] > 0) return i;
    return std::nullopt;
}

/// The samples of `channel` the confidences read around the stimuli found in `rec` (1 ms before
/// each, or 1 ms after one with nothing before it, to 15 ms after), one pass over the file,
/// nothing else held.
emg::cli::ConfidenceSamples confidenceWindows(const std::string& file, const emg::Recording& rec, std::size_t channel, std::size_t count) {
    const double fs = rec.channels[channel].sampleRateHz;
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (const auto& s : emg::dsp::findStimuli(rec, fs)) {
        // (a stimulus with less than 1 ms before it, a record that starts at it: from 1 ms after it)
        auto pre = s.sampleIndex - static_cast<std::int64_t>(1e-3 * fs);
        if (pre < 0) pre = s.sampleIndex + static_cast<std::int64_t>(1e-3 * fs);
        const auto b = s.sampleIndex + static_cast<std::int64_t>(15e-3 * fs);
        if (pre >= 0 && b < static_cast<std::int64_t>(count)) ranges.emplace_back(static_cast<std::size_t>(pre), static_cast<std::size_t>(b));
    }
    std::sort(ranges.begin(), ranges.end());
    std::vector<emg::dsp::SampleWindows::Part> parts;
    for (const auto& [a, b] : ranges) {
        if (!parts.empty() && a <= parts.back().from + parts.back().uv.size()) {
            parts.back().uv.resize(std::max(parts.back().uv.size(), b - parts.back().from));
            continue;
        }
        parts.push_back({a, std::vector<double>(b - a)});
    }
    std::size_t at = 0, k = 0;
    emg::io::streamChannelAsDouble(file, channel, [&](std::span<const double> block) {
        for (; k < parts.size() && parts[k].from + parts[k].uv.size() <= at; ++k) {}
        for (std::size_t j = k; j < parts.size() && parts[j].from < at + block.size(); ++j) {
            const std::size_t from = std::max(at, parts[j].from), to = std::min(at + block.size(), parts[j].from + parts[j].uv.size());
            std::copy(block.begin() + static_cast<std::ptrdiff_t>(from - at), block.begin() + static_cast<std::ptrdiff_t>(to - at),
                      parts[j].uv.begin() + static_cast<std::ptrdiff_t>(from - parts[j].from));
        }
        at += block.size();
    });
    if (at != count)
        throw std::runtime_error("channel " + std::to_string(channel) + " changed while it was read (" + std::to_string(count) + " samples, then " +
                                 std::to_string(at) + "): was the file being written?");
    return {channel, emg::dsp::SampleWindows(count, std::move(parts))};
}

/// The channels the NCS analyzers (and, with no test given, their confidences) read, as double.
/// The analysed channel is left for after the stimuli are found (on the trigger channel or the
/// annotations), to be streamed: opts says so. With no test given, the channel the confidences
/// measure is not read whole either: its samples around the stimuli go to `streamed`.
emg::Recording readNcsChannels(const emg::io::RecordingOutline& outline, AnalyzeOptions& opts, std::optional<emg::cli::ConfidenceSamples>& streamed) {
    auto read = emg::cli::ncsChannelsRead(outline.recording, outline.sampleCounts, opts.channel, opts.test.empty());
    if (const auto later = emg::cli::ncsDeferrableChannel(outline.recording, outline.sampleCounts, opts.channel, read)) {
        read[*later] = false;
        opts.signalChannelDeferred = true;
        opts.sampleCounts = outline.sampleCounts;
    }
    const auto measured = opts.test.empty() ? confidenceChannel(outline) : std::nullopt;
    const bool windowed = measured && !emg::dsp::looksLikeTriggerChannel(outline.recording.channels[*measured]);
    if (windowed) read[*measured] = false;
    auto rec = emg::cli::namingPath(opts.file, [&] { return emg::io::readRecordingChannels(opts.file, read); });
    if (windowed)
        streamed = emg::cli::namingPath(opts.file, [&] { return confidenceWindows(opts.file, rec, *measured, outline.sampleCounts[*measured]); });
    return rec;
}

/// The analyzer of the highest confidence (each analyzer's in `confidences`, the choice in `reason`).
const emg::cli::Analyzer& inferAnalyzer(const std::vector<emg::cli::Analyzer>& table, const emg::Recording& rec, const std::string& file,
                                        const emg::cli::ConfidenceSamples* streamed, nlohmann::json& confidences, std::string& reason) {
    const emg::cli::Analyzer* chosen = nullptr;
    double best = 0.0;
    for (const auto& a : table) {
        double c = 0.0;
        try {
            c = a.confidence ? a.confidence(rec, streamed) : 0.0;
        } catch (const std::exception&) {
            c = 0.0;
        }
        if (!std::isfinite(c)) c = 0.0;
        confidences[a.test] = c;
        if (c > best) {
            best = c;
            chosen = &a;
        }
    }
    if (!chosen || best <= 0.0)
        throw std::runtime_error("cannot tell which test '" + file + "' holds (no analyzer recognises it" +
                                 (emg::isRecordPerSweep(rec) ? std::string(": records of at most 1 s, a record per stimulus, with no stimulus marked")
                                                             : std::string()) +
                                 "); give --test");
    std::ostringstream r;
    r << "highest confidence " << best << " (" << confidences.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << ")";
    reason = r.str();
    return *chosen;
}

/// channelAsDouble for a file read channel by channel: one channel again, as the same doubles.
std::function<std::vector<double>(std::size_t)> channelReader(const std::string& path, std::size_t channels) {
    return [path, channels](std::size_t channel) {
        std::vector<bool> one(channels, false);
        if (channel < channels) one[channel] = true;
        auto r = emg::io::readRecordingChannels(path, one);
        if (channel >= r.channels.size()) throw std::runtime_error("channel " + std::to_string(channel) + " vanished from the file");
        return std::move(r.channels[channel].samples);
    };
}

/// "unknown test 'X' (known: ...)" for a test no analyzer has; nullopt when known or not given.
std::optional<std::string> unknownTest(const std::vector<emg::cli::Analyzer>& table, const std::string& test) {
    if (test.empty() || std::any_of(table.begin(), table.end(), [&](const auto& a) { return a.test == test; })) return std::nullopt;
    std::string names;
    for (const auto& a : table) names += (names.empty() ? "" : ", ") + a.test;
    return "unknown test '" + test + "' (known: " + names + ")";
}

/// The JSON document of one analysis of `opts.file` (the whole file, or its --from/--to span).
nlohmann::json analyzeOne(AnalyzeOptions opts, const emg::cli::RawInputOptions& raw) {
    const auto& table = emg::cli::analyzerTable();
    emg::io::ReadInfo readInfo;
    // An EDF/BDF file (EDF+D too) or WFDB record is first read as an outline (no samples). An analyzer that
    // streams its channel (needle EMG) then never holds the recording whole; the outline serves to
    // choose the analyzer only when no confidence depends on samples (no stimuli, no trigger).
    // Otherwise (NCS) only the channels the NCS analyzers and the confidences read are read, as
    // double, the same values as the whole file gives.
    emg::Recording whole;
    std::optional<emg::cli::ConfidenceSamples> confidenceSamples;   // the confidences' channel, when not read whole
    std::optional<emg::io::RecordingOutline> outline;
    bool partial = false;   // `whole` holds only the channels ncsChannelsRead names
    const bool wantsStream = opts.test.empty() || std::any_of(table.begin(), table.end(), [&](const auto& a) {
        return a.test == opts.test && a.streamsChannels;
    });
    nlohmann::json provenance;   // --from/--to: the span is read through the review engine, never streamed whole
    const bool spanAsked = opts.fromSec || opts.toSec;
    std::optional<emg::io::RawSignalOptions> rawStream;   // a headerless binary file streamed as float
    if (wantsStream && !spanAsked) {
        if (const auto ro = emg::cli::binaryRawOptions(opts.file, raw)) {
            if (auto o = emg::io::readRawSignalOutline(opts.file, *ro);
                o && (!opts.test.empty() || inferableWithoutSamples(o->recording))) {
                std::vector<std::size_t> counts(o->recording.channels.size(), o->frames);
                outline = emg::io::RecordingOutline{std::move(o->recording), std::move(counts), std::move(o->info)};
                rawStream = ro;
            }
        }
    }
    if (!spanAsked && !outline && !emg::cli::isHeaderless(opts.file, raw) && !raw.rateHz && !raw.gainUvPerCount) {
        outline = emg::io::readRecordingOutline(opts.file);
        if (outline && !(wantsStream && (!opts.test.empty() || inferableWithoutSamples(outline->recording)))) {
            readInfo = outline->info;
            whole = readNcsChannels(*outline, opts, confidenceSamples);
            outline.reset();
            partial = true;
        }
    }
    if (outline) readInfo = outline->info;
    else if (spanAsked) whole = readSpan(opts, raw, readInfo, provenance);
    else if (!partial) whole = emg::cli::readInput(opts.file, raw, readInfo);
    emg::Recording& rec = outline ? outline->recording : whole;
    opts.readWarnings = readInfo.warnings;
    opts.gainUnknown = raw.gainUnknown();
    if (rec.channels.empty()) throw std::runtime_error("'" + opts.file + "' has no signal channels");
    if (opts.channel && *opts.channel >= static_cast<int>(rec.channels.size()))
        throw std::invalid_argument("--channel " + std::to_string(*opts.channel) + " does not exist (the file has " +
                                    std::to_string(rec.channels.size()) + " channels, 0-based)");

    const emg::cli::Analyzer* chosen = nullptr;
    nlohmann::json confidences = nlohmann::json::object();
    std::string reason;
    const bool inferred = opts.test.empty();
    if (!inferred) {
        for (const auto& a : table)
            if (a.test == opts.test) chosen = &a;
    } else {
        chosen = &inferAnalyzer(table, rec, opts.file, confidenceSamples ? &*confidenceSamples : nullptr, confidences, reason);
        opts.test = chosen->test;
    }

    if ((outline && !chosen->streamsChannels) || (partial && chosen->streamsChannels)) {
        // an outline for an NCS analyzer: not reached (see inferableWithoutSamples); a needle
        // analysis chosen for a file with stimuli: analysed as read whole, as always
        outline.reset();
        partial = false;
        whole = emg::cli::readInput(opts.file, raw, readInfo);
    }
    emg::Recording& input = outline ? outline->recording : whole;
    if (outline) {
        const auto path = opts.file;
        if (rawStream)
            opts.channelAsFloat = [path, ro = *rawStream](std::size_t channel) { return emg::io::readRawChannelAsFloat(path, ro, channel); };
        else
            opts.channelAsFloat = [path](std::size_t channel) { return emg::io::readChannelAsFloat(path, channel); };
    }
    if (partial) {
        opts.channelAsDouble = channelReader(opts.file, whole.channels.size());
        opts.channelStreamer = [path = opts.file](std::size_t channel, const std::function<void(std::span<const double>)>& sink) {
            return emg::io::streamChannelAsDouble(path, channel, sink);
        };
    }
    nlohmann::json result = emg::cli::namingPath(opts.file, [&] { return chosen->analyze(std::move(input), opts); });
    nlohmann::json out;
    out["file"] = opts.file;
    out["test"] = chosen->test;
    out["testInferred"] = inferred;
    if (!readInfo.warnings.empty()) out["readWarnings"] = readInfo.warnings;
    if (!provenance.is_null()) out["provenance"] = provenance;
    if (inferred) {
        out["inferenceReason"] = reason;
        out["confidences"] = confidences;
    }
    if (result.is_object()) {
        // The analyzer's keys beside ours; ours (file, test, inference) win.
        for (auto it = result.begin(); it != result.end(); ++it)
            if (!out.contains(it.key())) out[it.key()] = it.value();
    } else {
        out["result"] = result;
    }
    return out;
}

/// `text` with the segment copy's path replaced by the file's name and the segment.
std::string namingSegment(std::string text, const std::string& copyPath, const std::string& file, std::size_t k, double startSec) {
    std::ostringstream said;
    said << file << " (segment " << k + 1 << ", from " << startSec << " s)";
    for (auto at = text.find(copyPath); at != std::string::npos; at = text.find(copyPath, at + said.str().size()))
        text.replace(at, copyPath.size(), said.str());
    return text;
}

/// The stimuli a file marks (its annotations, its trigger channels read).
std::vector<emg::dsp::StimulusMark> markedStimuli(const std::string& path) {
    const auto outline = emg::io::readRecordingOutline(path);
    if (!outline) return {};
    const auto& ch = outline->recording.channels;
    std::vector<bool> triggers(ch.size(), false);
    double rateHz = 0.0;
    for (std::size_t i = 0; i < ch.size(); ++i) {
        triggers[i] = ch[i].isAnnotationOrTrigger || emg::dsp::looksLikeTriggerChannel(ch[i]);
        if (!triggers[i] && rateHz <= 0.0) rateHz = ch[i].sampleRateHz;
    }
    const bool any = std::find(triggers.begin(), triggers.end(), true) != triggers.end();
    const emg::Recording rec = any ? emg::io::readRecordingChannels(path, triggers) : outline->recording;
    return emg::dsp::findStimuli(rec, rateHz > 0.0 ? rateHz : 1.0);
}

/// The stimuli of a segment copy, in seconds from the file's first record.
nlohmann::json segmentStimulusTimes(const std::string& copyPath, double startSec) {
    nlohmann::json times = nlohmann::json::array();
    for (const auto& s : markedStimuli(copyPath)) times.push_back(std::round((startSec + s.timeSec) * 1e6) / 1e6);
    return times;
}

/// The segments of a --from/--to span: those it reaches into (fewer than two: the span has no hole).
std::vector<emg::review::ContiguousSegment> segmentsInSpan(std::vector<emg::review::ContiguousSegment> segments, const AnalyzeOptions& opts) {
    if (!opts.fromSec && !opts.toSec) return segments;
    const double from = opts.fromSec.value_or(0.0), to = opts.toSec.value_or(std::numeric_limits<double>::infinity());
    std::erase_if(segments, [&](const emg::review::ContiguousSegment& g) { return g.endSec <= from || g.startSec >= to; });
    return segments;
}

/// The options analysing segment `seg`'s copy: with --from/--to, the span's part in the segment
/// in the segment's own seconds.
AnalyzeOptions segmentOptions(const AnalyzeOptions& opts, const emg::review::ContiguousSegment& seg, const std::string& copyPath) {
    AnalyzeOptions one = opts;
    one.file = copyPath;
    if (opts.fromSec || opts.toSec) {
        one.fromSec = std::max(0.0, opts.fromSec.value_or(0.0) - seg.startSec);
        one.toSec = std::min(opts.toSec.value_or(seg.endSec), seg.endSec) - seg.startSec;
    }
    return one;
}

/// A segment's analysis of a --from/--to span: its provenance in the file's terms (the file, its
/// SHA-256, the part of the span taken in seconds from the file's first record).
void fileProvenance(nlohmann::json& analysis, const std::string& file, const std::string& sha256, double startSec) {
    if (!analysis.contains("provenance")) return;
    auto& p = analysis["provenance"];
    p["file"] = file;
    p["sha256"] = sha256;
    for (const char* key : {"fromSec", "toSec"})
        if (p.contains(key) && p[key].is_number()) p[key] = p[key].get<double>() + startSec;
}

using emg::kSweepSegmentMaxSec;   // segments no longer than this: the sweeps of one study recorded a record per stimulus

/// A multi-segment WFDB record converted to BDF+D (24 bits: no WFDB format here loses a step) in a
/// private scratch folder, removed with this object; the conversion's warnings kept.
class HoledWfdbCopy {
public:
    explicit HoledWfdbCopy(const std::filesystem::path& header) {
        std::string tmpl = emg::scratchFolder() + "/emgws-wfdb-XXXXXX";
        if (!::mkdtemp(tmpl.data()))
            throw std::runtime_error("cannot make a scratch folder in " + emg::scratchFolder() + " for " + header.string() + ": " +
                                     std::strerror(errno));
        folder_ = tmpl;
        path_ = folder_ / "record.bdf";
        emg::io::ConvertOptions options;
        options.target = emg::io::FileFormat::BdfPlus;
        try {
            const auto report = emg::io::convertFile(header, path_, options);
            for (const auto& w : report.warnings)
                if (w.find("re-encodes") == std::string::npos) warnings_.push_back(w);   // the copy's re-quantisation is ours, not the file's
        } catch (...) {
            std::error_code ec;
            std::filesystem::remove_all(folder_, ec);
            throw;
        }
    }
    ~HoledWfdbCopy() {
        std::error_code ec;
        std::filesystem::remove_all(folder_, ec);
    }
    HoledWfdbCopy(const HoledWfdbCopy&) = delete;
    HoledWfdbCopy& operator=(const HoledWfdbCopy&) = delete;
    const std::filesystem::path& path() const noexcept { return path_; }
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }

private:
    std::filesystem::path folder_, path_;
    std::vector<std::string> warnings_;
};

/// An EDF+D/BDF+D file with holes, or a --from/--to span of one reaching across a hole: each
/// contiguous segment (its part of the span) analysed alone, as a continuous file of its own (no
/// sample invented for a hole, no sweep or epoch across one). nullopt for any other input (a
/// span inside one segment included): it is analysed whole.
std::optional<nlohmann::json> analyzeBySegment(const AnalyzeOptions& opts, const emg::cli::RawInputOptions& raw, std::size_t& sweepSegments) {
    if (emg::cli::isHeaderless(opts.file, raw) || raw.rateHz || raw.gainUvPerCount) return std::nullopt;
    // a multi-segment WFDB record with a null segment between recorded ones: its BDF+D conversion
    // (holes kept) is what the segments are cut from
    std::optional<HoledWfdbCopy> wfdbCopy;
    if (const auto hea = emg::io::wfdbHeaderOf(opts.file))
        if (const auto m = emg::cli::namingPath(opts.file, [&] { return emg::io::readWfdbMultiSegmentHeader(*hea); }))
            if (emg::io::hasHoleBetweenSegments(*m)) wfdbCopy.emplace(*hea);
    std::unique_ptr<emg::review::PagedEdfReader> reader;
    try {
        reader = std::make_unique<emg::review::PagedEdfReader>(wfdbCopy ? wfdbCopy->path() : std::filesystem::path(opts.file));
    } catch (const emg::io::FormatError&) {
        return std::nullopt;   // not EDF/BDF, or unreadable: the whole-file path says which
    }
    if (!reader->isDiscontinuous()) return std::nullopt;
    const auto all = emg::cli::namingPath(opts.file, [&] { return emg::review::contiguousSegments(*reader); });
    const auto segments = segmentsInSpan(all, opts);
    if (all.size() < 2 || segments.size() < 2) return std::nullopt;
    const bool spanAsked = opts.fromSec || opts.toSec;
    // Segments of single sweeps (the EDF+ specification's nerve conduction layout: a record per
    // stimulus) in a motor, sensory, F-wave, H-reflex or RNS study: one analysis of the whole file,
    // each site's sweeps taken together across segments, none reaching across a hole
    // (PreparedSignal::acquisitionStarts).
    const bool sweepSized =
        std::all_of(all.begin(), all.end(), [](const emg::review::ContiguousSegment& g) { return g.endSec - g.startSec <= kSweepSegmentMaxSec; });
    if (!spanAsked && (opts.test == "motor" || opts.test == "sensory" || opts.test == "fwave" || opts.test == "hreflex" || opts.test == "rns") &&
        sweepSized) {
        sweepSegments = all.size();
        return std::nullopt;
    }
    // a record per stimulus that marks none: which study it holds is the examiner's to say (with
    // --test, each record's stimulus is at its start or its artifact: ncs_analysis.h)
    const bool unmarkedSweeps =
        opts.test.empty() && sweepSized && emg::cli::namingPath(opts.file, [&] { return markedStimuli(opts.file); }).empty();
    const std::string unmarkedSweepsNote = std::to_string(all.size()) +
                                           " records of at most 1 s (a record per stimulus, the EDF+ nerve-conduction layout) and no stimulus "
                                           "marked: for a nerve-conduction study give --test motor|sensory|fwave|hreflex|rns";
    const std::string fileSha = spanAsked ? emg::io::sha256OfFile(opts.file) : std::string();
    nlohmann::json list = nlohmann::json::array();
    std::map<std::string, std::size_t> tests;
    std::string firstError;
    for (std::size_t k = 0; k < segments.size(); ++k) {
        const auto& seg = segments[k];
        const emg::review::SegmentCopy copy(*reader, seg);
        nlohmann::json entry{{"index", k + 1}, {"startSec", seg.startSec}, {"endSec", seg.endSec}, {"records", seg.records}};
        try {
            nlohmann::json result = analyzeOne(segmentOptions(opts, seg, copy.path()), raw);
            result.erase("file");
            if (spanAsked) fileProvenance(result, opts.file, fileSha, seg.startSec);
            ++tests[result.value("test", std::string())];
            auto times = segmentStimulusTimes(copy.path(), seg.startSec);
            if (spanAsked) {   // the stimuli in the span's part only
                const double from = opts.fromSec.value_or(0.0), to = opts.toSec.value_or(seg.endSec);
                nlohmann::json in = nlohmann::json::array();
                for (const auto& t : times)
                    if (t.get<double>() >= from && t.get<double>() < to) in.push_back(t);
                times = std::move(in);
            }
            entry["stimulusTimesSec"] = std::move(times);
            entry["analysis"] = std::move(result);
        } catch (const std::exception& e) {
            entry["error"] = namingSegment(e.what(), copy.path(), opts.file, k, seg.startSec);
            if (firstError.empty()) firstError = entry["error"].get<std::string>();
        }
        list.push_back(std::move(entry));
    }
    if (tests.empty()) throw std::runtime_error(unmarkedSweeps ? "cannot tell which test '" + opts.file + "' holds: " + unmarkedSweepsNote : firstError);
    const auto common = std::max_element(tests.begin(), tests.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    nlohmann::json out;
    out["file"] = opts.file;
    out["test"] = opts.test.empty() ? common->first : opts.test;
    out["testInferred"] = opts.test.empty();
    auto readWarnings = wfdbCopy ? wfdbCopy->warnings() : std::vector<std::string>{};
    for (const auto& w : reader->warnings()) readWarnings.push_back(w);
    if (!readWarnings.empty()) out["readWarnings"] = readWarnings;
    out["discontinuous"] = true;
    if (unmarkedSweeps) out["recordsNote"] = unmarkedSweepsNote;
    const std::string kind = wfdbCopy ? "multi-segment WFDB record (null segments are holes)" : "EDF+D";
    out["contiguousSegmentsNote"] = kind + ": each contiguous segment analysed alone (its analysis as for a file holding only it: times "
                                    "in it count from the segment's startSec); startSec, endSec and stimulusTimesSec from the file's first record";
    if (wfdbCopy) out["contiguousSegmentsNote"] = out["contiguousSegmentsNote"].get<std::string>() + " (its first recorded frame)";
    if (spanAsked) {
        const double from = opts.fromSec.value_or(0.0);
        const double to = opts.toSec.value_or(all.back().endSec);
        out["contiguousSegmentsNote"] = kind + ": the span --from/--to reaches across " + std::to_string(segments.size() - 1) +
                                        " hole(s): each side analysed alone (each segment's part of the span, as for a file holding only "
                                        "that segment: times in it count from the segment's startSec); startSec, endSec and "
                                        "stimulusTimesSec from the file's first record";
        out["provenance"] = {{"file", opts.file}, {"sha256", fileSha}, {"fromSec", from}, {"toSec", std::min(to, all.back().endSec)},
                             {"readThrough", "contiguous segments"}};
    }
    if (out["test"] == "motor" || out["test"] == "sensory")
        if (auto across = emg::cli::acrossSegmentsJson(list, opts.distancesMm)) out["acrossSegments"] = std::move(*across);
    out["contiguousSegments"] = std::move(list);
    return out;
}

/// Several FILEs with --test needle: each one needle site of the same muscle, analysed as a file of
/// its own (its JSON under "sites", in the order given), then the muscle read over them all.
nlohmann::json analyzeSites(AnalyzeOptions opts, const emg::cli::RawInputOptions& raw, const std::vector<std::string>& files) {
    emg::cli::NeedleSites sites;
    opts.needleSites = &sites;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : files) {
        opts.file = f;
        const std::size_t before = sites.files.size();
        std::size_t sweepSegments = 0;
        if (auto bySegment = analyzeBySegment(opts, raw, sweepSegments)) list.push_back(std::move(*bySegment));
        else list.push_back(analyzeOne(opts, raw));
        // an EDF+D's contiguous segments are analysed from copies: each is a site of the file given
        for (std::size_t k = before; k < sites.files.size(); ++k) sites.files[k] = f;
    }
    nlohmann::json out;
    out["test"] = "needle";
    out["files"] = files;
    out["sites"] = std::move(list);
    out["muscleOverSites"] = emg::cli::namingPath(files.front(), [&] { return emg::cli::muscleOverSitesJson(sites); });
    return out;
}

int runAnalyze(const std::vector<std::string>& args) {
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        printHelp();
        return 0;
    }
    AnalyzeOptions opts;
    emg::cli::RawInputOptions raw;
    std::vector<std::string> files;
    try {
        opts = parseArgs(args, raw, files);
    } catch (const std::invalid_argument& e) {
        std::cerr << "emgws-cli analyze: " << e.what() << "\n";
        return 2;
    }
    const auto& table = emg::cli::analyzerTable();
    if (table.empty()) throw std::runtime_error("no analyzers are built into this emgws-cli");
    if (const auto unknown = unknownTest(table, opts.test)) {
        std::cerr << "emgws-cli analyze: " << *unknown << "\n";
        return 2;
    }

    nlohmann::json out;
    if (files.size() > 1) {
        out = analyzeSites(opts, raw, files);
        std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return 0;
    }
    std::size_t sweepSegments = 0;
    if (auto bySegment = analyzeBySegment(opts, raw, sweepSegments)) {
        out = std::move(*bySegment);
    } else {
        out = analyzeOne(opts, raw);
        if (sweepSegments > 0) {
            out["discontinuous"] = true;
            out["contiguousSegmentsNote"] = "EDF+D of " + std::to_string(sweepSegments) + " segments of at most " +
                                            std::to_string(static_cast<int>(kSweepSegmentMaxSec)) +
                                            " s (a record per stimulus): analysed as one study, " +
                                            (opts.test == "motor" || opts.test == "sensory" ? std::string("each site's sweeps averaged across segments")
                                                                                            : std::string("each sweep a trace of the study")) +
                                            ", no sweep reaching across a hole; times from the file's first record";
        }
    }
    // labels and annotation texts are kept as the file's bytes: non-UTF-8 ones (Latin-1) are shown
    // with U+FFFD, never an exception
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
}

const emg::cli::CommandRegistration reg{"analyze", "measure a recording (NCS, F-wave, H-reflex, RNS, needle) -> JSON", &runAnalyze};
}  // namespace
