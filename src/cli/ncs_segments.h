#pragma once
// Nerve segments (two stimulation sites along one nerve, motor or sensory): latency difference, amplitude and
// area drop, and the conduction velocity with its uncertainty, as JSON. Used for the sites of one
// recording and for sites measured in separate contiguous segments of an EDF+D file (the EDF+
// specification's layout: one data record per stimulation site).

#include <emg/dsp/conduction_velocity_se.h>
#include <emg/dsp/ncs_measures.h>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace emg::cli {

/// What a segment needs of one stimulation site's response.
struct SegmentSite {
    std::string site;
    bool found = false;
    bool onsetUncertain = false;
    emg::dsp::ResponseMeasures measures;
    double onsetSeMs = 0.0;                    ///< 0: not known
    std::optional<double> statedDistanceMm;    ///< stimulus to recording electrode, as the annotations (or --distance SITE=MM) state it
    std::string distanceSource = "annotation"; ///< where statedDistanceMm came from: "annotation" or "--distance"
};

/// The segments between consecutive sites (and between any two that --distance names as a pair):
/// the JSON array `segments` of `analyze --test motor` (and of a sensory study stimulated at two or
/// more sites along the nerve, `sensory`: no conduction-block or dispersion judgement, which rests
/// on CMAP criteria; a SNAP's amplitude falls with distance by phase cancellation). A segment's
/// length is --distance A-B=MM, else the difference of the two sites' distances to the recording
/// electrode.
nlohmann::json nerveSegmentsJson(const std::vector<SegmentSite>& sites, const std::map<std::string, double>& distancesMm,
                                 double sampleRateHz, bool sensory = false);

/// The distance --distance gives a pair of sites ("a-b" or "b-a", case-insensitive).
std::optional<double> pairDistanceMm(const std::map<std::string, double>& distancesMm, const std::string& a, const std::string& b);

/// "velocity uncertain: its standard error ... gives a 95 % interval of +-X %, wider than +-5 %".
std::string velocityUncertainNote(const emg::dsp::VelocityUncertainty& u, const char* from);

/// The site as one `analyze` site's JSON gives it (keys site, found, onsetLatencyMs or
/// onsetLatencyEstimateMs, onsetUncertain, onsetSeMs, amplitudeUv, negativeAreaUvMs,
/// negativeDurationMs, stimulusDistanceMm; a sensory site's distanceMm and distanceSource).
SegmentSite segmentSiteFromJson(const nlohmann::json& site);

/// An EDF+D motor (or sensory) study whose stimulation sites lie in separate contiguous segments
/// (each analysed alone: `analyze`'s `contiguousSegments`): the sites of all segments in order and
/// the segments between them (nerveSegmentsJson), as the JSON object `acrossSegments`. nullopt when
/// fewer than two segments hold sites; only a `note` saying why they were not combined when the
/// segments were read as different tests (motor and sensory), measured different channels or
/// rates, or name a site in more than one segment (which to pair is then not known). The segments'
/// own "--distance A-B=MM: no such site or pair" warnings for pairs used here are removed from
/// `contiguousSegments`.
std::optional<nlohmann::json> acrossSegmentsJson(nlohmann::json& contiguousSegments, const std::map<std::string, double>& distancesMm);

}  // namespace emg::cli
