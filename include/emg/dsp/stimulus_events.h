#pragma once
// Where the stimuli are: from annotations ("Stim wrist", "stim: wrist", "Stimulus wrist 25mA",
// "STIM_Elbow 3Hz #2", ...) or from a trigger channel (threshold crossing). Liberal in what it
// reads, since files come from many systems.

#include <emg/core/recording.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emg::dsp {

/// What a "Stim ..." annotation text says.
struct StimText {
    std::string site;                    ///< lower case, words joined by single spaces ("" if none)
    std::optional<double> intensityMa;   ///< "25mA", "25 mA", "I=25mA", "0.025 A"
    std::optional<double> pulseWidthMs;  ///< "0.2ms", "200us"
    std::optional<double> rateHz;        ///< "3Hz" (repetitive stimulation)
    std::optional<double> distanceMm;    ///< "at 6.5cm from recording site", "65 mm": stimulus to recording electrode
    std::optional<int> ordinal;          ///< a counter: "#3", a plain integer after the site ("Stim wrist 3", "3/10")
    std::optional<int> train;            ///< "train 2", "series 2", "sequence 2": which train of a repetitive stimulation
};

/// Parses a stimulus annotation; std::nullopt when the text is not one. Accepted forms (case-
/// insensitive): "Stim <site> [values]", "Stimulus/Stimulation/Stim.:/Stim_ <site>", "<site> stim".
/// The EDF+ specification's own nerve conduction example reads too: "Stimulus right wrist 0.2ms x
/// 8.2mA at 6.5cm from recording site Response 7.2mV at 3.8ms" gives site "right wrist", 0.2 ms,
/// 8.2 mA, 65 mm; what follows "Response" is the recording system's own measurement, not the site.
std::optional<StimText> parseStimText(std::string_view text);

/// The stimulus-to-recording distance an EDF_XMLnote annotation states (as the EDF+ authors'
/// example files carry a stimulus's properties beside it): a `<distance>` element with its unit in
/// a `unit` attribute or after the number (mm, cm, m). Of several, the one whose `mode` names the
/// recording site; nullopt when there is none, no unit, or no way to choose.
std::optional<double> distanceMmFromXmlNote(std::string_view text);

struct StimulusMark {
    std::int64_t sampleIndex = 0;        ///< on the signal channel's sample clock
    double timeSec = 0.0;
    std::string site;                    ///< "wrist" (UTF-8, file_text.h); "trigger" for trigger-channel events
    std::optional<double> intensityMa;
    std::optional<double> distanceMm;    ///< stimulus to recording electrode, when the annotation states it
    std::string source;                  ///< "annotation" or "trigger:<label>"
    std::optional<int> ordinal;          ///< the annotation's counter (StimText::ordinal)
    std::optional<int> train;            ///< the annotation's train number (StimText::train)
};

/// An annotation that is not a stimulus but names a phase of a repetitive-stimulation study
/// ("post exercise", "after 1 min", "rest", "train 2", "tetanic"): where one lies between two
/// stimuli a new train starts there.
struct PhaseMark {
    std::int64_t sampleIndex = 0;        ///< on the signal channel's sample clock (as StimulusMark's)
    std::string text;                    ///< as the file has it, in UTF-8 (a Latin-1 text read as such: file_text.h)
};
/// Such annotations of `rec`, in time order.
std::vector<PhaseMark> phaseMarksFromAnnotations(const Recording& rec, double sampleRateHz);

/// Stimuli from annotations, placed on a clock of `sampleRateHz` (rounded to the nearest sample).
std::vector<StimulusMark> stimuliFromAnnotations(const Recording& rec, double sampleRateHz);

/// Index of a trigger channel: flagged isAnnotationOrTrigger or labelled Trig/Trigger/Stim/
/// Event/Marker/TTL/Sync; -1 if none.
int findTriggerChannel(const Recording& rec);

/// Pulse onsets on a trigger channel, at least `refractoryMs` apart, placed on the signal clock
/// `sampleRateHz`: threshold crossings half-way between the 1st and 99.9th percentile levels (or
/// at `thresholdUnits` when given), rising from a low idle level or falling from a high one
/// (active-low outputs; the idle level is where the channel spends most of its time). An event
/// code channel (a "Status" word, masked to its low 16 bits as BioSemi writes it, or integer codes
/// resting at 0 in a unit that is not a voltage) gives an event at each change to a non-zero code,
/// site "code <n>" when several codes occur. Empty when the channel carries no pulses.
std::vector<StimulusMark> stimuliFromTrigger(const RecordedChannel& trigger, double sampleRateHz,
                                             std::optional<double> thresholdUnits = std::nullopt, double refractoryMs = 2.0);

/// Annotations first; if none, the trigger channel. Sorted by time. For a recording of segments
/// (EDF+D, Recording::segments) times are on the file's clock and sample indices on the samples
/// back to back (-1 for a stimulus in a hole).
std::vector<StimulusMark> findStimuli(const Recording& rec, double sampleRateHz);

/// Site names in order of their first stimulus.
std::vector<std::string> sitesInOrder(const std::vector<StimulusMark>& marks);

}  // namespace emg::dsp
