#pragma once
// A needle muscle as a study test: one row of the findings grid (muscle, side and the nine
// finding cells as text) as a NeedleEmg test, with the provenance of each finding (the automatic
// analysis, or the clinician who edited the cell) and the numbers the analysis gave (rates /s and
// /min, MUAP amplitude µV, duration ms, polyphasic %); and a sorted MUAP set's summary as that
// test's MUAP measurements. Names and units come from the measurement registry.

#include <emg/needle/muscle_sites.h>
#include <emg/needle/needle_analysis.h>
#include <emg/needle/needle_types.h>
#include <emg/study/study.h>

#include <array>
#include <optional>
#include <string>

namespace emg::study {

/// One finding cell: its text and whether the clinician typed or changed it.
struct NeedleFindingCell {
    std::string text;
    bool byClinician = false;
};

/// Cells in the grid's order after the muscle: insertional, fibs, PSW, fascics, MUAP amp,
/// MUAP dur, polyphasia, recruitment, interference.
struct NeedleFindingsRow {
    std::string muscle;
    Side side = Side::Unspecified;
    std::array<NeedleFindingCell, 9> cells;
    std::string placedBy;   ///< the clinician's name for edited cells (the study's examiner)
    /// Where the analysis read the signal when it was a recorded span (the review view's "Measure
    /// span…"): file, SHA-256, channel, start and end; empty for live or typed findings.
    RawDataLink raw;
    /// The needle engine's reading when the row came from an analysis (kept as it suggested it).
    std::optional<NeedleAutoReading> automaticReading;
};

/// The row as a needle test. Empty cells are "not assessed" (grade 0 for the spontaneous
/// activity). Throws std::invalid_argument naming the cell whose text is not a finding (e.g.
/// "Fibs: 'lots' is not a grade 0..4 / 1+..4+") or for an empty muscle name.
NeedleEmg needleTestFrom(const NeedleFindingsRow& row);

/// The MUAP set's summary (mean amplitude µV, mean duration ms, polyphasic %, mean and max firing
/// rate Hz, all automatic) as measurements of `test`, replacing earlier MUAP-set values; the unit
/// count and the pattern reading go into the note. Throws std::invalid_argument for a set without units.
void addMuapSet(NeedleEmg& test, const needle::MuscleSummary& summary, const std::string& method);

/// The needle engine's reading of a muscle (emg/needle/needle_analysis.h) as its study test:
/// fibrillations / positive sharp waves at the spontaneous-activity grade, and when units were
/// sorted the MUAP set's measurements (`method` says how it was recorded). The MUAP duration /
/// amplitude / polyphasia grades against the muscle's reference, and recruitment, are set only
/// when the engine's muscle reading counted that evidence (a fair sample: >= 5 units on a quiet
/// baseline, needle::ReadingCriteria); otherwise they stay "not assessed" and the note says why,
/// so two or three units cannot make a muscle abnormal that the engine itself reads normal.
NeedleEmg needleTestFromAnalysis(const std::string& muscle, Side side, const needle::NeedleAnalysis& analysis,
                                 const std::string& method);

/// The same for one muscle read over several needle insertions (needle/muscle_sites.h): the pooled
/// units' grades when their evidence counted, the recruitment most sites read (reduced for
/// neuropathic, early for myopathic), the highest spontaneous grade; the method names the insertions.
NeedleEmg needleTestFromSites(const std::string& muscle, Side side, const needle::MuscleOverSites& overSites, const std::string& method);

}  // namespace emg::study
