#pragma once
// The effort a record was taken at, as the examiner declares it (rest / slight / moderate /
// maximal), and what the activity at a declared effort holds: a record the examiner says was taken
// during contraction is read as effort, never as rest with spontaneous activity, and when all its
// potentials are small that is itself evidence (the low-amplitude potentials of myopathy).
// Criteria and sources: docs/needle-emg.md, "Declared effort".

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace emg::needle {

enum class DeclaredEffort { Rest, Slight, Moderate, Maximal };
const char* toString(DeclaredEffort e) noexcept;
/// "rest" | "slight" | "moderate" | "maximal" (case-insensitive; "max"/"strong" = maximal,
/// "weak"/"minimal" = slight); nullopt for anything else.
std::optional<DeclaredEffort> parseDeclaredEffort(const std::string& text);
/// The effort a file's own text states (a WFDB header's "level: 10% MVC", "effort: slight"): a
/// percentage of the maximal voluntary contraction (<= 30 % slight, <= 60 % moderate, above
/// maximal: slight effort in quantitative EMG is up to ~30 % MVC, Stalberg et al. 1995), else a
/// word parseDeclaredEffort reads ("slight contraction"); nullopt when neither is there.
std::optional<DeclaredEffort> declaredEffortFromText(const std::string& text);
/// The effort a file's header comments state (Recording::headerComments): the first `level:`,
/// `effort:` or `contraction:` comment declaredEffortFromText reads, and that comment as quoted
/// ("level: 10% MVC"); nullopt when none does.
struct StatedEffort {
    DeclaredEffort effort = DeclaredEffort::Slight;
    std::string quoted;
};
std::optional<StatedEffort> effortStatedInHeader(const std::vector<std::string>& comments);

/// The activity of the declared effort segments (filled by the needle analysis when the effort
/// segments come from the examiner: `--effort`, `--level` or level annotations, not inferred).
struct DeclaredEffortActivity {
    bool declared = false;       ///< the effort was declared, not inferred from activity
    double effortSec = 0.0;      ///< seconds of declared effort
    /// Potentials counted: |peak| at least this, the largest within +-1 ms (interference_spikes.h).
    /// 20 uV: twice the 10 uV level of the duration convention (Stalberg et al. 1986), so a
    /// potential counted has a measurable onset and end above a needle's noise.
    double floorUv = 20.0;
    double largestUv = 0.0;      ///< median peak to peak of the 20 largest potentials; 0 when fewer
    std::size_t potentials = 0;  ///< potentials found at the floor
};

}  // namespace emg::needle
