#include "tal.h"

#include "edf_fields.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace emg::io::detail {

namespace {
bool parseSeconds(std::string_view s, double& out) {
    if (s.empty()) return false;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    const bool negative = *b == '-';
    if (*b == '+' || *b == '-') ++b;
    if (b == e) return false;
    for (const char* p = b; p != e; ++p)
        if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == ',')) return false;
    std::string text(b, e);
    for (char& c : text)
        if (c == ',') c = '.';
    double v = 0.0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) return false;
    out = negative ? -v : v;
    return true;
}
// Malformed TALs are counted in `warnings` up to this many entries (each is ~100 bytes of memory;
// a record of garbage must not make millions of them).
constexpr std::size_t kMaxWarnings = 1000;
// A data record's annotation signal holds a handful of TALs; each parsed text costs ~16x its
// bytes, so one record's garbage is cut off at this many TALs plus texts.
constexpr std::size_t kMaxItemsPerRecord = 1u << 16;
void warn(std::vector<std::string>& warnings, const char* text) {
    if (warnings.size() < kMaxWarnings) warnings.emplace_back(text);
}
}  // namespace

std::vector<Tal> parseTals(const std::uint8_t* data, std::size_t size, std::vector<std::string>& warnings) {
    std::vector<Tal> tals;
    std::size_t pos = 0, items = 0;
    while (pos < size) {
        if (items > kMaxItemsPerRecord) {
            warn(warnings, "more than 65536 annotations in one data record: the rest ignored");
            break;
        }
        if (data[pos] == 0) {  // padding between or after TALs
            ++pos;
            continue;
        }
        // one TAL runs to the next NUL
        std::size_t end = pos;
        while (end < size && data[end] != 0) ++end;
        const std::string_view tal(reinterpret_cast<const char*>(data + pos), end - pos);
        pos = end;
        const std::size_t firstSep = tal.find('\x14');
        if (firstSep == std::string_view::npos) {
            warn(warnings, "annotation without its 0x14 separator ignored");
            continue;
        }
        const std::string_view timePart = tal.substr(0, firstSep);
        const std::size_t durSep = timePart.find('\x15');
        Tal t;
        if (!parseSeconds(timePart.substr(0, durSep), t.onsetSec) || (timePart[0] != '+' && timePart[0] != '-')) {
            warn(warnings, "annotation with an unreadable onset ignored");
            continue;
        }
        if (durSep != std::string_view::npos) {
            const std::string_view d = timePart.substr(durSep + 1);
            if (!d.empty() && !parseSeconds(d, t.durationSec)) {
                warn(warnings, "annotation with an unreadable duration: duration set to 0");
                t.durationSec = 0.0;
            }
        }
        std::string_view rest = tal.substr(firstSep + 1);
        while (!rest.empty()) {
            const std::size_t sep = rest.find('\x14');
            // the first text may be empty (the time-keeping mark); later empty ones say nothing
            if (t.texts.empty() || sep != 0) {
                t.texts.emplace_back(rest.substr(0, sep));
                ++items;
            }
            if (sep == std::string_view::npos) break;
            rest.remove_prefix(sep + 1);
        }
        if (tal.back() != '\x14' && !t.texts.empty()) {
            // text not closed by 0x14: keep it, but say so
            warn(warnings, "annotation text not terminated by 0x14");
        }
        tals.push_back(std::move(t));
        ++items;
    }
    return tals;
}

void appendTal(std::string& out, double onsetSec, double durationSec, const std::vector<std::string>& texts) {
    out += formatTalSeconds(onsetSec);
    if (durationSec > 0) {
        std::string d = formatTalSeconds(durationSec);
        d.erase(0, 1);  // duration has no sign
        out += '\x15';
        out += d;
    }
    out += '\x14';
    if (texts.empty()) out += '\x14';
    for (const auto& text : texts) {
        for (char c : text) out += (c == '\x14' || c == '\x15' || c == '\0') ? ' ' : c;
        out += '\x14';
    }
    out += '\0';
}

void appendTimeKeepingTal(std::string& out, double recordOnsetSec) {
    out += formatTalSeconds(recordOnsetSec);
    out += "\x14\x14";
    out += '\0';
}

}  // namespace emg::io::detail
