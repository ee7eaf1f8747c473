#pragma once
// One position of a protocol run at the bedside (Qt-free): the sweeps stored there (every one is in
// the store the moment it exists, emg/study/protocol_run.h), which of them are kept (a rejected
// sweep stays in the store and is only left out here), the sweep that is measured (the latest kept
// sweep of a motor response, the average of the kept sweeps of a sensory response), its markers
// (automatic, then selected and nudged one sample at a time by the clinician) and what they give.
// Late responses (F-wave, H-reflex) are measured over all kept sweeps through the late-series path.

#include <emg/dsp/ncs_measures.h>
#include <emg/study/late_analysis.h>
#include <emg/study/session_store.h>

#include <cstddef>
#include <optional>
#include <set>
#include <vector>

namespace emg::study {

/// A stored run sweep as an engine sweep (index: its position among the site's sweeps).
dsp::Sweep sweepOf(const RunSweep& stored, std::size_t index = 0);

/// The markers the clinician can select, in the order the selection key visits them.
enum class RunMarker { Onset, NegativePeak, NegativeEnd, PositivePeak };
inline constexpr int kRunMarkerCount = 4;
const char* toString(RunMarker marker) noexcept;
/// The marker's time (ms from the stimulus) in `markers`.
double markerMs(const dsp::Markers& markers, RunMarker marker) noexcept;

class RunSite {
public:
    explicit RunSite(TestKind kind) : kind_(kind) {}

    TestKind kind() const noexcept { return kind_; }
    /// A stored sweep (newly stored, or read back on reopening): kept unless it is stored as
    /// rejected, and the site measured again (automatic markers).
    void add(const RunSweep& sweep);
    /// Leaves the last kept sweep out here only (rejectLastSweep also keeps that in the store);
    /// false when none is kept.
    bool rejectLast();
    /// The last kept sweep's index (nullopt when none is kept).
    std::optional<std::size_t> lastKept() const;
    /// Leaves sweep `index` out (or keeps it again) and measures again; std::out_of_range when
    /// there is no such sweep.
    void setRejected(std::size_t index, bool rejected);
    const std::vector<RunSweep>& sweeps() const noexcept { return sweeps_; }
    bool isKept(std::size_t index) const { return !rejected_.count(index); }
    std::size_t keptCount() const noexcept { return sweeps_.size() - rejected_.size(); }
    std::vector<dsp::Sweep> keptSweeps() const;

    /// The sweep measured: the latest kept one (motor, F-wave, H-reflex) or the kept ones averaged
    /// (sensory); nullopt when none is kept.
    const std::optional<dsp::Sweep>& measured() const noexcept { return measured_; }
    /// Its response (motor/sensory), with the markers as they are now.
    const std::optional<dsp::ResponseResult>& result() const noexcept { return result_; }
    /// The late-response analysis of the kept sweeps (F-wave, H-reflex).
    const std::optional<LateAnalysis>& late() const noexcept { return late_; }

    RunMarker selectedMarker() const noexcept { return selected_; }
    void selectNextMarker() noexcept;
    /// Moves the selected marker by `samples` (±1 per key press) and measures again with the
    /// moved markers (origin Clinician); false when there is no response or the move would put
    /// the markers out of the sweep or out of order.
    bool nudgeSelected(int samples);
    /// true once a marker was moved by hand.
    bool clinicianMoved() const noexcept { return result_ && result_->provenance.markers.origin == dsp::MarkerOrigin::Clinician; }

private:
    void measure();

    TestKind kind_;
    std::vector<RunSweep> sweeps_;
    std::set<std::size_t> rejected_;
    std::optional<dsp::Sweep> measured_;
    std::optional<dsp::ResponseResult> result_;
    std::optional<LateAnalysis> late_;
    RunMarker selected_ = RunMarker::Onset;
};

/// The response of one sweep for the stimulus ramp (emg/study/stimulus_ramp.h): its baseline
/// removed, the M wave (motor, F-wave, H-reflex, RNS) or the SNAP (sensory) found by the engine's
/// detector, baseline to negative peak in µV; 0 when no response is found.
double rampResponseUv(TestKind kind, const RunSweep& sweep);

class ProtocolRun;
/// Rejects the site's last kept sweep in the store first (ProtocolRun::setRejected: it stays
/// there, marked, and a reopened run reads it as rejected), then leaves it out of the site's
/// average and measurement. false when no sweep is kept; the store's refusal (a signed study)
/// propagates and nothing changes.
bool rejectLastSweep(ProtocolRun& run, RunSite& site);

}  // namespace emg::study
