// Reading an expert decomposition: one firing per row (time in seconds, unit id), written by
// other decomposition tools, spreadsheets or by hand, so read liberally (see the header).
#include <emg/needle/decomposition_compare.h>

#include "decomposition_ids.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>

namespace emg::needle {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string_view unquote(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = trim(s.substr(1, s.size() - 2));
    return s;
}

/// Fields of one line; sep ' ' = runs of spaces/tabs.
std::vector<std::string_view> splitFields(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    if (sep == ' ') {
        std::size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
            const std::size_t b = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
            if (i > b) out.push_back(unquote(line.substr(b, i - b)));
        }
        return out;
    }
    std::size_t b = 0;
    bool quoted = false;
    for (std::size_t i = 0; i <= line.size(); ++i) {
        if (i < line.size() && line[i] == '"') quoted = !quoted;
        if (i == line.size() || (line[i] == sep && !quoted)) {
            out.push_back(unquote(line.substr(b, i - b)));
            b = i + 1;
        }
    }
    return out;
}


/// A number in the whole field ('+' allowed; ',' as the decimal mark when `decimalComma`).
std::optional<double> number(std::string_view s, bool decimalComma) {
    std::string t(trim(s));
    if (!t.empty() && t.front() == '+') t.erase(0, 1);
    if (decimalComma) std::replace(t.begin(), t.end(), ',', '.');
    if (t.empty()) return std::nullopt;
    double v = 0.0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
    return v;
}

bool looksInteger(std::string_view s) {
    s = trim(s);
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}


enum class Column { Time, Unit, Other };

/// The meaning of a header name; `toSec` is 1e-3 for a time in milliseconds.
Column classify(std::string_view name, double& toSec) {
    std::string n;
    for (char c : name)
        if (std::isalnum(static_cast<unsigned char>(c))) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    auto endsWith = [&](std::string_view suf) { return n.size() >= suf.size() && n.compare(n.size() - suf.size(), suf.size(), suf) == 0; };
    const bool ms = endsWith("ms") || endsWith("msec") || n.find("millisec") != std::string::npos;
    static const char* timeNames[] = {"t", "ts", "tsec", "tms", "s", "sec", "secs", "second", "seconds", "ms", "msec", "milliseconds"};
    const bool isTime = n.find("time") != std::string::npos || n.rfind("firing", 0) == 0 ||
                        std::any_of(std::begin(timeNames), std::end(timeNames), [&](const char* x) { return n == x; });
    if (isTime) {
        toSec = ms ? 1e-3 : 1.0;
        return Column::Time;
    }
    static const char* unitNames[] = {"mu", "muid", "mus", "id", "cluster", "clusterid", "label", "neuron", "class", "source"};
    if (n.find("unit") != std::string::npos || std::any_of(std::begin(unitNames), std::end(unitNames), [&](const char* x) { return n == x; }))
        return Column::Unit;
    return Column::Other;
}

}  // namespace

std::vector<ExpertUnit> parseDecompositionCsv(std::string_view text, const std::string& context) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    auto fail = [&](std::size_t lineNo, const std::string& what) -> DecompositionFormatError {
        return DecompositionFormatError(context + ": line " + std::to_string(lineNo) + ": " + what);
    };

    char sep = 0;
    bool decimalComma = false;
    bool haveLayout = false;    // header seen or column order chosen
    bool headerless = false;
    std::size_t timeCol = 0, unitCol = 1, minFields = 2;
    double toSec = 1.0;
    std::vector<ExpertUnit> units;
    std::map<std::string, std::size_t> index;

    std::size_t lineNo = 0, b = 0;
    while (b <= text.size()) {
        std::size_t e = text.find_first_of("\r\n", b);
        if (e == std::string_view::npos) e = text.size();
        const std::string_view line = trim(text.substr(b, e - b));
        b = e + 1;
        if (e < text.size() && text[e] == '\r' && b < text.size() && text[b] == '\n') ++b;
        ++lineNo;
        if (line.empty() || line.front() == '#') continue;

        if (!sep) {
            sep = line.find('\t') != std::string_view::npos ? '\t'
                  : line.find(';') != std::string_view::npos ? ';'
                  : line.find(',') != std::string_view::npos ? ','
                                                             : ' ';
            decimalComma = sep != ',';
        }
        const auto f = splitFields(line, sep);
        if (!haveLayout) {
            haveLayout = true;
            const bool anyNumber = std::any_of(f.begin(), f.end(), [&](std::string_view x) { return number(x, decimalComma).has_value(); });
            if (!anyNumber) {
                // a header row: find the columns by name
                std::optional<std::size_t> t, u;
                for (std::size_t i = 0; i < f.size(); ++i) {
                    double scale = 1.0;
                    const Column c = classify(f[i], scale);
                    if (c == Column::Time && !t) {
                        t = i;
                        toSec = scale;
                    } else if (c == Column::Unit && !u) {
                        u = i;
                    }
                }
                if (!t || !u) {
                    std::string names;
                    for (auto x : f) names += (names.empty() ? "'" : ", '") + detail::quotedField(x) + "'";
                    throw fail(lineNo, "the header (" + names + ") names no " + std::string(!t ? "time" : "unit") +
                                           " column (expected e.g. time_s,unit or unit,time_s)");
                }
                timeCol = *t;
                unitCol = *u;
                minFields = std::max(timeCol, unitCol) + 1;
                continue;
            }
            // no header: time then unit, unless this first row shows the other order
            headerless = true;
            if (f.size() == 2) {
                const auto n0 = number(f[0], decimalComma), n1 = number(f[1], decimalComma);
                const bool unitFirst = (!n0 && n1) || (n0 && n1 && looksInteger(f[0]) && !looksInteger(f[1]));
                if (unitFirst) {
                    timeCol = 1;
                    unitCol = 0;
                }
            }
        }
        if (headerless && f.size() != 2)
            throw fail(lineNo, "expected 2 fields (time in s and unit) without a header row, found " + std::to_string(f.size()));
        if (f.size() < minFields)
            throw fail(lineNo, "expected at least " + std::to_string(minFields) + " fields, found " + std::to_string(f.size()));
        const auto t = number(f[timeCol], decimalComma);
        if (!t) throw fail(lineNo, "time '" + detail::quotedField(f[timeCol]) + "' is not a number");
        if (!std::isfinite(*t)) throw fail(lineNo, "time '" + detail::quotedField(f[timeCol]) + "' is not finite");
        if (*t < 0) throw fail(lineNo, "negative time " + detail::quotedField(f[timeCol]) + " (times are seconds from the recording's start)");
        if (*t * toSec > 1e7) throw fail(lineNo, "time " + detail::quotedField(f[timeCol]) + " is beyond any recording (over 115 days)");
        if (f[unitCol].empty()) throw fail(lineNo, "unit id missing");
        const std::string id = detail::canonicalUnitId(f[unitCol]);
        auto [it, inserted] = index.try_emplace(id, units.size());
        if (inserted) units.push_back({id, {}});
        units[it->second].firingTimesSec.push_back(*t * toSec);
    }
    if (units.empty()) throw DecompositionFormatError(context + ": no firings (expected rows 'time_s,unit', e.g. '0.1234,3')");
    for (auto& u : units) std::sort(u.firingTimesSec.begin(), u.firingTimesSec.end());
    return units;
}

}  // namespace emg::needle
