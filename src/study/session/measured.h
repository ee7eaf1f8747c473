#pragma once
// A Measurement spelled and unit-tagged by the registry (emg/study/measurement_names.h): the study
// entries write no name or unit of their own.

#include <emg/study/measurement.h>
#include <emg/study/measurement_names.h>

#include <string>
#include <string_view>

namespace emg::study {

inline Measurement measured(std::string_view name, double value, Provenance who, std::string method, std::string placedBy = {}) {
    const auto& r = measurementName(name);
    return Measurement{std::string(r.name), value, std::string(r.unit), who, std::move(method), std::move(placedBy)};
}

inline Measurement automatic(std::string_view name, double value, std::string method) {
    return measured(name, value, Provenance::Auto, std::move(method));
}

}  // namespace emg::study
