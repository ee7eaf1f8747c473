#include "cmd_store_options.h"

#include <cmath>
#include <iostream>
#include <stdexcept>

namespace emg::cli {

std::optional<std::string> ParsedArgs::get(const std::string& key) const {
    auto it = options.find(key);
    if (it == options.end()) return std::nullopt;
    return it->second;
}

std::string ParsedArgs::require(const std::string& key) const {
    auto v = get(key);
    if (!v || v->empty()) throw std::invalid_argument("missing --" + key);
    return *v;
}

std::optional<double> ParsedArgs::number(const std::string& key) const {
    auto v = get(key);
    if (!v) return std::nullopt;
    std::size_t used = 0;
    double d = 0.0;
    try {
        d = std::stod(*v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v->size() || !std::isfinite(d)) throw std::invalid_argument("--" + key + ": '" + *v + "' is not a number");
    return d;
}

ParsedArgs parseArgs(const std::vector<std::string>& args, std::set<std::string> allowed) {
    allowed.insert("db");
    ParsedArgs p;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.rfind("--", 0) != 0) {
            p.positional.push_back(a);
            continue;
        }
        std::string key = a.substr(2), value;
        if (auto eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key = key.substr(0, eq);
        } else {
            if (i + 1 >= args.size()) throw std::invalid_argument("--" + key + " needs a value");
            value = args[++i];
        }
        if (!allowed.count(key)) {
            std::string list;
            for (const auto& k : allowed) list += " --" + k;
            throw std::invalid_argument("unknown option --" + key + " (accepted:" + list + ")");
        }
        p.options[key] = value;
    }
    return p;
}

std::unique_ptr<emg::study::SessionStore> openStore(const ParsedArgs& a) {
    return emg::study::SessionStore::open(a.get("db").value_or(""));
}

void printJson(const std::string& dumped) { std::cout << dumped << "\n"; }

}  // namespace emg::cli
