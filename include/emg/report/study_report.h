#pragma once
// The clinician's report built from a stored study: patient and study identity, one table per
// test kind with every measured value (flagged where the normative table says it is outside the
// limit for this patient, with the sources cited under the table), the needle EMG findings grid,
// the localization suggestion (marked as automatic until the clinician confirms it) and the
// clinician's impression.
#include <emg/report/report_model.h>
#include <emg/study/myotomes.h>
#include <emg/study/normative.h>
#include <emg/study/patient.h>
#include <emg/study/study.h>

#include <optional>
#include <string>

namespace emg::report {

/// Column title for a measurement name: the registry's title and unit (emg/study/measurement_names.h),
/// else read from the name's unit suffix:
/// "distalLatencyMs" -> "Distal latency (ms)", "amplitudeUv" -> "Amplitude (µV)",
/// "conductionVelocityMps" -> "Conduction velocity (m/s)", "areaUvMs" -> "Area (µV·ms)".
std::string columnTitle(const std::string& measurementName);

/// Value as printed in a table: sensible decimals for the unit (ms 2, µV 1, m/s 1, % 1).
std::string formatValue(double value, const std::string& measurementName);

/// Every value measured on both sides of a nerve (motor, sensory: per site; F-waves), left beside
/// right with the difference (latencies, velocities) or the smaller side's share (amplitudes,
/// areas); nullopt when no nerve was studied on both sides.
std::optional<ReportTable> sideToSideTable(const study::Study& study);

ReportModel buildStudyReport(const study::Patient& patient, const study::Study& study,
                             const study::NormativeTable& norms, const study::MyotomeMap& myotomes);

}  // namespace emg::report
