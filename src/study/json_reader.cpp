#include "json_reader.h"

#include <cmath>

namespace emg::study::detail {

namespace {
const nlohmann::json& emptyArray() {
    static const nlohmann::json a = nlohmann::json::array();
    return a;
}
}  // namespace

std::string typeName(const nlohmann::json& j) {
    if (j.is_number()) return "number";
    return j.type_name();
}

JsonReader::JsonReader(const nlohmann::json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) throw FormatError(path_ + ": expected an object, got " + typeName(j_));
}

bool JsonReader::has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }

void JsonReader::fail(const char* key, const std::string& msg) const { throw FormatError(child(key) + ": " + msg); }

std::string JsonReader::str(const char* key, const std::string& def) const {
    if (!has(key)) return def;
    const auto& v = j_.at(key);
    if (!v.is_string()) fail(key, "expected a string, got " + typeName(v));
    return v.get<std::string>();
}

std::string JsonReader::requiredStr(const char* key) const {
    if (!has(key)) fail(key, "missing (required string)");
    auto s = str(key);
    if (s.empty()) fail(key, "must not be empty");
    return s;
}

double JsonReader::num(const char* key, double def) const {
    auto v = optNum(key);
    return v ? *v : def;
}

double JsonReader::requiredNum(const char* key) const {
    auto v = optNum(key);
    if (!v) fail(key, "missing (required number)");
    return *v;
}

std::optional<double> JsonReader::optNum(const char* key) const {
    if (!has(key)) return std::nullopt;
    const auto& v = j_.at(key);
    if (!v.is_number()) fail(key, "expected a number, got " + typeName(v));
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(key, "not a finite number");
    return d;
}

int JsonReader::integer(const char* key, int def) const {
    if (!has(key)) return def;
    const auto& v = j_.at(key);
    if (!v.is_number_integer()) fail(key, "expected an integer, got " + typeName(v));
    return v.get<int>();
}

bool JsonReader::boolean(const char* key, bool def) const {
    if (!has(key)) return def;
    const auto& v = j_.at(key);
    if (!v.is_boolean()) fail(key, "expected true or false, got " + typeName(v));
    return v.get<bool>();
}

const nlohmann::json& JsonReader::array(const char* key) const {
    if (!has(key)) return emptyArray();
    const auto& v = j_.at(key);
    if (!v.is_array()) fail(key, "expected an array, got " + typeName(v));
    return v;
}

const nlohmann::json& JsonReader::object(const char* key) const {
    if (!has(key)) fail(key, "missing (required object)");
    const auto& v = j_.at(key);
    if (!v.is_object()) fail(key, "expected an object, got " + typeName(v));
    return v;
}

std::vector<std::string> stringArray(const nlohmann::json& a, const std::string& path) {
    if (!a.is_array()) throw FormatError(path + ": expected an array of strings, got " + typeName(a));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_string()) throw FormatError(path + "[" + std::to_string(i) + "]: expected a string, got " + typeName(a[i]));
        out.push_back(a[i].get<std::string>());
    }
    return out;
}

}  // namespace emg::study::detail
