// Headerless ASCII-column and raw binary signal files (see include/emg/io/raw_signal.h).
#include <emg/io/raw_signal.h>

#include <emg/core/file_text.h>

#include <optional>

#include "ascii_header.h"
#include "file_bytes.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <system_error>

namespace emg::io {

std::optional<RawSampleFormat> parseRawSampleFormat(const std::string& name) {
    std::string n;
    for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (n == "ascii" || n == "txt" || n == "asc" || n == "csv" || n == "text") return RawSampleFormat::Ascii;
    if (n == "int16le" || n == "int16" || n == "s16le" || n == "i16") return RawSampleFormat::Int16Le;
    if (n == "int16be" || n == "s16be") return RawSampleFormat::Int16Be;
    if (n == "int32le" || n == "int32" || n == "s32le") return RawSampleFormat::Int32Le;
    if (n == "int32be" || n == "s32be") return RawSampleFormat::Int32Be;
    if (n == "float32le" || n == "float32" || n == "f32le") return RawSampleFormat::Float32Le;
    if (n == "float32be" || n == "f32be") return RawSampleFormat::Float32Be;
    return std::nullopt;
}

const char* toString(RawSampleFormat f) noexcept {
    switch (f) {
        case RawSampleFormat::Ascii: return "ascii";
        case RawSampleFormat::Int16Le: return "int16le";
        case RawSampleFormat::Int16Be: return "int16be";
        case RawSampleFormat::Int32Le: return "int32le";
        case RawSampleFormat::Int32Be: return "int32be";
        case RawSampleFormat::Float32Le: return "float32le";
        case RawSampleFormat::Float32Be: return "float32be";
    }
    return "?";
}

namespace {

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 60)) out.push_back(c >= 32 && c < 127 ? c : '?');
    return out;
}

void checkOptions(const RawSignalOptions& o) {
    const bool asciiMayStateIt = o.format == RawSampleFormat::Ascii && o.sampleRateHz == 0.0;
    if ((!asciiMayStateIt && !(o.sampleRateHz > 0.0)) || !std::isfinite(o.sampleRateHz) || o.sampleRateHz > 1e7)
        throw std::invalid_argument("a headerless signal file needs its sample rate (--rate HZ, 0 < HZ <= 10 MHz)");
    if (o.gainUvPerCount && (!std::isfinite(*o.gainUvPerCount) || *o.gainUvPerCount == 0.0))
        throw std::invalid_argument("--gain must be a finite, non-zero number of uV per count");
    if (o.channels < 1 || o.channels > 1024) throw std::invalid_argument("channel count must be 1..1024");
}

/// Numbers separated by spaces, tabs, commas or semicolons (a comma is the decimal mark in a file
/// whose rows `dialect` says so), rows ended by LF, CRLF or CR. Parsed as a stream of tokens, so a
/// file holding all its samples on one line (as some exports do) is read like a column.
class AsciiRows {
public:
    AsciiRows(const std::filesystem::path& path, detail::AsciiDialect dialect) : path_(path), dialect_(dialect) {}

    void feed(char c) {
        if (c == '\n' || c == '\r') {
            if (c == '\n' && lastWasCr_) { lastWasCr_ = false; return; }
            lastWasCr_ = c == '\r';
            endToken();
            endRow();
            return;
        }
        lastWasCr_ = false;
        if (comment_) return;
        if (detail::isAsciiSeparator(c, dialect_)) { endToken(); return; }
        if (token_.empty() && row_.empty() && !rowBad_ && (c == '#' || c == '%')) { comment_ = true; return; }
        if (token_.size() >= 64) rowBad_ = true;   // no number is that long
        else token_.push_back(c);
    }
    void finish() {
        endToken();
        endRow();
    }
    static constexpr std::size_t kMaxColumns = 1024;   // as many channels as a binary file may have
    std::vector<std::vector<double>> columns;
    std::size_t skippedHeader = 0;
    bool oneLongRow = false;

private:
    void endToken() {
        if (token_.empty()) return;
        const std::optional<double> parsed = detail::asciiNumber(token_, dialect_);
        if (!parsed.has_value()) {
            if (!rowBad_) badToken_ = token_;
            rowBad_ = true;
        } else if (!rowBad_) {
            row_.push_back(parsed.value_or(0.0));
        }
        token_.clear();
    }
    void endRow() {
        ++line_;
        const bool bad = rowBad_;
        rowBad_ = false;
        comment_ = false;
        if (bad) {
            row_.clear();
            if (columns.empty()) {
                if (++skippedHeader > 64) throw FormatError(path_.string() + ": no numeric column found in the first lines");
                return;
            }
            throw FormatError(path_.string() + ": line " + std::to_string(line_) + " holds '" + printable(badToken_) +
                              "', not a number");
        }
        if (row_.empty()) return;
        if (oneLongRow)
            throw FormatError(path_.string() + ": line " + std::to_string(line_) + " follows a first line of " +
                              std::to_string(columns.front().size()) + " numbers (more than " + std::to_string(kMaxColumns) +
                              " channels): such a line must be the file's only one");
        if (columns.empty() && row_.size() > kMaxColumns) {
            // all samples on one line: one channel (the values are not spread over a column each)
            columns.assign(1, std::move(row_));
            row_.clear();
            oneLongRow = true;
            return;
        }
        if (columns.empty()) {
            // the first data row decides the columns (a file with one row is one channel: see readAscii)
            columns.assign(row_.size(), {});
            for (std::size_t c = 0; c < row_.size(); ++c) columns[c].push_back(row_[c]);
        } else {
            if (row_.size() != columns.size())
                throw FormatError(path_.string() + ": line " + std::to_string(line_) + " has " + std::to_string(row_.size()) +
                                  " columns, the first data line had " + std::to_string(columns.size()));
            for (std::size_t c = 0; c < row_.size(); ++c) columns[c].push_back(row_[c]);
        }
        row_.clear();
    }

    std::filesystem::path path_;
    detail::AsciiDialect dialect_;
    std::string token_, badToken_;
    std::vector<double> row_;
    std::size_t line_ = 0;
    bool lastWasCr_ = false, rowBad_ = false, comment_ = false;
};

/// The fewest decimals (0..6) every value of `v` is written with, as far as the parsed doubles
/// show (each value times 10^d within 1/1000 of an integer); nullopt for finer values or none.
std::optional<int> printedDecimals(const std::vector<double>& v) {
    if (v.empty()) return std::nullopt;
    for (int d = 0; d <= 6; ++d) {
        const double f = std::pow(10.0, d);
        const bool all = std::all_of(v.begin(), v.end(), [&](double x) {
            const double k = x * f;
            return std::fabs(k) < 9e15 && std::fabs(k - std::nearbyint(k)) <= 1e-3;
        });
        if (all) return d;
    }
    return std::nullopt;
}

std::string fmtHz(double hz) {
    std::ostringstream m;
    m << std::setprecision(8) << hz << " Hz";
    return m.str();
}

/// What the first of several columns is: the time (a "time"/"t" heading, or, with no heading and
/// at least 16 rows, rising by one constant step) or a sample number ("sample", "index", or 0/1,
/// 2, 3 ... with no heading), which are not signals (`drop`), or a signal.
struct LeadColumn {
    bool drop = false;
    bool isTime = false;
    bool regular = true;
    double step = 0.0;   // in the column's own unit
    double relativeUncertainty = 0.0;   ///< of 1 / step, from the times' rounding
};

/// A rate read from printed times: the value on the coarsest grid (1, 0.1, 0.01, 0.001 Hz) within
/// what the times' rounding allows (32768.003 from times printed to 1 µs is 32768 Hz), else as is.
double rateOnItsGrid(double hz, double relativeUncertainty) {
    const double tol = hz * relativeUncertainty + hz * 1e-12;
    for (const double grid : {1.0, 0.1, 0.01, 0.001}) {
        const double cand = std::round(hz / grid) * grid;
        if (std::abs(cand - hz) <= tol) return cand;
    }
    return hz;
}

/// The rate a time column gives: its steps in its heading's unit (s when none is stated, ms when
/// the given rate `givenHz` says the steps are milliseconds), on the grid its printing allows.
/// `unitNote` says which unit was taken.
double timeColumnRateHz(const LeadColumn& lead, const detail::ColumnHeading* h, double givenHz, std::string* unitNote = nullptr) {
    const bool stated = h && h->secondsPerUnit;
    double secPerUnit = stated ? *h->secondsPerUnit : 1.0;
    if (!stated && givenHz > 0.0 && std::abs(lead.step * 1e-3 * givenHz - 1.0) < 0.01) secPerUnit = 1e-3;
    if (unitNote) *unitNote = stated ? h->unit : secPerUnit == 1e-3 ? std::string("ms") : std::string("s, no unit stated");
    return rateOnItsGrid(1.0 / (lead.step * secPerUnit), lead.relativeUncertainty);
}

LeadColumn leadColumn(const std::vector<double>& x, const detail::ColumnHeading* h) {
    LeadColumn out;
    if (x.size() < 3) return out;
    const double step = (x.back() - x.front()) / static_cast<double>(x.size() - 1);
    // times printed to a resolution finer than half a step stay within a quarter step of the line
    bool rising = step > 0.0;
    for (std::size_t i = 0; rising && i < x.size(); ++i)
        if (std::abs(x[i] - (x.front() + static_cast<double>(i) * step)) > 0.25 * step) rising = false;
    const bool integersByOne = rising && std::abs(step - 1.0) < 1e-12 && x.front() == std::floor(x.front()) && x.front() >= 0.0 &&
                               x.front() <= 1.0;
    out.step = step;
    out.regular = rising;
    // the printed times' rounding: how far the rate may lie from 1 / step
    double resid = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) resid = std::max(resid, std::abs(x[i] - (x.front() + static_cast<double>(i) * step)));
    out.relativeUncertainty = x.back() > x.front() ? 2.0 * resid / (x.back() - x.front()) : 0.0;
    if (h && h->indexLike) {
        out.drop = true;
        return out;
    }
    if (h && h->timeLike) {
        out.drop = out.isTime = step > 0.0;
        return out;
    }
    if (h && !h->name.empty() && !h->secondsPerUnit) return out;   // a named signal column
    if (x.size() < 16) return out;   // too few rows to tell a clock from a signal without a heading
    if (integersByOne) out.drop = true;
    else if (rising) out.drop = out.isTime = true;
    return out;
}

Recording readAscii(const std::filesystem::path& path, const RawSignalOptions& o, ReadInfo& info) {
    detail::requireRegularFile(path);   // a FIFO or directory is refused, not waited on
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError(path.string() + ": cannot open");
    std::array<char, 1 << 16> buf{};
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const detail::AsciiPreamble preamble = detail::readAsciiPreamble(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
    in.clear();
    in.seekg(0);
    AsciiRows rows(path, preamble.dialect);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        for (std::size_t i = 0; i < got; ++i) rows.feed(buf[i]);
    }
    rows.finish();
    auto& cols = rows.columns;
    if (cols.empty() || cols.front().empty()) throw FormatError(path.string() + ": no samples (expected columns of numbers)");
    if (rows.skippedHeader > 0) info.warnings.push_back(std::to_string(rows.skippedHeader) + " header line(s) before the numbers skipped");
    if (preamble.dialect.decimalComma) info.warnings.push_back("',' read as the decimal mark (the rows are cut by ';' or tabs, or hold fractions such as '12,05' that no integer column writes)");
    if (rows.oneLongRow) info.warnings.push_back("the samples are on one line: read as one channel");
    if (cols.front().size() == 1 && cols.size() > 1) {
        // all samples on one line: one channel
        std::vector<double> one;
        one.reserve(cols.size());
        for (auto& c : cols) one.push_back(c.front());
        cols.assign(1, std::move(one));
        info.warnings.push_back("the samples are on one line: read as one channel");
    }
    std::vector<detail::ColumnHeading> headings = detail::columnHeadings(preamble, cols.size());
    auto heading = [&](std::size_t c) -> const detail::ColumnHeading* { return c < headings.size() ? &headings[c] : nullptr; };

    // a time or sample-index column first: not a signal; a time column's steps give the rate
    std::optional<double> timeRateHz;
    std::string timeNote;
    if (cols.size() >= 2) {
        const LeadColumn lead = leadColumn(cols.front(), heading(0));
        if (lead.drop) {
            const std::string name = heading(0) && !heading(0)->name.empty() ? "'" + heading(0)->name + "'" : "column 1";
            if (lead.isTime) {
                std::string unit;
                timeRateHz = timeColumnRateHz(lead, heading(0), o.sampleRateHz, &unit);
                timeNote = name + " is the time (" + unit + "): not a signal; its steps give " + fmtHz(*timeRateHz) +
                           (lead.regular ? "" : " (their mean: the steps are not even)");
            } else {
                timeNote = name + " counts the samples: not a signal";
            }
            info.warnings.push_back(timeNote);
            cols.erase(cols.begin());
            if (!headings.empty()) headings.erase(headings.begin());
        }
    }

    // the rate: --rate, else what the file says (a time column, a stated rate)
    std::string statedLine;
    const std::optional<double> statedHz = detail::declaredRateHz(preamble, &statedLine);
    const std::optional<double> fileHz = timeRateHz ? timeRateHz : statedHz;
    double rateHz = o.sampleRateHz;
    if (rateHz > 0.0) {
        if (fileHz && std::abs(*fileHz / rateHz - 1.0) > 0.005)
            info.warnings.push_back("the file says " + fmtHz(*fileHz) + " (" + (timeRateHz ? std::string("its time column") : "'" + statedLine + "'") +
                                    "); the rate given, " + fmtHz(rateHz) + ", is used");
    } else if (fileHz) {
        rateHz = *fileHz;
        if (!timeRateHz) info.warnings.push_back("sample rate " + fmtHz(rateHz) + " as the file states it ('" + statedLine + "')");
    } else {
        throw std::invalid_argument("'" + path.string() +
                                    "' is a headerless signal file (ascii) that states no sample rate (no time column, no "
                                    "'sampling rate' line): give it with --rate HZ");
    }
    if (!(rateHz > 0.0) || rateHz > 1e7 || !std::isfinite(rateHz))
        throw FormatError(path.string() + ": the sample rate the file gives (" + fmtHz(rateHz) + ") is not usable");

    Recording rec;
    const std::string stem = path.stem().string();
    for (std::size_t c = 0; c < cols.size(); ++c) {
        RecordedChannel ch;
        const detail::ColumnHeading* h = heading(c);
        const std::string name = h ? utf8FromFileText(h->name) : std::string{};
        ch.label = !name.empty() ? name : cols.size() == 1 ? stem : stem + " " + std::to_string(c + 1);
        double scale = 1.0;
        if (o.gainUvPerCount) {
            scale = *o.gainUvPerCount;
            if (h && h->uvPerUnit && *h->uvPerUnit != 1.0)
                info.warnings.push_back("'" + ch.label + "' is headed " + utf8FromFileText(h->unit) + "; the gain given is used instead");
        } else if (h && h->uvPerUnit) {
            scale = *h->uvPerUnit;
            if (scale != 1.0)
                info.warnings.push_back("'" + ch.label + "' is in " + utf8FromFileText(h->unit) + " (its heading): read as uV");
        }
        // the numbers as printed: their finest decimal is the grid a conversion keeps them on
        if (const auto decimals = printedDecimals(cols[c])) ch.adcStep = std::pow(10.0, -*decimals) * scale;
        if (scale != 1.0)
            for (double& v : cols[c]) {
                v *= scale;
                if (!std::isfinite(v)) throw FormatError(path.string() + ": a sample of '" + ch.label + "' is out of range once scaled to uV");
            }
        ch.physicalUnit = h && !h->otherUnit.empty() && !o.gainUvPerCount ? utf8FromFileText(h->otherUnit) : std::string("uV");
        ch.sampleRateHz = rateHz;
        ch.samples = std::move(cols[c]);
        rec.channels.push_back(std::move(ch));
    }
    return rec;
}

/// The rate an ASCII file states, judged from its first 64 KiB (see asciiStatedRateHz).
std::optional<double> statedRateFromHead(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::array<char, 1 << 16> buf{};
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::string_view head(buf.data(), static_cast<std::size_t>(in.gcount()));
    const detail::AsciiPreamble preamble = detail::readAsciiPreamble(head);
    if (const auto hz = detail::declaredRateHz(preamble)) return hz;
    const auto lastEnd = head.find_last_of("\r\n");
    if (lastEnd == std::string_view::npos) return std::nullopt;
    AsciiRows rows(path, preamble.dialect);
    try {
        for (char c : head.substr(0, lastEnd + 1)) rows.feed(c);
        rows.finish();
    } catch (const FormatError&) {
        return std::nullopt;
    }
    if (rows.columns.size() < 2 || rows.oneLongRow) return std::nullopt;
    const auto headings = detail::columnHeadings(preamble, rows.columns.size());
    const LeadColumn lead = leadColumn(rows.columns.front(), headings.empty() ? nullptr : &headings.front());
    if (!lead.isTime) return std::nullopt;
    const double hz = timeColumnRateHz(lead, headings.empty() ? nullptr : &headings.front(), 0.0);
    return hz > 0.0 && hz <= 1e7 ? std::optional<double>(hz) : std::nullopt;
}

template <class T>
T fromBytes(const unsigned char* p, bool bigEndian) {
    std::array<unsigned char, sizeof(T)> b{};
    std::memcpy(b.data(), p, sizeof(T));
    if (bigEndian != (std::endian::native == std::endian::big)) std::reverse(b.begin(), b.end());
    T v;
    std::memcpy(&v, b.data(), sizeof(T));
    return v;
}

/// What readBinary keeps: every channel as double (readRawSignal), or no samples (an outline),
/// or one channel as float physical values.
struct BinarySelection {
    bool allAsDouble = true;
    std::optional<std::size_t> floatChannel;
    std::vector<float>* floatOut = nullptr;
};

Recording readBinary(const std::filesystem::path& path, const RawSignalOptions& o, ReadInfo& info, const BinarySelection& sel = {}) {
    std::error_code ec;
    detail::requireRegularFile(path);
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw FormatError(path.string() + ": cannot read its size");
    std::size_t width = 2;
    bool big = false, isFloat = false, is32 = false;
    switch (o.format) {
        case RawSampleFormat::Int16Be: big = true; [[fallthrough]];
        case RawSampleFormat::Int16Le: width = 2; break;
        case RawSampleFormat::Int32Be: big = true; [[fallthrough]];
        case RawSampleFormat::Int32Le: width = 4; is32 = true; break;
        case RawSampleFormat::Float32Be: big = true; [[fallthrough]];
        case RawSampleFormat::Float32Le: width = 4; isFloat = true; break;
        case RawSampleFormat::Ascii: break;
    }
    const std::size_t frame = width * static_cast<std::size_t>(o.channels);
    const std::size_t frames = static_cast<std::size_t>(size) / frame;
    if (frames == 0) throw FormatError(path.string() + ": shorter than one sample frame");
    if (static_cast<std::size_t>(size) % frame != 0)
        info.warnings.push_back(std::to_string(static_cast<std::size_t>(size) % frame) + " trailing byte(s) (a partial frame) ignored");
    const double gain = o.gainUvPerCount.value_or(1.0);
    if (!o.gainUvPerCount)
        info.warnings.push_back("gain unknown (no --gain): 1 count taken as 1 uV, amplitudes are in counts, not uV");
    Recording rec;
    const std::string stem = path.stem().string();
    for (int c = 0; c < o.channels; ++c) {
        RecordedChannel ch;
        ch.label = o.channels == 1 ? stem : stem + " " + std::to_string(c + 1);
        ch.physicalUnit = "uV";
        ch.sampleRateHz = o.sampleRateHz;
        ch.adcStep = gain;   // the stored integers (or floats on the gain's grid) are the digital samples a conversion keeps
        if (!isFloat) {
            ch.adcMin = is32 ? INT32_MIN : INT16_MIN;
            ch.adcMax = is32 ? INT32_MAX : INT16_MAX;
        }
        if (sel.allAsDouble) ch.samples.reserve(frames);
        else if (sel.floatOut && sel.floatChannel == static_cast<std::size_t>(c)) sel.floatOut->reserve(frames);
        rec.channels.push_back(std::move(ch));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError(path.string() + ": cannot open");
    std::vector<unsigned char> buf(frame * 8192);
    std::size_t left = frames;
    while (left > 0) {
        const std::size_t n = std::min<std::size_t>(left, 8192);
        in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(n * frame));
        if (static_cast<std::size_t>(in.gcount()) != n * frame) throw FormatError(path.string() + ": read failed (file changed while reading?)");
        for (std::size_t k = 0; k < n; ++k)
            for (int c = 0; c < o.channels; ++c) {
                const unsigned char* p = buf.data() + k * frame + static_cast<std::size_t>(c) * width;
                double v = 0.0;
                if (isFloat) v = static_cast<double>(fromBytes<float>(p, big));
                else if (is32) v = static_cast<double>(fromBytes<std::int32_t>(p, big));
                else v = static_cast<double>(fromBytes<std::int16_t>(p, big));
                if (!std::isfinite(v)) throw FormatError(path.string() + ": sample " + std::to_string(frames - left + k) + " is not finite");
                if (sel.allAsDouble) rec.channels[static_cast<std::size_t>(c)].samples.push_back(v * gain);
                else if (sel.floatOut && sel.floatChannel == static_cast<std::size_t>(c)) sel.floatOut->push_back(static_cast<float>(v * gain));
            }
        left -= n;
    }
    return rec;
}

}  // namespace

std::optional<double> asciiStatedRateHz(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    return statedRateFromHead(path);
}

std::optional<RawSignalOutline> readRawSignalOutline(const std::filesystem::path& path, const RawSignalOptions& o) {
    if (o.format == RawSampleFormat::Ascii) return std::nullopt;
    checkOptions(o);
    RawSignalOutline out;
    BinarySelection sel;
    sel.allAsDouble = false;
    out.recording = readBinary(path, o, out.info, sel);
    out.recording.recordingId = path.filename().string();
    out.info.format = FileFormat::RawSignal;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    std::size_t width = 2;
    if (o.format != RawSampleFormat::Int16Le && o.format != RawSampleFormat::Int16Be) width = 4;
    out.frames = ec ? 0 : static_cast<std::size_t>(size) / (width * static_cast<std::size_t>(o.channels));
    return out;
}

std::vector<float> readRawChannelAsFloat(const std::filesystem::path& path, const RawSignalOptions& o, std::size_t channel) {
    if (o.format == RawSampleFormat::Ascii) throw std::invalid_argument(path.string() + ": an ASCII file is not read channel by channel");
    checkOptions(o);
    if (channel >= static_cast<std::size_t>(o.channels))
        throw FormatError(path.string() + ": channel " + std::to_string(channel) + " does not exist (" + std::to_string(o.channels) + " channels)");
    std::vector<float> x;
    BinarySelection sel;
    sel.allAsDouble = false;
    sel.floatChannel = channel;
    sel.floatOut = &x;
    ReadInfo info;
    readBinary(path, o, info, sel);
    return x;
}

Recording readRawSignal(const std::filesystem::path& path, const RawSignalOptions& o, ReadInfo& info) {
    checkOptions(o);
    Recording rec = o.format == RawSampleFormat::Ascii ? readAscii(path, o, info) : readBinary(path, o, info);
    rec.recordingId = path.filename().string();
    info.format = FileFormat::RawSignal;
    return rec;
}

}  // namespace emg::io
