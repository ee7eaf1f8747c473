#include <emg/dsp/stimulus_events.h>

#include <emg/core/file_text.h>

#include <emg/core/recording_segments.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <utility>

namespace emg::dsp {

namespace {
std::string lower(std::string_view s) {
    std::string r(s);
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return r;
}

std::vector<std::string> words(const std::string& s) {
    // Separators: whitespace, ':', ',', ';', '_', '/', '(', ')', '[', ']'; '=' and '@' kept inside values.
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c)) || c == ':' || c == ',' || c == ';' || c == '_' || c == '/' || c == '(' ||
            c == ')' || c == '[' || c == ']') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else cur += c;
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

bool isStimWord(const std::string& w) {
    std::string t = w;
    while (!t.empty() && (t.back() == '.' || t.back() == '-')) t.pop_back();
    if (t == "stim" || t == "stims" || t == "stimulus" || t == "stimulation" || t == "stimuli" || t == "stimulate" || t == "stimulated")
        return true;
    // the same word in the languages of the European systems' exports: German, Spanish, Italian
    // (French and Dutch write "stimulus"/"stimulation")
    for (const char* word : {"reiz", "reizung", "estimulo", "est\xc3\xadmulo", "estimulacion", "estimulaci\xc3\xb3n", "stimolo",
                             "stimolazione"})
        if (t == word) return true;
    return false;
}

bool allDigits(const std::string& t) {
    return !t.empty() && t.size() <= 6 && std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool isUnitWord(const std::string& t) {
    return t == "ma" || t == "a" || t == "ms" || t == "us" || t == "µs" || t == "hz" || t == "cm" || t == "mm";
}

/// "train 2", "series 2", "sequence 2" anywhere in the words: the train number, both words taken out.
void takeTrainNumber(std::vector<std::string>& w, StimText& out) {
    for (std::size_t i = 0; i + 1 < w.size(); ++i)
        if ((w[i] == "train" || w[i] == "series" || w[i] == "sequence") && allDigits(w[i + 1])) {
            out.train = std::stoi(w[i + 1]);
            w.erase(w.begin() + static_cast<std::ptrdiff_t>(i), w.begin() + static_cast<std::ptrdiff_t>(i + 2));
            return;
        }
}

/// A counter at w[i]: "#3", or a plain integer no unit follows ("Stim wrist 3", "3/10": the first).
bool takeOrdinal(const std::vector<std::string>& w, std::size_t i, StimText& out) {
    std::string t = w[i];
    const bool hash = !t.empty() && t.front() == '#';
    if (hash) t.erase(t.begin());
    if (!allDigits(t)) return hash;   // "#" with no number: a counter mark all the same
    if (!hash && i + 1 < w.size() && isUnitWord(w[i + 1])) return false;   // "25 mA"
    if (!out.ordinal) out.ordinal = std::stoi(t);
    return true;
}

/// A number followed by a unit, possibly split over two words ("25 mA") or prefixed ("I=25mA", "@25mA").
bool parseValue(const std::vector<std::string>& w, std::size_t& i, StimText& out) {
    std::string t = w[i];
    for (const char* prefix : {"i=", "@", "int=", "intensity=", "pw=", "rate="})
        if (t.rfind(prefix, 0) == 0) t = t.substr(std::string(prefix).size());
    if (t.empty() || !(std::isdigit(static_cast<unsigned char>(t[0])) || t[0] == '.')) return false;
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(t, &used);
    } catch (const std::exception&) {
        return false;
    }
    std::string unit = t.substr(used);
    std::size_t consumed = 1;
    if (unit.empty() && i + 1 < w.size()) {
        const std::string& n = w[i + 1];
        if (n == "ma" || n == "a" || n == "ms" || n == "us" || n == "µs" || n == "hz" || n == "cm" || n == "mm") {
            unit = n;
            consumed = 2;
        }
    }
    if (unit == "ma") out.intensityMa = v;
    else if (unit == "a") out.intensityMa = v * 1000.0;
    else if (unit == "ms") out.pulseWidthMs = v;
    else if (unit == "us" || unit == "µs") out.pulseWidthMs = v / 1000.0;
    else if (unit == "hz") out.rateHz = v;
    else if (unit == "cm") out.distanceMm = v * 10.0;
    else if (unit == "mm") out.distanceMm = v;
    else if (unit == "v" || unit == "mv") { /* voltage-mode stimulators: not an intensity in mA */ }
    else if (!unit.empty()) return false;   // e.g. "2nd": part of the site name
    i += consumed - 1;
    return true;
}
}  // namespace

std::optional<StimText> parseStimText(std::string_view text) {
    auto w = words(lower(text));
    if (w.empty()) return std::nullopt;
    StimText counted;   // the train number, taken out of the words before the site is read
    takeTrainNumber(w, counted);
    if (w.empty()) return std::nullopt;
    std::size_t start = 0;
    std::vector<std::string> siteWords;
    // BrainVision's stimulus markers as MNE names them ("Stimulus/S  1"): the code is the site
    if (w.size() == 3 && w[0] == "stimulus" && w[1] == "s" && lower(text).find('/') != std::string::npos &&
        std::all_of(w[2].begin(), w[2].end(), [](unsigned char c) { return std::isdigit(c); })) {
        StimText out;
        out.site = "s" + w[2];
        return out;
    }
    if (isStimWord(w[0])) start = 1;
    else if (w[0].rfind("stim-", 0) == 0 || w[0].rfind("stim.", 0) == 0) {   // "Stim-wrist", "Stim.wrist"
        siteWords.push_back(w[0].substr(5));
        start = 1;
    } else if (w[0].size() == 5 && w[0].rfind("stim", 0) == 0 && std::isalpha(static_cast<unsigned char>(w[0][4]))) {
        // "StimA", "StimB": one letter per stimulation site, as the EDF+ authors' example nerve
        // conduction files name their stimuli (their sites and distances are in an EDF_XMLnote)
        siteWords.push_back(w[0].substr(4));
        start = 1;
    } else {
        // "<site> stim" / "<site> stimulation"
        auto it = std::find_if(w.begin(), w.end(), isStimWord);
        if (it == w.end()) return std::nullopt;
        StimText out = counted;
        std::vector<std::string> before(w.begin(), it);
        for (std::size_t i = 0; i < before.size(); ++i)
            if (!parseValue(before, i, out)) siteWords.push_back(before[i]);
        std::vector<std::string> after(it + 1, w.end());
        for (std::size_t i = 0; i < after.size(); ++i)
            if (!takeOrdinal(after, i, out)) parseValue(after, i, out);
        std::ostringstream s;
        for (std::size_t i = 0; i < siteWords.size(); ++i) s << (i ? " " : "") << siteWords[i];
        out.site = s.str();
        return out;
    }
    StimText out = counted;
    for (std::size_t i = start; i < w.size(); ++i) {
        // the recorder's own result follows ("Response 7.2mV at 3.8ms"): not part of the stimulus
        if (w[i] == "response" || w[i] == "resp" || w[i] == "resp.") break;
        // "x" between pulse width and intensity ("0.2ms x 8.2mA"); "from recording (site)" after a distance
        if (w[i] == "x" || w[i] == "*") continue;
        if (w[i] == "from" && out.distanceMm) {
            while (i + 1 < w.size() && (w[i + 1] == "recording" || w[i + 1] == "record" || w[i + 1] == "site" || w[i + 1] == "electrode")) ++i;
            continue;
        }
        if (w[i] == "-" || w[i] == "at" || w[i] == "site") continue;
        if (takeOrdinal(w, i, out)) continue;                    // "#3", "3/10": a counter
        if (parseValue(w, i, out)) continue;
        siteWords.push_back(w[i]);
    }
    // A trailing plain number is a counter ("Stim wrist 2"), not part of the site.
    while (!siteWords.empty() && std::all_of(siteWords.back().begin(), siteWords.back().end(), [](unsigned char c) { return std::isdigit(c); }))
        siteWords.pop_back();
    std::ostringstream s;
    for (std::size_t i = 0; i < siteWords.size(); ++i) {
        std::string wd = siteWords[i];
        while (!wd.empty() && (wd.front() == '-' || wd.front() == '.')) wd.erase(wd.begin());
        if (!wd.empty()) s << (s.tellp() > 0 ? " " : "") << wd;
    }
    out.site = s.str();
    return out;
}

namespace {
/// The value of attribute `name` in an XML start tag's text (lower case), "" if absent.
std::string xmlAttribute(const std::string& tag, const std::string& name) {
    for (std::size_t at = tag.find(name); at != std::string::npos; at = tag.find(name, at + 1)) {
        if (at > 0 && !std::isspace(static_cast<unsigned char>(tag[at - 1]))) continue;
        std::size_t k = at + name.size();
        while (k < tag.size() && std::isspace(static_cast<unsigned char>(tag[k]))) ++k;
        if (k >= tag.size() || tag[k] != '=') continue;
        ++k;
        while (k < tag.size() && std::isspace(static_cast<unsigned char>(tag[k]))) ++k;
        if (k >= tag.size() || (tag[k] != '"' && tag[k] != '\'')) continue;
        const std::size_t end = tag.find(tag[k], k + 1);
        if (end == std::string::npos) return {};
        return tag.substr(k + 1, end - k - 1);
    }
    return {};
}

/// A length in mm from a number and a unit ("6.5" "cm", "65mm"); nullopt without a known unit.
std::optional<double> lengthMm(std::string value, std::string unit) {
    const auto trim = [](std::string& t) {
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(t.begin());
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    };
    trim(value);
    trim(unit);
    if (value.empty()) return std::nullopt;
    double v = 0;
    std::size_t used = 0;
    try {
        v = std::stod(value, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::string suffix = value.substr(used);
    trim(suffix);
    if (!suffix.empty()) {
        if (!unit.empty() && unit != suffix) return std::nullopt;   // two units that disagree
        unit = suffix;
    }
    if (!std::isfinite(v) || v <= 0) return std::nullopt;
    if (unit == "mm") return v;
    if (unit == "cm") return v * 10.0;
    if (unit == "m") return v * 1000.0;
    return std::nullopt;
}
}  // namespace

std::optional<double> distanceMmFromXmlNote(std::string_view text) {
    const std::string t = lower(text);
    if (t.find("<edf_xmlnote") == std::string::npos) return std::nullopt;
    std::vector<double> all, toRecording;
    for (std::size_t at = t.find("<distance"); at != std::string::npos; at = t.find("<distance", at + 1)) {
        const std::size_t tagEnd = t.find('>', at);
        if (tagEnd == std::string::npos) break;
        const char next = t[at + 9];
        if (!std::isspace(static_cast<unsigned char>(next)) && next != '>' && next != '/') continue;   // <distances>, ...
        const std::string tag = t.substr(at + 9, tagEnd - at - 9);
        std::string value;
        if (!tag.empty() && tag.back() == '/') value = xmlAttribute(tag, "value");   // <distance value="6.5" unit="cm"/>
        else {
            const std::size_t close = t.find("</distance", tagEnd);
            if (close == std::string::npos) continue;
            value = t.substr(tagEnd + 1, close - tagEnd - 1);
        }
        std::string unit = xmlAttribute(tag, "unit");
        if (unit.empty()) unit = xmlAttribute(tag, "units");
        const auto mm = lengthMm(value, unit);
        if (!mm) continue;
        all.push_back(*mm);
        if (xmlAttribute(tag, "mode").find("record") != std::string::npos) toRecording.push_back(*mm);
    }
    // one distance, or the one whose mode names the recording site; several otherwise: ambiguous
    if (toRecording.size() == 1) return toRecording.front();
    if (all.size() == 1) return all.front();
    return std::nullopt;
}

std::vector<StimulusMark> stimuliFromAnnotations(const Recording& rec, double sampleRateHz) {
    // Distances stated in EDF_XMLnotes, by onset: a stimulus named "StimA" has its properties
    // beside it in the same TAL, so a note of the same instant gives its distance.
    std::vector<std::pair<double, double>> noteDistances;   // onset s, mm
    for (const auto& a : rec.annotations)
        if (const auto mm = distanceMmFromXmlNote(a.text)) noteDistances.emplace_back(a.onsetSec, *mm);
    std::sort(noteDistances.begin(), noteDistances.end());
    const double halfSampleSec = 0.5 / sampleRateHz;
    std::vector<StimulusMark> marks;
    for (const auto& a : rec.annotations) {
        auto st = parseStimText(a.text);
        if (!st) continue;
        if (!st->distanceMm) {
            const auto it = std::lower_bound(noteDistances.begin(), noteDistances.end(), std::make_pair(a.onsetSec - halfSampleSec, -1.0));
            if (it != noteDistances.end() && it->first < a.onsetSec + halfSampleSec) st->distanceMm = it->second;
        }
        StimulusMark m;
        m.timeSec = a.onsetSec;
        m.sampleIndex = static_cast<std::int64_t>(std::llround(a.onsetSec * sampleRateHz));
        m.site = st->site.empty() ? "site" : utf8FromFileText(st->site);   // (a Latin-1 annotation: shown and stored as UTF-8)
        m.intensityMa = st->intensityMa;
        m.distanceMm = st->distanceMm;
        m.ordinal = st->ordinal;
        m.train = st->train;
        m.source = "annotation";
        marks.push_back(std::move(m));
    }
    std::stable_sort(marks.begin(), marks.end(), [](const auto& a, const auto& b) { return a.sampleIndex < b.sampleIndex; });
    return marks;
}

std::vector<PhaseMark> phaseMarksFromAnnotations(const Recording& rec, double sampleRateHz) {
    std::vector<PhaseMark> out;
    for (const auto& a : rec.annotations) {
        if (parseStimText(a.text)) continue;
        bool phase = false;
        for (const auto& w : words(lower(a.text))) {
            std::string t = w;
            while (!t.empty() && (t.back() == '.' || t.back() == '-')) t.pop_back();
            // exercise in the languages the stimulus words are read in, and the study's phases
            for (const char* key : {"exercise", "exercice", "ejercicio", "esercizio", "belastung", "post", "pre", "after", "before",
                                    "rest", "train", "series", "tetanic", "tetanus", "activation", "facilitation", "exhaustion",
                                    "fatigue", "postexercise", "post-exercise", "pre-exercise", "preexercise"})
                if (t == key) phase = true;
        }
        if (phase) out.push_back(PhaseMark{static_cast<std::int64_t>(std::llround(a.onsetSec * sampleRateHz)), utf8FromFileText(a.text)});
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.sampleIndex < b.sampleIndex; });
    return out;
}

int findTriggerChannel(const Recording& rec) {
    for (std::size_t i = 0; i < rec.channels.size(); ++i)
        if (rec.channels[i].isAnnotationOrTrigger && !rec.channels[i].samples.empty()) return static_cast<int>(i);
    for (std::size_t i = 0; i < rec.channels.size(); ++i) {
        const std::string l = lower(rec.channels[i].label);
        for (const char* key : {"trig", "stim", "event", "marker", "ttl", "sync"})
            if (l.find(key) != std::string::npos && !rec.channels[i].samples.empty()) return static_cast<int>(i);
    }
    return -1;
}

namespace {
// A status word (BioSemi-style "Status": the low 16 bits carry the trigger code, the upper bits
// the amplifier's own state) or an event-code channel: integer values only, few distinct ones.
bool isStatusLabel(const std::string& label) { return lower(label).rfind("status", 0) == 0; }

/// Sample i of a channel that integerCodes accepted, as its code.
std::int64_t codeAt(const RecordedChannel& trigger, std::size_t i, bool status) {
    auto c = static_cast<std::int64_t>(std::llround(trigger.samples[i]));
    if (status) c &= 0xFFFF;
    return c;
}

struct CodeChannel {
    bool status = false;              ///< a status word: the low 16 bits are the code
    std::size_t nonZeroCodes = 0;     ///< distinct codes other than the idle 0
};

/// Whether the channel holds codes (read sample by sample with codeAt: no copy of the channel).
std::optional<CodeChannel> integerCodes(const RecordedChannel& trigger) {
    const bool status = isStatusLabel(trigger.label);
    std::vector<std::int64_t> distinct;
    for (std::size_t i = 0; i < trigger.samples.size(); ++i) {
        const double v = trigger.samples[i];
        // integers, allowing for the rounding of a file's digital-to-physical scaling
        if (!std::isfinite(v) || std::fabs(v) > 9.0e15 || std::fabs(v - std::round(v)) > 1e-3) return std::nullopt;
        const auto c = codeAt(trigger, i, status);
        if (std::find(distinct.begin(), distinct.end(), c) == distinct.end()) {
            distinct.push_back(c);
            if (distinct.size() > 256) return std::nullopt;   // an analogue signal, not codes
        }
    }
    // Codes need an idle level 0 (what status words and event channels rest at). Other than a
    // status word, only a channel whose unit is not a voltage and that holds at least two distinct
    // non-zero codes is read as codes: a voltage pulse channel (0/5 V, or pulses that add up where
    // they overlap) is left to the threshold detector.
    const bool hasZero = std::find(distinct.begin(), distinct.end(), 0) != distinct.end();
    if (!hasZero) return std::nullopt;
    if (!status) {
        const std::string unit = lower(trigger.physicalUnit);
        const bool voltage = unit == "uv" || unit == "mv" || unit == "v" || unit == "nv" || unit == "\xc2\xb5v";
        if (voltage || distinct.size() < 3) return std::nullopt;
    }
    return CodeChannel{status, distinct.size() - 1};
}

std::vector<StimulusMark> stimuliFromCodes(const RecordedChannel& trigger, const CodeChannel& kind, double sampleRateHz, double refractoryMs) {
    std::vector<StimulusMark> marks;
    const auto refractory = static_cast<std::int64_t>(refractoryMs * 1e-3 * trigger.sampleRateHz);
    std::int64_t last = -refractory - 1;
    std::int64_t previous = trigger.samples.empty() ? 0 : codeAt(trigger, 0, kind.status);
    for (std::size_t i = 1; i < trigger.samples.size(); ++i) {
        const std::int64_t code = codeAt(trigger, i, kind.status);
        const bool same = code == previous;
        previous = code;
        if (code == 0 || same || static_cast<std::int64_t>(i) - last <= refractory) continue;
        last = static_cast<std::int64_t>(i);
        StimulusMark m;
        m.timeSec = static_cast<double>(i) / trigger.sampleRateHz;
        m.sampleIndex = static_cast<std::int64_t>(std::llround(m.timeSec * sampleRateHz));
        m.site = kind.nonZeroCodes > 1 ? "code " + std::to_string(code) : std::string("trigger");
        m.source = "trigger:" + trigger.label;
        marks.push_back(std::move(m));
    }
    return marks;
}

/// The k-th smallest of x (what nth_element on a copy gives), without the copy when x holds few
/// distinct values (a trigger channel: its idle level and its pulse levels); nullopt otherwise.
std::optional<std::pair<double, double>> orderStatisticsOfFewValues(const std::vector<double>& x, std::size_t k1, std::size_t k2) {
    std::vector<std::pair<double, std::size_t>> counts;   // distinct value, how often
    for (double v : x) {
        auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == v; });
        if (it != counts.end()) ++it->second;
        else if (counts.size() >= 64) return std::nullopt;
        else counts.emplace_back(v, 1);
    }
    std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const auto kth = [&](std::size_t k) {
        std::size_t seen = 0;
        for (const auto& [v, n] : counts) {
            seen += n;
            if (k < seen) return v;
        }
        return counts.back().first;
    };
    return std::pair{kth(k1), kth(k2)};
}
}  // namespace

std::vector<StimulusMark> stimuliFromTrigger(const RecordedChannel& trigger, double sampleRateHz, std::optional<double> thresholdUnits,
                                             double refractoryMs) {
    std::vector<StimulusMark> marks;
    const auto& x = trigger.samples;
    if (x.size() < 2 || trigger.sampleRateHz <= 0.0) return marks;
    if (!thresholdUnits)
        if (const auto kind = integerCodes(trigger)) return stimuliFromCodes(trigger, *kind, sampleRateHz, refractoryMs);
    double threshold = 0.0;
    if (thresholdUnits) threshold = *thresholdUnits;
    else {
        const auto lo = static_cast<std::size_t>(0.01 * static_cast<double>(x.size() - 1));
        const auto hi = static_cast<std::size_t>(0.999 * static_cast<double>(x.size() - 1));
        double low = 0.0, high = 0.0;
        if (const auto few = orderStatisticsOfFewValues(x, lo, hi)) {
            low = few->first;
            high = few->second;
        } else {   // an analogue channel: selection on a copy
            std::vector<double> s(x);
            std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(lo), s.end());
            low = s[lo];
            std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(hi), s.end());
            high = s[hi];
        }
        if (high - low <= 0.0) {   // very sparse pulses, in either direction
            const auto [mn, mx] = std::minmax_element(x.begin(), x.end());
            if (*mx - high > low - *mn) high = *mx;
            else low = *mn;
        }
        if (!(high - low > 1e-12 * (std::fabs(high) + std::fabs(low) + 1.0))) return marks;
        threshold = low + 0.5 * (high - low);
    }
    // The idle level is where the channel spends most of its time: pulses rise from a low idle
    // level (TTL high-active) or fall from a high one (active-low outputs).
    const auto above = std::count_if(x.begin(), x.end(), [&](double v) { return v >= threshold; });
    const bool activeLow = static_cast<std::size_t>(above) * 2 > x.size();
    const auto refractory = static_cast<std::int64_t>(refractoryMs * 1e-3 * trigger.sampleRateHz);
    std::int64_t last = -refractory - 1;
    for (std::size_t i = 1; i < x.size(); ++i) {
        const bool edge = activeLow ? (x[i - 1] >= threshold && x[i] < threshold) : (x[i - 1] < threshold && x[i] >= threshold);
        if (edge && static_cast<std::int64_t>(i) - last > refractory) {
            last = static_cast<std::int64_t>(i);
            StimulusMark m;
            m.timeSec = static_cast<double>(i) / trigger.sampleRateHz;
            m.sampleIndex = static_cast<std::int64_t>(std::llround(m.timeSec * sampleRateHz));
            m.site = "trigger";
            m.source = "trigger:" + trigger.label;
            marks.push_back(std::move(m));
        }
    }
    return marks;
}

namespace {
/// A recording of segments (EDF+D): annotation times are on the file's clock, holes included,
/// while the samples lie back to back. Each mark's sample index moved to where its segment's
/// samples are (-1: the mark lies in a hole, where nothing was recorded).
void placeInSegments(const Recording& rec, double sampleRateHz, std::vector<StimulusMark>& marks) {
    const double halfSample = 0.5 / sampleRateHz;
    for (auto& m : marks) {
        m.sampleIndex = -1;
        for (std::size_t k = 0; k < rec.segments.size(); ++k) {
            const auto& g = rec.segments[k];
            if (m.timeSec < g.startSec - halfSample || m.timeSec >= g.startSec + g.durationSec - halfSample) continue;
            m.sampleIndex = static_cast<std::int64_t>(segmentFirstSample(rec, k, sampleRateHz)) +
                            static_cast<std::int64_t>(std::llround((m.timeSec - g.startSec) * sampleRateHz));
            break;
        }
    }
}

/// The same for marks found on a trigger channel of a recording of segments: their times, counted
/// along the samples back to back, moved to the file's clock.
void triggerTimesOnFileClock(const Recording& rec, std::vector<StimulusMark>& marks) {
    for (auto& m : marks) {
        double before = 0.0;   // seconds of samples in the segments before
        for (const auto& g : rec.segments) {
            if (m.timeSec < before + g.durationSec || &g == &rec.segments.back()) {
                m.timeSec = g.startSec + (m.timeSec - before);
                break;
            }
            before += g.durationSec;
        }
    }
}
}  // namespace

std::vector<StimulusMark> findStimuli(const Recording& rec, double sampleRateHz) {
    auto marks = stimuliFromAnnotations(rec, sampleRateHz);
    if (!marks.empty()) {
        if (!rec.segments.empty()) placeInSegments(rec, sampleRateHz, marks);
        return marks;
    }
    const int t = findTriggerChannel(rec);
    if (t >= 0) {
        marks = stimuliFromTrigger(rec.channels[static_cast<std::size_t>(t)], sampleRateHz);
        if (!rec.segments.empty()) triggerTimesOnFileClock(rec, marks);
    }
    return marks;
}

std::vector<std::string> sitesInOrder(const std::vector<StimulusMark>& marks) {
    std::vector<std::string> sites;
    for (const auto& m : marks)
        if (std::find(sites.begin(), sites.end(), m.site) == sites.end()) sites.push_back(m.site);
    return sites;
}

}  // namespace emg::dsp
