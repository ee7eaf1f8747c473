#pragma once
// One muscle examined at several needle sites (insertions or depths, a record each), read as the
// examiner reads it: MUPs collected over the sites until there are enough for a mean (Stålberg et
// al. 1995: 20 MUPs per muscle from several sites), the other evidence weighed over the sites.
// Each site keeps its own analysis and reading; this is the muscle's. Rules: docs/needle-emg.md.

#include <emg/needle/needle_analysis.h>

#include <span>
#include <string>
#include <vector>

namespace emg::needle {

struct MuscleOverSites {
    std::size_t sites = 0;
    /// Sites whose sorted units were a fair sample (unitsFairSample); only theirs are pooled.
    std::size_t sitesUnitsPooled = 0;
    SortResult units;           ///< the pooled units (ids renumbered site by site: 1000 x site + id)
    std::vector<std::size_t> unitSite;   ///< each pooled unit's site (index into the sites given)
    MuscleSummary summary;      ///< over the pooled units with a measured shape
    MultiMupResult multiMup;    ///< every site's multi-MUP MUPs (different sites: different MUPs)
    SpontaneousResult spontaneous;   ///< every site's potentials and trains; grade the highest
    double restSec = 0.0, effortSec = 0.0;
    /// The recruitment and the interference pattern as `reading` weighed them over the sites
    /// (Unknown / Insufficient when no site counted them): for views and study tests that take
    /// these readings rather than evidence.
    RecruitmentReading recruitment = RecruitmentReading::Unknown;
    InterferenceReading interference = InterferenceReading::Insufficient;
    MuscleReading reading;
    std::vector<std::string> notes;
};

/// The muscle read from `sites` (analyses of the same muscle with the same options, `c` being
/// their reading criteria):
/// - motor units: the units of every site whose sample was fair, summarized together against the
///   muscle's reference (the limit for their number; the few-units rule when fewer than c.minUnits);
///   the outlier rule over them and over the pooled multi-MUP MUPs;
/// - recruitment, interference, spectrum, largest potentials, turns/amplitude ratio, declared
///   effort: each site's piece as that site read it; a piece counts when it counted at one site at
///   least, and suggests what most of those sites suggest (a tie between normal and one direction:
///   that direction, half the sites show it; between the two directions: mixed);
/// - spontaneous activity: every site's rest together.
/// Throws std::invalid_argument for no sites, or sites read against different muscles' references.
MuscleOverSites readMuscleOverSites(std::span<const NeedleAnalysis> sites, const ReadingCriteria& c);

}  // namespace emg::needle
