#pragma once
// JSON form of the study model (nlohmann::json). Reading is tolerant: unknown keys are ignored,
// missing optional keys take their defaults; a wrong type or value throws FormatError naming the
// path (e.g. "study.tests[1].sites[0].distanceMm: expected a number, got string").

#include <emg/study/study.h>

#include <nlohmann/json.hpp>

namespace emg::study {

nlohmann::json toJson(const Patient& p);
nlohmann::json toJson(const Measurement& m);
nlohmann::json toJson(const RawDataLink& r);
nlohmann::json toJson(const Test& t);
nlohmann::json toJson(const Finding& f);
nlohmann::json toJson(const Study& s);

Patient patientFromJson(const nlohmann::json& j, const std::string& path = "patient");
Measurement measurementFromJson(const nlohmann::json& j, const std::string& path = "measurement");
RawDataLink rawDataFromJson(const nlohmann::json& j, const std::string& path = "raw");
Test testFromJson(const nlohmann::json& j, const std::string& path = "test");
Finding findingFromJson(const nlohmann::json& j, const std::string& path = "finding");
Study studyFromJson(const nlohmann::json& j, const std::string& path = "study");

/// Parses text (throws FormatError with the parser's position on malformed JSON).
nlohmann::json parseJsonText(const std::string& text, const std::string& what);
/// Reads and parses a file (throws FormatError when missing/unreadable/malformed).
nlohmann::json readJsonFile(const std::string& path);

}  // namespace emg::study
