#include "emg_waveform_file.h"

#include "acquisition_time.h"
#include "dicom_values.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace emg::report::dicom {

namespace {

void putChannelDefinition(DcmItem& group, const WaveformGroup& g, const SpanChannel& ch) {
    DcmItem& def = appendItem(group, DCM_ChannelDefinitionSequence);
    putText(def, DCM_WaveformChannelNumber, std::to_string(ch.signalIndex + 1));
    putText(def, DCM_ChannelLabel, limitText(ch.label, 16));
    putText(def, DCM_ChannelStatus, "OK");
    putCode(def, DCM_ChannelSourceSequence, g.source.value, g.source.scheme, g.source.meaning);
    putText(def, DCM_ChannelSensitivity, decimalString(ch.gainUvPerCount));
    const auto unit = microvoltUnit();
    putCode(def, DCM_ChannelSensitivityUnitsSequence, unit.value, unit.scheme, unit.meaning);
    putText(def, DCM_ChannelSensitivityCorrectionFactor, "1");
    putText(def, DCM_ChannelBaseline, decimalString(ch.offsetUv / ch.gainUvPerCount));
    putText(def, DCM_ChannelTimeSkew, "0");
    putUs(def, DCM_WaveformBitsStored, static_cast<std::uint16_t>(ch.bitsStored));
    if (ch.filters.highPassHz) putText(def, DCM_FilterLowFrequency, decimalString(*ch.filters.highPassHz));
    if (ch.filters.lowPassHz) putText(def, DCM_FilterHighFrequency, decimalString(*ch.filters.lowPassHz));
    if (ch.filters.notchHz) putText(def, DCM_NotchFilterFrequency, decimalString(*ch.filters.notchHz));
}

/// Interleaved samples (C1S1, C2S1, ..., CnS1, C1S2, ...), little endian, as OW words.
std::vector<std::uint16_t> waveformWords(const LinkedSpan& span) {
    const std::size_t n = span.samplesPerChannel(), c = span.channels.size();
    const bool wide = span.bdf;
    const std::size_t words = n * c * (wide ? 2 : 1);
    if (words * 2 > std::numeric_limits<std::uint32_t>::max() - 2)
        throw std::length_error("the waveform of " + span.file.string() + " is too long for one DICOM element");
    std::vector<std::uint16_t> out;
    out.reserve(words);
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t k = 0; k < c; ++k) {
            const auto v = static_cast<std::uint32_t>(span.channels[k].digital[s]);
            out.push_back(static_cast<std::uint16_t>(v & 0xFFFFu));
            if (wide) out.push_back(static_cast<std::uint16_t>(v >> 16));
        }
    return out;
}

void putMultiplexGroup(DcmItem& ds, const WaveformGroup& g, long long earliestUs) {
    const auto& span = g.span;
    if (span.channels.empty() || span.samplesPerChannel() == 0) throw std::invalid_argument("multiplex group " + g.label + " has no samples");
    DcmItem& group = appendItem(ds, DCM_WaveformSequence);
    putText(group, DCM_MultiplexGroupTimeOffset, decimalString(static_cast<double>(g.startMicroseconds - earliestUs) / 1000.0));
    putText(group, DCM_WaveformOriginality, "ORIGINAL");
    putUs(group, DCM_NumberOfWaveformChannels, static_cast<std::uint16_t>(span.channels.size()));
    putUl(group, DCM_NumberOfWaveformSamples, static_cast<std::uint32_t>(span.samplesPerChannel()));
    putText(group, DCM_SamplingFrequency, decimalString(span.channels.front().sampleRateHz));
    putText(group, DCM_MultiplexGroupLabel, limitText(g.label, 16));
    for (const auto& ch : span.channels) putChannelDefinition(group, g, ch);
    putUs(group, DCM_WaveformBitsAllocated, span.bdf ? 32 : 16);
    putText(group, DCM_WaveformSampleInterpretation, span.bdf ? "SL" : "SS");
    const auto words = waveformWords(span);
    check(group.putAndInsertUint16Array(DCM_WaveformData, words.data(), static_cast<unsigned long>(words.size())), "Waveform Data");
}

void putAnnotations(DcmItem& ds, const std::vector<WaveformGroup>& groups) {
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        std::vector<std::uint16_t> channels;   // (multiplex group, channel) pairs, 1-based
        for (std::size_t c = 0; c < groups[gi].span.channels.size(); ++c) {
            channels.push_back(static_cast<std::uint16_t>(gi + 1));
            channels.push_back(static_cast<std::uint16_t>(c + 1));
        }
        for (const auto& m : groups[gi].markers) {
            DcmItem& a = appendItem(ds, DCM_WaveformAnnotationSequence);
            putText(a, DCM_UnformattedTextValue, m.text);
            putUsArray(a, DCM_ReferencedWaveformChannels, channels);
            putText(a, DCM_TemporalRangeType, "POINT");
            putUl(a, DCM_ReferencedSamplePositions, static_cast<std::uint32_t>(m.sampleIndex + 1));
            putUs(a, DCM_AnnotationGroupNumber, static_cast<std::uint16_t>(m.annotationGroup));
        }
    }
}

}  // namespace

std::string emgWaveformFile(const ExportIdentity& id, const std::vector<WaveformGroup>& groups, const EmgWaveformUids& uids) {
    if (groups.empty()) throw std::invalid_argument("an EMG waveform object needs at least one multiplex group");
    long long earliest = groups.front().startMicroseconds;
    for (const auto& g : groups) earliest = std::min(earliest, g.startMicroseconds);

    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    putSopCommonModule(ds, UID_ElectromyogramWaveformStorage, uids.sopInstanceUid);
    putPatientModule(ds, id);
    putGeneralStudyModule(ds, id);
    // General Series
    putText(ds, DCM_Modality, "EMG");
    putText(ds, DCM_SeriesInstanceUID, uids.seriesInstanceUid);
    putText(ds, DCM_SeriesNumber, "1");
    putText(ds, DCM_SeriesDescription, "EMG/NCS waveforms");
    // Synchronization: the groups come from the workstation's own clock, no external trigger
    putText(ds, DCM_SynchronizationFrameOfReferenceUID, uids.synchronizationFrameUid);
    putText(ds, DCM_SynchronizationTrigger, "NO TRIGGER");
    putText(ds, DCM_AcquisitionTimeSynchronized, "N");
    putGeneralEquipmentModule(ds, id);
    // Waveform Identification
    const std::string acquired = dicomDateTimeOf(earliest);
    putText(ds, DCM_InstanceNumber, "1");
    putText(ds, DCM_ContentDate, acquired.substr(0, 8));
    putText(ds, DCM_ContentTime, acquired.substr(8));
    putText(ds, DCM_AcquisitionDateTime, acquired);
    for (const auto& g : groups) putMultiplexGroup(ds, g, earliest);
    check(ds.insertEmptyElement(DCM_AcquisitionContextSequence), "Acquisition Context Sequence");
    putAnnotations(ds, groups);
    return part10Bytes(file);
}

}  // namespace emg::report::dicom
