// What the lines before an ASCII signal file's numbers say (see ascii_header.h).
#include "ascii_header.h"

#include "units.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>

namespace emg::io::detail {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (isSpace(s.front()) || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
    while (!s.empty() && (isSpace(s.back()) || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
}

std::string_view unquote(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = trim(s.substr(1, s.size() - 2));
    return s;
}

/// Lower case ASCII; the micro sign in UTF-8 (µ U+00B5, μ U+03BC) or Latin-1 (0xB5) becomes 'u'.
std::string folded(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xB5) { out.push_back('u'); ++i; continue; }
        if (c == 0xCE && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) { out.push_back('u'); ++i; continue; }
        if (c == 0xB5) { out.push_back('u'); continue; }
        out.push_back(static_cast<char>(std::tolower(c)));
    }
    return out;
}

/// Whether ',' in `line` is a decimal mark: the row is cut by ';' (and has no '.'), or by tabs
/// with every comma between two digits (and no '.').
bool commaIsDecimal(std::string_view line) {
    if (line.find('.') != std::string_view::npos || line.find(',') == std::string_view::npos) return false;
    if (line.find(';') != std::string_view::npos) return true;
    if (line.find('\t') == std::string_view::npos) return false;
    for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == ',' && (i == 0 || i + 1 >= line.size() || !std::isdigit(static_cast<unsigned char>(line[i - 1])) ||
                               !std::isdigit(static_cast<unsigned char>(line[i + 1]))))
            return false;
    return true;
}

/// Whether `line` is two integers cut by one comma ("85,2", "-12,75"): two integer columns or one
/// column with a decimal comma, which one row cannot tell.
bool twoCommaIntegers(std::string_view line) {
    const auto comma = line.find(',');
    if (comma == std::string_view::npos || line.find(',', comma + 1) != std::string_view::npos) return false;
    const auto integer = [](std::string_view f, bool sign) {
        if (sign && !f.empty() && (f.front() == '-' || f.front() == '+')) f.remove_prefix(1);
        return !f.empty() && std::all_of(f.begin(), f.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    };
    return integer(line.substr(0, comma), true) && integer(line.substr(comma + 1), false);
}

/// For rows of two comma-cut integers with no heading: ',' is a decimal mark when the rows show
/// what no integer column writes: a part after the comma with a leading zero ("12,05") or a
/// negative zero before it ("-0,4"), among the first 256 rows of `rows` (all of that form, >= 8);
/// or, one decimal written ("85,2"), one digit after every comma over >= 64 rows taking >= 8 of
/// the 10 digits (a second integer column of single digits is a trigger or a code of a few values).
bool commaIsDecimalInRows(std::string_view rows) {
    std::size_t pos = 0, seen = 0;
    bool evidence = false, oneDigit = true;
    unsigned digitsSeen = 0;   // a bit per digit after the comma
    while (pos < rows.size() && seen < 256) {
        const std::size_t end = std::min(rows.find_first_of("\r\n", pos), rows.size());
        const auto t = trim(rows.substr(pos, end - pos));
        pos = end + 1;
        if (t.empty()) continue;
        if (end >= rows.size() && rows.size() >= (64u << 10)) break;   // a row the head may have cut
        if (!twoCommaIntegers(t)) return false;
        ++seen;
        const auto comma = t.find(',');
        const auto after = t.substr(comma + 1);
        evidence = evidence || (after.size() >= 2 && after.front() == '0') || t.substr(0, comma) == "-0";
        oneDigit = oneDigit && after.size() == 1;
        if (after.size() == 1) digitsSeen |= 1u << (after.front() - '0');
    }
    const auto distinct = static_cast<int>(std::count_if(std::begin("0123456789"), std::end("0123456789") - 1,
                                                         [&](char c) { return (digitsSeen >> (c - '0')) & 1u; }));
    return (evidence && seen >= 8) || (oneDigit && seen >= 64 && distinct >= 8);
}

/// A voltage unit's size in µV: the symbols as the EDF reader takes them (units.h: V, mV, µV/uV, nV),
/// and the words a spreadsheet heading may spell out. `u` is folded (lower case, µ as 'u').
std::optional<double> voltsUnitInUv(const std::string& u) {
    if (const double f = microvoltsPerUnit(u); f > 0.0) return f;
    if (u == "volt" || u == "volts") return 1e6;
    if (u == "millivolt" || u == "millivolts") return 1e3;
    if (u == "microvolt" || u == "microvolts") return 1.0;
    if (u == "nanovolt" || u == "nanovolts") return 1e-3;
    return std::nullopt;
}

std::optional<double> timeUnitInSeconds(const std::string& u) {
    if (u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") return 1.0;
    if (u == "ms" || u == "msec" || u == "millisecond" || u == "milliseconds") return 1e-3;
    if (u == "us" || u == "usec" || u == "microsecond" || u == "microseconds") return 1e-6;
    return std::nullopt;
}

bool isUnit(const std::string& u) { return voltsUnitInUv(u) || timeUnitInSeconds(u); }

/// `line` cut where `isSeparator` says, each field unquoted, empty ones dropped.
template <typename Separator>
std::vector<std::string> splitFields(std::string_view line, const Separator& isSeparator) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        const auto f = unquote(cur);
        if (!f.empty()) out.emplace_back(f);
        cur.clear();
    };
    for (char c : line) {
        if (isSeparator(c)) flush();
        else cur.push_back(c);
    }
    flush();
    return out;
}

/// A heading line's fields: cut by tabs, ';' or (outside a decimal-comma file) ',' when it has
/// any, else by runs of spaces (names with spaces survive in a tab or comma separated header).
std::vector<std::string> headingFields(std::string_view line, AsciiDialect d) {
    const bool strong = line.find('\t') != std::string_view::npos || line.find(';') != std::string_view::npos ||
                        (!d.decimalComma && line.find(',') != std::string_view::npos);
    return splitFields(line, [&](char c) { return strong ? (c == '\t' || c == ';' || (c == ',' && !d.decimalComma)) : c == ' '; });
}

/// "Key= a\tb" (LabChart's export header): the fields after '=' when the line's key is `key`.
std::optional<std::vector<std::string>> keyedFields(std::string_view line, std::string_view key, AsciiDialect d) {
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    if (folded(trim(line.substr(0, eq))) != key) return std::nullopt;
    return headingFields(line.substr(eq + 1), d);
}

bool allNumbers(const std::vector<std::string>& fields, AsciiDialect d) {
    return std::all_of(fields.begin(), fields.end(), [&](const std::string& f) { return asciiNumber(f, d).has_value(); });
}

/// The number at the start of `s` (after spaces); `used` is set to its length.
std::optional<double> leadingNumber(std::string_view s, AsciiDialect d, std::size_t& used) {
    std::size_t i = 0;
    while (i < s.size() && isSpace(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
                            s[j] == '-' || s[j] == '+' || (d.decimalComma && s[j] == ',')))
        ++j;
    const auto v = asciiNumber(s.substr(i, j - i), d);
    used = j;
    return v;
}

}  // namespace

bool isAsciiSeparator(char c, AsciiDialect d) noexcept {
    return c == ' ' || c == '\t' || c == ';' || (c == ',' && !d.decimalComma);
}

std::vector<std::string> asciiFields(std::string_view line, AsciiDialect d) {
    return splitFields(line, [&](char c) { return isAsciiSeparator(c, d); });
}

std::optional<double> asciiNumber(std::string_view field, AsciiDialect d) {
    if (field.size() >= 2 && (field.front() == '"' || field.front() == '\'') && field.back() == field.front())
        field = field.substr(1, field.size() - 2);
    if (!field.empty() && field.front() == '+') field.remove_prefix(1);
    if (field.empty() || field.size() > 64) return std::nullopt;
    std::string comma;   // a copy only where ',' must become '.'
    if (d.decimalComma && field.find(',') != std::string_view::npos) {
        comma.assign(field);
        std::replace(comma.begin(), comma.end(), ',', '.');
        field = comma;
    }
    double v = 0.0;
    const auto r = std::from_chars(field.data(), field.data() + field.size(), v);
    if (r.ec != std::errc() || r.ptr != field.data() + field.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

AsciiPreamble readAsciiPreamble(std::string_view head) {
    AsciiPreamble p;
    std::vector<std::string> lines, comments;
    std::size_t pos = 0;
    while (pos < head.size() && lines.size() + comments.size() < 64) {
        std::size_t end = head.find_first_of("\r\n", pos);
        std::string_view line = head.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (end == std::string_view::npos) {
            // the head's last line may be cut: judge it by its whole fields
            const auto cut = line.find_last_of(" \t;");
            if (cut != std::string_view::npos && head.size() >= (64u << 10)) line = line.substr(0, cut);
            pos = head.size();
        } else {
            pos = end + 1;
        }
        const auto t = trim(line);
        if (t.empty()) continue;
        if (t.front() == '#' || t.front() == '%') {
            comments.emplace_back(trim(t.substr(1)));
            continue;
        }
        AsciiDialect d;
        d.decimalComma = commaIsDecimal(t);
        // one named column whose numbers are written with a decimal comma ("EMG\n85,2\n96,9"): a
        // heading of one field over rows of two comma-separated integers
        if (!d.decimalComma && !lines.empty() && lines.back().find_first_of(",;\t") == std::string::npos &&
            t.find_first_of(".;\t ") == std::string_view::npos && std::count(t.begin(), t.end(), ',') == 1)
            d.decimalComma = true;
        // no heading over rows like "85,2": a decimal comma when the rows show one (commaIsDecimalInRows)
        if (!d.decimalComma && lines.empty() && twoCommaIntegers(t))
            d.decimalComma = commaIsDecimalInRows(head.substr(static_cast<std::size_t>(t.data() - head.data())));
        const auto fields = asciiFields(t, d);
        if (!fields.empty() && allNumbers(fields, d)) {
            p.lines = std::move(lines);
            p.comments = std::move(comments);
            p.dialect = d;
            return p;
        }
        lines.emplace_back(t);
    }
    return {};
}

ColumnHeading parseColumnHeading(std::string_view field) {
    ColumnHeading h;
    std::string_view s = unquote(field);
    std::string_view name = s, unit;
    if (!s.empty() && (s.back() == ')' || s.back() == ']')) {
        const char open = s.back() == ')' ? '(' : '[';
        const auto at = s.rfind(open);
        if (at != std::string_view::npos) {
            const std::string u = folded(trim(s.substr(at + 1, s.size() - at - 2)));
            if (isUnit(u)) {
                unit = trim(s.substr(at + 1, s.size() - at - 2));
                name = trim(s.substr(0, at));
            }
        }
    }
    if (unit.empty()) {
        const std::string whole = folded(s);
        if (isUnit(whole)) {
            unit = s;
            name = {};
        } else {
            const auto at = s.find_last_of(" _/");
            if (at != std::string_view::npos && isUnit(folded(trim(s.substr(at + 1))))) {
                unit = trim(s.substr(at + 1));
                name = trim(s.substr(0, at));
            }
        }
    }
    while (!name.empty() && (name.back() == '_' || name.back() == '/' || name.back() == ',')) name.remove_suffix(1);
    h.name = std::string(trim(name));
    h.unit = std::string(unit);
    const std::string u = folded(unit);
    h.uvPerUnit = voltsUnitInUv(u);
    h.secondsPerUnit = timeUnitInSeconds(u);
    const std::string n = folded(h.name);
    h.timeLike = n == "time" || n == "t" || n == "timestamp" || n == "times" || n == "elapsed time" || n == "zeit" ||
                 n == "temps" || n == "tiempo" || n.rfind("time ", 0) == 0 || n.rfind("time_", 0) == 0 ||
                 (n.empty() && h.secondsPerUnit.has_value());
    h.indexLike = n == "sample" || n == "samples" || n == "index" || n == "idx" || n == "n" || n == "#" || n == "no" ||
                  n == "nr" || n == "sample number" || n == "sample_number" || n == "sample #" || n == "sample index" ||
                  n == "samplenumber";
    return h;
}

std::vector<ColumnHeading> columnHeadings(const AsciiPreamble& p, std::size_t columns) {
    if (columns == 0) return {};
    // LabChart's text export: "ChannelTitle=\tEMG\tForce", "UnitName=\tmV\tN"
    std::optional<std::vector<std::string>> titles, units;
    for (const auto& line : p.lines) {
        if (auto f = keyedFields(line, "channeltitle", p.dialect)) titles = std::move(f);
        if (auto f = keyedFields(line, "unitname", p.dialect)) units = std::move(f);
    }
    if (titles || units) {
        const std::size_t n = titles ? titles->size() : units->size();
        if (n == columns || n + 1 == columns) {
            std::vector<ColumnHeading> out(columns);
            const std::size_t first = columns - n;
            if (first == 1) out[0] = parseColumnHeading("Time (s)");
            for (std::size_t k = 0; k < n; ++k) {
                const std::string title = titles && k < titles->size() ? (*titles)[k] : std::string{};
                const std::string unit = units && k < units->size() ? (*units)[k] : std::string{};
                ColumnHeading h = parseColumnHeading(unit.empty() ? title : title + " (" + unit + ")");
                if (!unit.empty() && h.unit.empty()) {
                    h = parseColumnHeading(title);
                    h.otherUnit = unit;
                }
                out[first + k] = std::move(h);
            }
            return out;
        }
    }
    if (columns == 1) {
        // one column: only a short line right before the numbers, not "key: value" metadata
        if (p.lines.empty()) return {};
        const std::string& last = p.lines.back();
        if (last.size() > 40 || last.find_first_of(":=") != std::string::npos) return {};
        std::vector<std::string> fields = headingFields(last, p.dialect);
        if (fields.size() > 1 && last.find_first_of("\t;,") == std::string::npos) fields.assign(1, std::string(unquote(last)));
        if (fields.size() != 1 || allNumbers(fields, p.dialect)) return {};
        return {parseColumnHeading(fields.front())};
    }
    for (auto it = p.lines.rbegin(); it != p.lines.rend(); ++it) {
        if (it->find('=') != std::string::npos && it->find('=') < 24) continue;   // "Key=value" lines name nothing
        const std::vector<std::string> fields = headingFields(*it, p.dialect);
        if (fields.size() != columns || allNumbers(fields, p.dialect)) continue;
        std::vector<ColumnHeading> out;
        for (const auto& f : fields) out.push_back(parseColumnHeading(f));
        return out;
    }
    return {};
}

std::optional<double> declaredRateHz(const AsciiPreamble& p, std::string* what) {
    std::vector<std::string> all = p.lines;
    all.insert(all.end(), p.comments.begin(), p.comments.end());
    for (const auto& line : all) {
        const std::string low = folded(line);
        // LabChart: "Interval=\t0.0001 s"
        if (low.rfind("interval", 0) == 0) {
            const auto eq = low.find_first_of("=:");
            if (eq == std::string::npos) continue;
            std::size_t used = 0;
            const auto v = leadingNumber(std::string_view(low).substr(eq + 1), p.dialect, used);
            if (!v || !(*v > 0.0)) continue;
            const std::string unit = std::string(trim(std::string_view(low).substr(eq + 1 + used)));
            const auto sec = timeUnitInSeconds(unit.empty() ? "s" : unit);
            if (!sec) continue;
            const double hz = 1.0 / (*v * *sec);
            if (hz > 0.0 && hz <= 1e7) {
                if (what) *what = line;
                return hz;
            }
            continue;
        }
        static constexpr std::string_view keys[] = {"sampling rate", "sample rate",        "samplerate",      "sampling_rate",
                                                    "sample_rate",   "sampling frequency", "sample frequency", "samplingrate",
                                                    "sampling freq", "sampling_frequency", "srate",           "fs"};
        for (const auto key : keys) {
            const auto at = low.find(key);
            if (at == std::string::npos) continue;
            const std::size_t after = at + key.size();
            const bool wordStart = at == 0 || !std::isalnum(static_cast<unsigned char>(low[at - 1]));
            const bool wordEnd = after >= low.size() || !std::isalnum(static_cast<unsigned char>(low[after]));
            if (!wordStart || !wordEnd) continue;
            std::string_view rest = std::string_view(low).substr(after);
            // "(Hz)" or "[Hz]" between the name and its value
            std::size_t i = 0;
            double scale = 1.0;
            while (i < rest.size() && (isSpace(rest[i]) || rest[i] == ':' || rest[i] == '=')) ++i;
            for (const auto& [tag, s] : {std::pair{std::string_view("(khz)"), 1e3}, {"[khz]", 1e3}, {"(hz)", 1.0}, {"[hz]", 1.0}})
                if (rest.substr(i, tag.size()) == tag) {
                    scale = s;
                    i += tag.size();
                    break;
                }
            while (i < rest.size() && (isSpace(rest[i]) || rest[i] == ':' || rest[i] == '=')) ++i;
            std::size_t used = 0;
            const auto v = leadingNumber(rest.substr(i), p.dialect, used);
            if (!v || !(*v > 0.0)) continue;
            const std::string_view unit = trim(rest.substr(i + used));
            if (unit.rfind("khz", 0) == 0) scale = 1e3;
            else if (unit.rfind("mhz", 0) == 0) scale = 1e6;
            const double hz = *v * scale;
            if (hz > 0.0 && hz <= 1e7) {
                if (what) *what = line;
                return hz;
            }
        }
    }
    return std::nullopt;
}

}  // namespace emg::io::detail
