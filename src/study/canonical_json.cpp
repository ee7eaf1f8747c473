// Canonical study JSON (the text a signature hashes) and a reader's list of what differs between
// two study documents (what `studies verify` prints).
#include <emg/study/canonical_json.h>
#include <emg/study/json.h>

#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace emg::study {

using nlohmann::json;

namespace {

void appendString(std::string& out, const std::string& s) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

void appendNumber(std::string& out, double v) {
    if (!std::isfinite(v)) {   // JSON has no NaN/inf; toJson never writes one, nlohmann would write null
        out += "null";
        return;
    }
    if (v == 0.0) v = 0.0;   // -0 -> 0
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 12);
    out.append(buf, r.ptr);
}

void append(std::string& out, const json& j) {
    switch (j.type()) {
        case json::value_t::object: {
            std::map<std::string, const json*> sorted;   // byte order, whatever the json's own map does
            for (auto it = j.begin(); it != j.end(); ++it) sorted[it.key()] = &it.value();
            out += '{';
            bool first = true;
            for (const auto& [k, v] : sorted) {
                if (!first) out += ',';
                first = false;
                appendString(out, k);
                out += ':';
                append(out, *v);
            }
            out += '}';
            break;
        }
        case json::value_t::array: {
            out += '[';
            for (std::size_t i = 0; i < j.size(); ++i) {
                if (i) out += ',';
                append(out, j[i]);
            }
            out += ']';
            break;
        }
        case json::value_t::string: appendString(out, j.get_ref<const std::string&>()); break;
        case json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; break;
        case json::value_t::number_integer: out += std::to_string(j.get<std::int64_t>()); break;
        case json::value_t::number_unsigned: out += std::to_string(j.get<std::uint64_t>()); break;
        case json::value_t::number_float: appendNumber(out, j.get<double>()); break;
        default: out += "null"; break;
    }
}

std::string shortText(const json& j) {
    std::string s = j.is_string() ? j.get<std::string>() : canonicalJsonText(j);
    if (s.size() > 90) s = s.substr(0, 87) + "...";
    return s;
}

std::string str(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string testLabel(const json& t) {
    std::string subject = str(t, "nerve");
    if (subject.empty()) subject = str(t, "muscle");
    std::string label = "test " + str(t, "id") + " (" + str(t, "kind");
    if (!subject.empty()) label += " " + subject;
    const std::string side = str(t, "side");
    if (!side.empty()) label += ", " + side;
    return label + ")";
}

struct Differ {
    std::string rootPrefix;   // "study " for a study's own keys
    std::vector<std::string> out;

    void compare(const json& a, const json& b, const std::string& label, const std::string& key) {
        if (canonicalJsonText(a) == canonicalJsonText(b)) return;
        if (a.is_object() && b.is_object()) {
            std::set<std::string> keys;
            for (auto it = a.begin(); it != a.end(); ++it) keys.insert(it.key());
            for (auto it = b.begin(); it != b.end(); ++it) keys.insert(it.key());
            for (const auto& k : keys) {
                const std::string sub = label.empty() ? k : label + ", " + k;
                if (!a.contains(k)) out.push_back(sub + ": added " + shortText(b[k]));
                else if (!b.contains(k)) out.push_back(sub + ": removed (was " + shortText(a[k]) + ")");
                else compare(a[k], b[k], label.empty() && k != "tests" && k != "findings" ? rootPrefix + k : sub, k);
            }
            return;
        }
        if (a.is_array() && b.is_array()) {
            if (key == "tests") return compareKeyed(a, b, [](const json& t, std::size_t) { return str(t, "id"); }, testLabel);
            if (key == "measurements")
                return compareKeyed(a, b, [](const json& m, std::size_t) { return str(m, "name"); },
                                    [&](const json& m) { return label.substr(0, label.rfind(", measurements")) + ", " + str(m, "name"); });
            if (key == "sites")
                return compareKeyed(a, b, [](const json& s, std::size_t) { return str(s, "name"); },
                                    [&](const json& s) { return label.substr(0, label.rfind(", sites")) + ", site '" + str(s, "name") + "'"; });
            if (key == "findings")
                return compareKeyed(a, b, [](const json&, std::size_t i) { return std::to_string(i); }, [](const json& f) {
                    return "finding (" + str(f, "kind") + ")";
                });
            const std::size_t n = std::max(a.size(), b.size());
            for (std::size_t i = 0; i < n; ++i) {
                const std::string sub = label + "[" + std::to_string(i) + "]";
                if (i >= a.size()) out.push_back(sub + ": added " + shortText(b[i]));
                else if (i >= b.size()) out.push_back(sub + ": removed (was " + shortText(a[i]) + ")");
                else compare(a[i], b[i], sub, "");
            }
            return;
        }
        out.push_back(label + ": " + shortText(a) + " -> " + shortText(b));
    }

    /// Arrays whose elements have an identity (a test id, a measurement or site name; repeated
    /// names are told apart by their order of occurrence).
    template <typename Key, typename Label>
    void compareKeyed(const json& a, const json& b, Key key, Label label) {
        auto index = [&](const json& arr) {
            std::vector<std::pair<std::string, std::size_t>> keys;
            std::map<std::string, int> seen;
            for (std::size_t i = 0; i < arr.size(); ++i) {
                std::string k = key(arr[i], i);
                k += "#" + std::to_string(seen[k]++);
                keys.emplace_back(k, i);
            }
            return keys;
        };
        const auto ka = index(a), kb = index(b);
        std::map<std::string, std::size_t> inB;
        for (const auto& [k, i] : kb) inB[k] = i;
        std::set<std::string> matched;
        for (const auto& [k, i] : ka) {
            const auto it = inB.find(k);
            if (it == inB.end()) {
                out.push_back(label(a[i]) + ": removed");
                continue;
            }
            matched.insert(k);
            compare(a[i], b[it->second], label(a[i]), "");
        }
        for (const auto& [k, i] : kb)
            if (!matched.count(k)) out.push_back(label(b[i]) + ": added " + shortText(b[i]));
    }
};

}  // namespace

std::string canonicalJsonText(const json& j) {
    std::string out;
    append(out, j);
    return out;
}

std::string canonicalStudyJson(const Study& s) { return canonicalJsonText(toJson(s)); }

std::vector<std::string> describeStudyDifferences(const json& signedStudy, const json& currentStudy) {
    Differ d{"study ", {}};
    d.compare(signedStudy, currentStudy, "", "");
    return std::move(d.out);
}

std::vector<std::string> describeJsonDifferences(const json& before, const json& after) {
    Differ d{"", {}};
    d.compare(before, after, "", "");
    return std::move(d.out);
}

}  // namespace emg::study
