#pragma once
// The Electromyogram Waveform Storage object (SOP class 1.2.840.10008.5.1.4.1.1.9.7.2, IOD
// PS3.3 A.34.13): Patient, General Study, General Series (modality EMG), Synchronization,
// General Equipment, Waveform Identification, Waveform (one multiplex group per test),
// Acquisition Context, Waveform Annotation (markers) and SOP Common.
#include "channel_sources.h"
#include "dicom_modules.h"
#include "linked_span.h"
#include "waveform_markers.h"

#include <string>
#include <vector>

namespace emg::report::dicom {

/// One test's multiplex group.
struct WaveformGroup {
    std::string label;               ///< Multiplex Group Label (SH, 16 characters): "t1 motor"
    std::string description;         ///< for the export summary: "t1 motor peroneal left"
    CodedConcept source;             ///< the recording electrode's muscle or nerve
    LinkedSpan span;
    std::vector<WaveformMarker> markers;
    long long startMicroseconds = 0; ///< absolute start (recording start + span start), see acquisition_time.h
};

struct EmgWaveformUids {
    std::string seriesInstanceUid, sopInstanceUid, synchronizationFrameUid;
};

/// The object as Part 10 bytes. Sample interpretation: SS (16 bits allocated and stored) for a
/// group from EDF, SL (32 allocated, 24 stored) for BDF; every sample is the file's own integer,
/// with Channel Sensitivity (µV per count, UCUM "uV"), Correction Factor 1 and Channel Baseline
/// (offset / gain, in counts) so that µV = (sample + baseline) × sensitivity.
std::string emgWaveformFile(const ExportIdentity& id, const std::vector<WaveformGroup>& groups, const EmgWaveformUids& uids);

}  // namespace emg::report::dicom
