#pragma once
// Path-tracking access to a JSON object for tolerant reading with clear errors (internal).

#include <emg/study/types.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace emg::study::detail {

std::string typeName(const nlohmann::json& j);

class JsonReader {
public:
    JsonReader(const nlohmann::json& j, std::string path);   // throws unless j is an object

    const std::string& path() const noexcept { return path_; }
    bool has(const char* key) const;
    std::string child(const char* key) const { return path_ + "." + key; }
    [[noreturn]] void fail(const char* key, const std::string& msg) const;

    std::string str(const char* key, const std::string& def = {}) const;
    std::string requiredStr(const char* key) const;
    double num(const char* key, double def) const;
    double requiredNum(const char* key) const;
    std::optional<double> optNum(const char* key) const;
    int integer(const char* key, int def) const;
    bool boolean(const char* key, bool def) const;
    /// The array under key (empty when absent); throws if present but not an array.
    const nlohmann::json& array(const char* key) const;
    const nlohmann::json& object(const char* key) const;   // throws unless an object
    const nlohmann::json& raw() const noexcept { return j_; }

private:
    const nlohmann::json& j_;
    std::string path_;
};

std::vector<std::string> stringArray(const nlohmann::json& a, const std::string& path);

}  // namespace emg::study::detail
