// Reading an EMGlab annotation file (.eaf): the XML in which EMGlab (McGill, Lateva & Marateb 2005)
// and the EMGLAB data sets store an expert decomposition, one firing per row of
// <emglab_spike_events> in the column order <emglab_spike_header> names. Also the one entry point
// that tells a decomposition file's kind from its content.
#include <emg/needle/decomposition_compare.h>

#include "decomposition_ids.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <set>

namespace emg::needle {

namespace {

std::string lowerCopy(std::string_view s) {
    std::string o(s);
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

/// The text between <name ...> and </name> (case-insensitive); nullopt when there is no <name.
/// `closed` tells whether the end tag was found.
std::optional<std::string_view> elementBody(std::string_view text, const std::string& lower, const std::string& name, bool& closed) {
    const auto open = lower.find("<" + name);
    closed = false;
    if (open == std::string::npos) return std::nullopt;
    const auto gt = lower.find('>', open);
    if (gt == std::string::npos) return std::string_view{};
    if (gt > 0 && lower[gt - 1] == '/') {   // <name/>: empty
        closed = true;
        return std::string_view{};
    }
    const auto end = lower.find("</" + name, gt + 1);
    closed = end != std::string::npos;
    return text.substr(gt + 1, (closed ? end : text.size()) - gt - 1);
}

/// `s` without its XML comments.
std::string withoutComments(std::string_view s) {
    std::string o;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = s.find("<!--", i);
        if (c == std::string_view::npos) {
            o.append(s.substr(i));
            break;
        }
        o.append(s.substr(i, c - i));
        const auto e = s.find("-->", c + 4);
        if (e == std::string_view::npos) break;
        o.push_back(' ');
        i = e + 3;
    }
    return o;
}

/// The names of the start tags in `body`, in order (<time></time><unit/>... -> time, unit).
std::vector<std::string> tagNames(std::string_view body) {
    std::vector<std::string> names;
    for (std::size_t i = body.find('<'); i != std::string_view::npos; i = body.find('<', i + 1)) {
        if (i + 1 >= body.size() || body[i + 1] == '/' || body[i + 1] == '!' || body[i + 1] == '?') continue;
        std::size_t e = i + 1;
        while (e < body.size() && (std::isalnum(static_cast<unsigned char>(body[e])) || body[e] == '_' || body[e] == '-')) ++e;
        if (e > i + 1) names.push_back(lowerCopy(body.substr(i + 1, e - i - 1)));
    }
    return names;
}

}  // namespace

bool looksLikeEmglabAnnotation(std::string_view text) {
    // the events element's name is what tells the format (a CSV never holds it); no lower-case copy
    constexpr std::string_view tag = "<emglab_spike_events";
    const auto equalIgnoringCase = [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    };
    return std::search(text.begin(), text.end(), tag.begin(), tag.end(), equalIgnoringCase) != text.end();
}

std::vector<ExpertUnit> parseEmglabAnnotation(std::string_view text, const std::string& context, std::vector<std::string>* channelsSeen) {
    const std::string lower = lowerCopy(text);
    bool closed = false;
    const auto events = elementBody(text, lower, "emglab_spike_events", closed);
    if (!events) throw DecompositionFormatError(context + ": no <emglab_spike_events> element (not an EMGlab annotation file)");
    if (!closed) throw DecompositionFormatError(context + ": <emglab_spike_events> is not closed (the file is cut short?)");

    std::vector<std::string> columns{"time", "unit", "chan"};
    bool headerClosed = false;
    if (const auto header = elementBody(text, lower, "emglab_spike_header", headerClosed); header && headerClosed) {
        const auto names = tagNames(withoutComments(*header));
        if (!names.empty()) columns = names;
    }
    const auto col = [&](std::initializer_list<const char*> names) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < columns.size(); ++i)
            for (const char* n : names)
                if (columns[i] == n) return i;
        return std::nullopt;
    };
    const auto timeCol = col({"time", "t", "time_s"});
    const auto unitCol = col({"unit", "unit_id", "mu"});
    const auto chanCol = col({"chan", "channel"});
    std::string listed;
    for (const auto& c : columns) listed += (listed.empty() ? "" : " ") + c;
    if (!timeCol || !unitCol)
        throw DecompositionFormatError(context + ": <emglab_spike_header> (" + listed + ") names no " + (!timeCol ? "time" : "unit") + " column");

    std::vector<std::string_view> fields;
    const std::string body = withoutComments(*events);
    for (std::size_t i = 0; i < body.size();) {
        while (i < body.size() && (std::isspace(static_cast<unsigned char>(body[i])) || body[i] == ',')) ++i;
        const std::size_t b = i;
        while (i < body.size() && !std::isspace(static_cast<unsigned char>(body[i])) && body[i] != ',') ++i;
        if (i > b) fields.push_back(std::string_view(body).substr(b, i - b));
    }
    const std::size_t n = columns.size();
    if (fields.size() % n != 0)
        throw DecompositionFormatError(context + ": <emglab_spike_events> holds " + std::to_string(fields.size()) +
                                       " fields, not a whole number of firings of " + std::to_string(n) + " (" + listed + ")");

    std::vector<ExpertUnit> units;
    std::map<std::string, std::size_t> index;
    std::set<std::string> channels;
    for (std::size_t k = 0; k < fields.size(); k += n) {
        const std::size_t firing = k / n + 1;
        auto fail = [&](const std::string& what) {
            return DecompositionFormatError(context + ": firing " + std::to_string(firing) + " of <emglab_spike_events>: " + what);
        };
        std::string_view ts = fields[k + *timeCol];
        if (!ts.empty() && ts.front() == '+') ts.remove_prefix(1);
        double t = 0.0;
        const auto r = std::from_chars(ts.data(), ts.data() + ts.size(), t);
        if (ts.empty() || r.ec != std::errc() || r.ptr != ts.data() + ts.size()) throw fail("time '" + detail::quotedField(fields[k + *timeCol]) + "' is not a number");
        if (!std::isfinite(t)) throw fail("time '" + detail::quotedField(ts) + "' is not finite");
        if (t < 0) throw fail("negative time " + detail::quotedField(ts) + " (times are seconds from the recording's start)");
        if (t > 1e7) throw fail("time " + detail::quotedField(ts) + " s is beyond any recording (over 115 days)");
        const std::string id = detail::canonicalUnitId(fields[k + *unitCol]);
        if (chanCol) channels.insert(detail::canonicalUnitId(fields[k + *chanCol]));
        auto [it, inserted] = index.try_emplace(id, units.size());
        if (inserted) units.push_back({id, {}});
        units[it->second].firingTimesSec.push_back(t);
    }
    if (units.empty()) throw DecompositionFormatError(context + ": no firings in <emglab_spike_events>");
    for (auto& u : units) {
        auto& f = u.firingTimesSec;
        std::sort(f.begin(), f.end());
        // a multichannel record may list a firing once per channel: one firing of a unit
        if (channels.size() > 1)
            f.erase(std::unique(f.begin(), f.end(), [](double a, double b) { return b - a < 0.05e-3; }), f.end());
    }
    if (channelsSeen) channelsSeen->assign(channels.begin(), channels.end());
    return units;
}

std::vector<ExpertUnit> parseDecomposition(std::string_view text, const std::string& context) {
    return looksLikeEmglabAnnotation(text) ? parseEmglabAnnotation(text, context) : parseDecompositionCsv(text, context);
}

std::vector<ExpertUnit> readDecompositionFile(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw DecompositionFormatError(path.string() + ": cannot open the decomposition file (" + ec.message() + ")");
    if (size > (64u << 20)) throw DecompositionFormatError(path.string() + ": " + std::to_string(size) + " bytes is too large for a decomposition file (64 MiB at most)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DecompositionFormatError(path.string() + ": cannot open the decomposition file");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return parseDecomposition(text, path.string());
}

}  // namespace emg::needle
