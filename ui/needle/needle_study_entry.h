#pragma once
// What the needle panel's "Save to study" stores: one row of the findings grid (muscle, side and
// the nine finding cells as text) as a NeedleEmg test of the study, with the provenance of each
// finding (the automatic analysis, or the clinician who edited the cell) and the numbers the
// analysis gave (rates /s and /min, MUAP amplitude µV, duration ms, polyphasic %). Qt-free.

#include <emg/study/study.h>

#include <array>
#include <string>

namespace emg::ui {

/// One finding cell: its text and whether the clinician typed or changed it.
struct NeedleFindingCell {
    std::string text;
    bool byClinician = false;
};

/// Cells in the grid's order after the muscle: insertional, fibs, PSW, fascics, MUAP amp,
/// MUAP dur, polyphasia, recruitment, interference.
struct NeedleFindingsRow {
    std::string muscle;
    study::Side side = study::Side::Unspecified;
    std::array<NeedleFindingCell, 9> cells;
    std::string placedBy;   ///< the clinician's name for edited cells (the study's examiner)
};

/// The row as a needle test. Empty cells are "not assessed" (grade 0 for the spontaneous
/// activity). Throws std::invalid_argument naming the cell whose text is not a finding (e.g.
/// "Fibs: 'lots' is not a grade 0..4 / 1+..4+") or for an empty muscle name.
study::NeedleEmg needleTestFrom(const NeedleFindingsRow& row);

/// Puts the test into the study, replacing a needle test of the same muscle (case-insensitive)
/// and side, keeping that test's id. Returns true when it replaced one.
bool putNeedleTest(study::Study& study, study::NeedleEmg test);

}  // namespace emg::ui
