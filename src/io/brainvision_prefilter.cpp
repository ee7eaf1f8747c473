// The filters a BrainVision header's comment states (the amplifier's "Channels" table and the
// "Software Filters" one), as EDF's prefilter text (see brainvision_detail.h).
#include "brainvision_detail.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace emg::io::detail {

namespace {

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find_first_of("\r\n", pos), text.size());
        out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
        if (end < text.size() && text[end] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    }
    return out;
}

std::vector<std::string_view> tokens(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
        std::size_t end = pos;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
        if (end > pos) out.push_back(line.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

std::optional<double> number(std::string_view s) {
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// One cut-off column: where it sits among a row's tokens and whether it is a time constant (s).
struct Column {
    std::size_t index = 0;
    bool seconds = false;
};

/// A filter setting: "DC" (no high-pass), "Off" (none), or a frequency in Hz (a time constant τ
/// in s is 1 / (2 π τ) Hz).
struct Cutoff {
    bool dc = false, off = true;
    double hz = 0.0;
};

Cutoff cutoffAt(const std::vector<std::string_view>& row, const std::optional<Column>& col) {
    Cutoff c;
    if (!col || col->index >= row.size()) return c;
    const std::string_view t = row[col->index];
    if (t == "DC") {
        c.dc = true;
        c.off = false;
    } else if (const auto v = number(t); v && *v > 0) {
        c.off = false;
        c.hz = col->seconds ? 1.0 / (2.0 * M_PI * *v) : *v;
    }
    return c;
}

std::string hz(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return std::string(b) + "Hz";
}

/// The cut-off columns of a table's heading line ("#  Name  Phys. Chn.  Resolution / Unit  Low
/// Cutoff [s]  High Cutoff [Hz]  Notch [Hz] ...", or "#  Low Cutoff [s]  High Cutoff [Hz]  Notch
/// [Hz]"): each one's token index in a row, the columns before it counted as a row has them (the
/// number; a name; a physical channel; a resolution, with its unit as a second token when the
/// heading says "Resolution / Unit").
void columnsOf(std::string_view heading, std::optional<Column>& low, std::optional<Column>& high, std::optional<Column>& notch) {
    const auto at = [&](std::string_view name) { return heading.find(name); };
    const auto seconds = [&](std::size_t from) {
        const auto open = heading.find('[', from), close = heading.find(']', from);
        return open != std::string_view::npos && close != std::string_view::npos && heading.substr(open + 1, close - open - 1) == "s";
    };
    struct Field { std::size_t pos; std::size_t tokens; int which; };   // which: 0 other, 1 low, 2 high, 3 notch
    std::vector<Field> fields;
    if (const auto p = at("Name"); p != std::string_view::npos) fields.push_back({p, 1, 0});
    if (const auto p = at("Phys. Chn."); p != std::string_view::npos) fields.push_back({p, 1, 0});
    if (const auto p = at("Resolution"); p != std::string_view::npos) fields.push_back({p, at("Resolution / Unit") == p ? 2u : 1u, 0});
    if (const auto p = at("Low Cutoff"); p != std::string_view::npos) fields.push_back({p, 1, 1});
    if (const auto p = at("High Cutoff"); p != std::string_view::npos) fields.push_back({p, 1, 2});
    if (const auto p = at("Notch"); p != std::string_view::npos) fields.push_back({p, 1, 3});
    std::sort(fields.begin(), fields.end(), [](const Field& a, const Field& b) { return a.pos < b.pos; });
    std::size_t index = 1;   // the channel number first
    for (const auto& f : fields) {
        if (f.which == 1) low = Column{index, seconds(f.pos)};
        if (f.which == 2) high = Column{index, seconds(f.pos)};
        if (f.which == 3) notch = Column{index, false};
        index += f.tokens;
    }
}

/// The rows of the table that starts at the line after `title` ("Channels" or "S o f t w a r e
/// F i l t e r s"): heading line (starting with '#'), then one row per channel from 1 on.
struct Table {
    std::optional<Column> low, high, notch;
    std::vector<std::vector<std::string_view>> rows;   ///< by channel number - 1
};

std::optional<Table> tableAfter(const std::vector<std::string_view>& text, std::string_view title, const std::vector<std::string>& names) {
    const std::size_t channels = names.size();
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto t = tokens(text[i]);
        std::string joined;
        for (auto x : t) joined += std::string(x);
        std::string want;
        for (char c : title)
            if (c != ' ') want += c;
        if (joined != want) continue;
        Table table;
        std::size_t j = i + 1;
        while (j < text.size() && (tokens(text[j]).empty() || text[j].find_first_not_of("-= ") == std::string_view::npos)) ++j;
        if (j >= text.size() || text[j].find('#') == std::string_view::npos) return std::nullopt;   // "Disabled"
        columnsOf(text[j], table.low, table.high, table.notch);
        table.rows.resize(channels);
        const bool named = text[j].find("Name") != std::string_view::npos;
        for (++j; j < text.size(); ++j) {
            auto row = tokens(text[j]);
            if (row.empty()) break;
            const auto n = number(row.front());
            if (!n || *n < 1 || *n > static_cast<double>(channels) || *n != std::floor(*n)) break;
            const auto c = static_cast<std::size_t>(*n) - 1;
            // a name may hold spaces ("CP 6", "F3 3 part"): the header's own name, as one token
            if (named && row.size() > 1) {
                const std::string_view line = text[j];
                const std::size_t at = line.find(row[1]);
                const std::string_view rest = line.substr(at);
                const std::string& name = names[c];
                if (!name.empty() && rest.substr(0, name.size()) == name &&
                    (rest.size() == name.size() || rest[name.size()] == ' ' || rest[name.size()] == '\t')) {
                    std::vector<std::string_view> fixed{row.front(), rest.substr(0, name.size())};
                    for (const auto t : tokens(rest.substr(name.size()))) fixed.push_back(t);
                    row = std::move(fixed);
                }
            }
            table.rows[c] = row;
        }
        return table;
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string> brainVisionPrefilters(std::string_view headerText, const std::vector<std::string>& names) {
    const std::size_t channels = names.size();
    std::vector<std::string> out(channels);
    const auto text = lines(headerText);
    const auto hardware = tableAfter(text, "Channels", names);
    const auto software = tableAfter(text, "Software Filters", names);
    for (std::size_t c = 0; c < channels; ++c) {
        Cutoff hp, lp, notch;
        bool known = false;
        for (const auto* table : {hardware ? &*hardware : nullptr, software ? &*software : nullptr}) {
            if (!table || table->rows[c].empty()) continue;
            known = true;
            const auto& row = table->rows[c];
            // the band left after both: the higher high-pass, the lower low-pass, any notch
            const Cutoff h = cutoffAt(row, table->low), l = cutoffAt(row, table->high), n = cutoffAt(row, table->notch);
            if (!h.off && (hp.off || hp.dc || (!h.dc && h.hz > hp.hz))) hp = h;
            if (!l.off && !l.dc && (lp.off || l.hz < lp.hz)) lp = l;
            if (!n.off && !n.dc && notch.off) notch = n;
        }
        if (!known) continue;
        std::string f;
        if (!hp.off) f += hp.dc ? "HP:DC" : "HP:" + hz(hp.hz);
        if (!lp.off) f += (f.empty() ? "" : " ") + std::string("LP:") + hz(lp.hz);
        if (!notch.off) f += (f.empty() ? "" : " ") + std::string("N:") + hz(notch.hz);
        out[c] = f;
    }
    return out;
}

}  // namespace emg::io::detail
