#pragma once
// `emgws-cli analyze --test needle SITE1 SITE2 ...`: the records of one muscle's needle sites, each
// analysed as a file of its own (analyzeNeedle adds its analysis here), then the muscle read over
// them (emg::needle::readMuscleOverSites).

#include <emg/needle/needle_analysis.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace emg::cli {

struct NeedleSites {
    std::vector<emg::needle::NeedleAnalysis> analyses;
    std::vector<std::string> files;              ///< each analysis's file
    emg::needle::ReadingCriteria criteria;       ///< as the analyses were read (the same options for every site)
};

/// The muscle over the sites collected, as JSON ("muscleOverSites").
nlohmann::json muscleOverSitesJson(const NeedleSites& sites);

}  // namespace emg::cli
