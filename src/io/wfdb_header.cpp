// WFDB .hea parsing: the record line, one line per signal, '#' comments; LF, CRLF or CR lines,
// fields separated by any run of spaces and tabs.
#include "edf_fields.h"

#include <emg/io/wfdb.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace emg::io {

namespace {
struct Token {
    std::string_view text;
    std::size_t offset;
};
std::vector<Token> tokenize(std::string_view line) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const std::size_t b = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > b) out.push_back({line.substr(b, i - b), b});
    }
    return out;
}
bool toLong(std::string_view s, long long& out) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}
bool toDouble(std::string_view s, double& out) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}
long long needLong(std::string_view s, const char* what, const std::string& ctx) {
    long long v = 0;
    if (!toLong(s, v)) throw FormatError(ctx + ": " + what + " '" + detail::asciiOnly(s) + "' is not an integer");
    return v;
}
double needDouble(std::string_view s, const char* what, const std::string& ctx) {
    double v = 0;
    if (!toDouble(s, v)) throw FormatError(ctx + ": " + what + " '" + detail::asciiOnly(s) + "' is not a number");
    return v;
}

/// A field's trailing "(...)" (the base counter value after the sampling frequency, the baseline
/// after the gain): its inside, with the field cut before the '('; nothing when there is none.
std::optional<std::string_view> takeParenthesized(std::string_view& field, const char* fieldName, const std::string& ctx) {
    const std::size_t paren = field.find('(');
    if (paren == std::string_view::npos) return std::nullopt;
    std::string_view inside = field.substr(paren + 1);
    if (inside.empty() || inside.back() != ')') throw FormatError(ctx + ": unbalanced '(' in the " + fieldName + " field");
    inside.remove_suffix(1);
    field = field.substr(0, paren);
    return inside;
}

bool knownFormat(int f) {
    switch (f) {
        case 0: case 8: case 16: case 24: case 32: case 61: case 80: case 160: case 212: case 310: case 311: return true;
        default: return false;
    }
}
// The header's lines: a UTF-8 byte-order mark some editors put first is not part of the record
// name; lines end in LF, CRLF or a lone CR (old Mac editors); trailing blanks are dropped.
std::vector<std::string_view> headerLines(std::string_view text) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<std::string_view> lines;
    std::size_t b = 0;
    while (b <= text.size()) {
        std::size_t e = text.find_first_of("\r\n", b);
        if (e == std::string_view::npos) e = text.size();
        std::string_view line = text.substr(b, e - b);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        lines.push_back(line);
        b = e + 1;
        if (e < text.size() && text[e] == '\r' && b < text.size() && text[b] == '\n') ++b;
    }
    return lines;
}

// The record line: name, number of signals, [sampling frequency[/counter frequency][(base counter)]
// [samples per signal [base time [base date]]]].
void parseRecordLine(const std::vector<Token>& tok, const std::string& ctx, WfdbHeader& h) {
    if (tok.size() < 2) throw FormatError(ctx + ": the record line needs at least a name and a signal count");
    const std::string_view name = tok[0].text;
    if (name.find('/') != std::string_view::npos)
        throw FormatError(ctx + ": '" + detail::asciiOnly(name) +
                          "' names a multi-segment WFDB record, read as a whole (readWfdbRecord), not as one segment");
    h.recordName = std::string(name);
    const long long n = needLong(tok[1].text, "number of signals", ctx);
    if (n < 1 || n > 4096) throw FormatError(ctx + ": number of signals " + std::to_string(n) + " outside 1..4096");
    h.signalCount = static_cast<int>(n);
    if (tok.size() > 2) {
        std::string_view fs = tok[2].text;
        if (const auto bc = takeParenthesized(fs, "sampling frequency", ctx)) h.baseCounter = needDouble(*bc, "base counter value", ctx);
        const std::size_t slash = fs.find('/');
        if (slash != std::string_view::npos) {
            h.counterFrequencyHz = needDouble(fs.substr(slash + 1), "counter frequency", ctx);
            fs = fs.substr(0, slash);
        }
        h.samplingFrequencyHz = needDouble(fs, "sampling frequency", ctx);
        if (!(h.samplingFrequencyHz > 0) || h.samplingFrequencyHz > 1e7)
            throw FormatError(ctx + ": sampling frequency " + std::to_string(h.samplingFrequencyHz) + " Hz is impossible");
    }
    if (tok.size() > 3) {
        h.samplesPerSignal = needLong(tok[3].text, "number of samples per signal", ctx);
        if (h.samplesPerSignal < 0)
            throw FormatError(ctx + ": negative number of samples per signal (" + std::to_string(h.samplesPerSignal) + ")");
        if (h.samplesPerSignal == 0) h.samplesPerSignal = -1;   // 0 = unspecified (WFDB): from the file size
    }
    if (tok.size() > 4) h.baseTime = std::string(tok[4].text);
    if (tok.size() > 5) h.baseDate = std::string(tok[5].text);
}

// A signal line's format field: format[xsamples per frame][:skew][+byte offset].
void parseFormatField(std::string_view f, const std::string& ctx, WfdbSignalSpec& s) {
    const std::size_t plus = f.find('+');
    if (plus != std::string_view::npos) {
        s.byteOffset = needLong(f.substr(plus + 1), "byte offset", ctx);
        if (s.byteOffset < 0) throw FormatError(ctx + ": negative byte offset");
        f = f.substr(0, plus);
    }
    const std::size_t colon = f.find(':');
    if (colon != std::string_view::npos) {
        const long long skew = needLong(f.substr(colon + 1), "skew", ctx);
        if (skew < -100'000'000 || skew > 100'000'000)
            throw FormatError(ctx + ": skew " + std::to_string(skew) + " frames is impossible");
        s.skew = static_cast<int>(skew);
        f = f.substr(0, colon);
    }
    const std::size_t x = f.find('x');
    if (x != std::string_view::npos) {
        const long long spf = needLong(f.substr(x + 1), "samples per frame", ctx);
        if (spf < 1 || spf > 100000) throw FormatError(ctx + ": samples per frame " + std::to_string(spf) + " outside 1..100000");
        s.samplesPerFrame = static_cast<int>(spf);
        f = f.substr(0, x);
    }
    const long long fmt = needLong(f, "signal format", ctx);
    if (fmt == 508 || fmt == 516 || fmt == 524)
        throw FormatError(ctx + ": WFDB signal format " + std::to_string(fmt) +
                          " (FLAC-compressed) is not supported; convert the record to format 16 or 24 with the WFDB tools");
    if (!knownFormat(static_cast<int>(fmt)) || fmt != static_cast<int>(fmt))
        throw FormatError(ctx + ": WFDB signal format " + std::to_string(fmt) +
                          " is not supported (supported: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311)");
    s.format = static_cast<int>(fmt);
}

// A signal line's gain field: ADC gain[(baseline)][/units]; a gain of 0 means the default 200.
// Returns whether a baseline was given.
bool parseGainField(std::string_view g, const std::string& ctx, WfdbSignalSpec& s) {
    bool haveBaseline = false;
    const std::size_t slash = g.find('/');
    if (slash != std::string_view::npos) {
        if (slash + 1 < g.size()) s.units = std::string(g.substr(slash + 1));   // "200/" keeps the default mV
        g = g.substr(0, slash);
    }
    if (const auto b = takeParenthesized(g, "gain", ctx)) {
        s.baseline = needLong(*b, "baseline", ctx);
        haveBaseline = true;
    }
    // A negative gain is a signal recorded inverted (PhysioNet's wave_4: -19.34(3064)/degC); the
    // WFDB library and wfdb-python take it as it is, and so do we: physical = (adc - baseline) / gain.
    s.adcGain = needDouble(g, "ADC gain", ctx);
    if (s.adcGain != 0 && std::fabs(s.adcGain) < 1e-9)
        throw FormatError(ctx + ": ADC gain " + detail::asciiOnly(g) + " units per " + s.units + " is impossibly small");
    if (s.adcGain == 0) {
        s.adcGain = 200.0;
        s.gainDefaulted = true;
    }
    return haveBaseline;
}

// A signal line: file name, format, [gain [resolution [zero [initial value [checksum [block size
// [description]]]]]]].
WfdbSignalSpec parseSignalLine(const std::vector<Token>& tok, std::string_view line, const std::string& ctx) {
    if (tok.size() < 2) throw FormatError(ctx + ": a signal line needs at least a file name and a format");
    WfdbSignalSpec s;
    s.fileName = std::string(tok[0].text);
    parseFormatField(tok[1].text, ctx, s);
    bool haveBaseline = false;
    if (tok.size() > 2) {
        haveBaseline = parseGainField(tok[2].text, ctx, s);
    } else {
        s.gainDefaulted = true;
    }
    if (tok.size() > 3) {
        const long long r = needLong(tok[3].text, "ADC resolution", ctx);
        if (r < 0 || r > 32) throw FormatError(ctx + ": ADC resolution " + std::to_string(r) + " bits outside 0..32");
        s.adcResolution = static_cast<int>(r);
    }
    if (tok.size() > 4) s.adcZero = needLong(tok[4].text, "ADC zero", ctx);
    if (!haveBaseline) s.baseline = s.adcZero;
    if (tok.size() > 5) s.initialValue = needLong(tok[5].text, "initial value", ctx);
    if (tok.size() > 6) s.checksum = needLong(tok[6].text, "checksum", ctx);
    if (tok.size() > 7) s.blockSize = needLong(tok[7].text, "block size", ctx);
    if (tok.size() > 8) s.description = std::string(line.substr(tok[8].offset));
    return s;
}

/// Each line of a header: '#' comments (their text) appended to `comments`; every other non-blank
/// line, checked for control characters, given to `onLine` as tokens with its text and a context
/// naming the line.
template <typename OnLine>
void forEachHeaderLine(std::string_view text, const std::string& context, std::vector<std::string>& comments, OnLine&& onLine) {
    std::size_t lineNo = 0;
    for (const auto& raw : headerLines(text)) {
        ++lineNo;
        std::string_view line = raw;
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.empty()) continue;
        if (line.front() == '#') {
            std::string_view c = line.substr(1);
            while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
            comments.emplace_back(c);
            continue;
        }
        for (char ch : line)
            if (static_cast<unsigned char>(ch) < 32 && ch != '\t')
                throw FormatError(context + ": line " + std::to_string(lineNo) + ": control character in a WFDB header (binary file?)");
        onLine(tokenize(line), line, context + ": line " + std::to_string(lineNo));
    }
}
}  // namespace

WfdbHeader parseWfdbHeader(std::string_view text, const std::string& context) {
    WfdbHeader h;
    bool haveRecordLine = false;
    forEachHeaderLine(text, context, h.comments, [&](std::vector<Token> tok, std::string_view line, const std::string& ctx) {
        if (!haveRecordLine) {
            haveRecordLine = true;
            parseRecordLine(tok, ctx, h);
            return;
        }
        if (static_cast<int>(h.signals.size()) >= h.signalCount) {
            throw FormatError(ctx + ": more signal lines than the " + std::to_string(h.signalCount) + " the record line announces");
        }
        h.signals.push_back(parseSignalLine(tok, line, ctx));
    });
    if (!haveRecordLine) throw FormatError(context + ": empty WFDB header (no record line)");
    if (static_cast<int>(h.signals.size()) != h.signalCount)
        throw FormatError(context + ": the record line announces " + std::to_string(h.signalCount) + " signals, " +
                          std::to_string(h.signals.size()) + " signal lines follow");
    return h;
}

namespace {
/// The first line that is neither blank nor a comment, tokenized (empty when there is none).
std::vector<Token> firstRecordTokens(std::string_view text) {
    for (const auto& raw : headerLines(text)) {
        std::string_view line = raw;
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        return tokenize(line);
    }
    return {};
}
}  // namespace

bool isWfdbMultiSegmentHeader(std::string_view text) {
    const auto tok = firstRecordTokens(text);
    return !tok.empty() && tok[0].text.find('/') != std::string_view::npos;
}

WfdbMultiSegmentHeader parseWfdbMultiSegmentHeader(std::string_view text, const std::string& context) {
    WfdbMultiSegmentHeader m;
    bool haveRecordLine = false;
    long long segmentCount = 0;
    forEachHeaderLine(text, context, m.comments, [&](std::vector<Token> tok, std::string_view, const std::string& ctx) {
        if (!haveRecordLine) {
            haveRecordLine = true;
            if (tok.empty()) throw FormatError(ctx + ": empty record line");
            const std::string_view nameField = tok[0].text;
            const std::size_t slash = nameField.find('/');
            if (slash == std::string_view::npos)
                throw FormatError(ctx + ": '" + detail::asciiOnly(nameField) + "' is a single-segment record (no '/<segments>')");
            segmentCount = needLong(nameField.substr(slash + 1), "number of segments", ctx);
            if (segmentCount < 1 || segmentCount > kMaxWfdbSegments)
                throw FormatError(ctx + ": number of segments " + std::to_string(segmentCount) + " outside 1.." +
                                  std::to_string(kMaxWfdbSegments));
            tok[0].text = nameField.substr(0, slash);
            WfdbHeader h;
            parseRecordLine(tok, ctx, h);
            m.recordName = h.recordName;
            m.signalCount = h.signalCount;
            m.samplingFrequencyHz = h.samplingFrequencyHz;
            m.counterFrequencyHz = h.counterFrequencyHz;
            m.baseCounter = h.baseCounter;
            m.samplesPerSignal = h.samplesPerSignal;
            m.baseTime = h.baseTime;
            m.baseDate = h.baseDate;
            return;
        }
        if (static_cast<long long>(m.segments.size()) >= segmentCount)
            throw FormatError(ctx + ": more segment lines than the " + std::to_string(segmentCount) + " the record line announces");
        if (tok.size() < 2) throw FormatError(ctx + ": a segment line needs a record name and a number of samples");
        WfdbSegmentSpec seg;
        seg.recordName = std::string(tok[0].text);
        seg.frames = needLong(tok[1].text, "number of samples of the segment", ctx);
        if (seg.frames < 0) throw FormatError(ctx + ": negative number of samples (" + std::to_string(seg.frames) + ") in a segment");
        if (seg.recordName != "~" && (seg.recordName.find('/') != std::string::npos || seg.recordName.find('\\') != std::string::npos ||
                                       seg.recordName.find("..") != std::string::npos))
            throw FormatError(ctx + ": segment '" + detail::asciiOnly(seg.recordName) + "' must be a record in the header's folder");
        m.segments.push_back(std::move(seg));
    });
    if (!haveRecordLine) throw FormatError(context + ": empty WFDB header (no record line)");
    if (static_cast<long long>(m.segments.size()) != segmentCount)
        throw FormatError(context + ": the record line announces " + std::to_string(segmentCount) + " segments, " +
                          std::to_string(m.segments.size()) + " segment lines follow");
    return m;
}

}  // namespace emg::io
