#pragma once
// Our motor-unit decomposition against an expert's (or a simulator's): the expert's firings read
// from a CSV file (`time_s,unit`, one firing per row) or an EMGlab annotation file (`.eaf`) and
// compared unit by unit. Each expert unit
// is paired with the sorted unit sharing most of its firings; each pair's constant lag (the two
// may mark a potential at different points, e.g. onset vs main peak) is removed before firings are
// matched one to one within +-0.5 ms. Qt-free. Definitions: docs/needle-emg.md.

#include <emg/needle/needle_types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emg::needle {

/// A malformed decomposition file; the message names the file and the line.
class DecompositionFormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One unit of an expert decomposition.
struct ExpertUnit {
    std::string id;                       ///< as in the file; integer ids canonical ("03", "3.0" -> "3")
    std::vector<double> firingTimesSec;   ///< sorted
};

/// Parse a decomposition CSV: one firing per row, a time in seconds and a unit id. Liberal:
/// - a header row is optional; with one, the columns are found by name (time: "time_s", "time",
///   "t", "seconds", ...; "time_ms" or "(ms)" are milliseconds; unit: "unit", "unit_id", "mu",
///   "motor_unit", "cluster", "id", ...), other columns are ignored;
/// - without a header, two fields per row: time then unit, unless the first row says otherwise
///   (a non-numeric field is the unit; of two numbers, an integer beside a fraction is the unit);
/// - separators ',', ';', tab or runs of spaces (the first data line decides); with ';' or tab a
///   decimal comma is accepted; LF, CRLF or CR line ends; blank lines and '#' comment lines;
///   fields may be quoted; a UTF-8 byte-order mark is skipped.
/// Units are listed in the order they first appear. Throws DecompositionFormatError naming the
/// line for a bad row (time not a number, negative or not finite, unit missing) and for a file
/// without firings.
std::vector<ExpertUnit> parseDecompositionCsv(std::string_view text, const std::string& context = "<decomposition>");

/// Parse an EMGlab annotation file (`.eaf`, McGill et al. 2005: the format of the EMGLAB data sets'
/// expert decompositions): XML whose `<emglab_spike_events>` element holds one firing per row, in the
/// column order `<emglab_spike_header>` names (`<time>` in seconds, `<unit>`, `<chan>`, others
/// ignored; time unit chan when the header is missing). Liberal: any line ends, XML comments, tags
/// in any case, rows split over lines (the fields are read in the header's count). The same firing
/// written once per channel of a multichannel record is kept once (same unit within 0.05 ms);
/// `channelsSeen` (optional) receives the channel numbers the file names. Throws
/// DecompositionFormatError naming the firing for a bad field and for a file without firings.
std::vector<ExpertUnit> parseEmglabAnnotation(std::string_view text, const std::string& context = "<decomposition>",
                                              std::vector<std::string>* channelsSeen = nullptr);

/// Whether `text` is an EMGlab annotation file rather than a CSV (it holds `<emglab_spike_events`).
bool looksLikeEmglabAnnotation(std::string_view text);

/// Parse either kind of decomposition file: an EMGlab annotation or a CSV, told from the content.
std::vector<ExpertUnit> parseDecomposition(std::string_view text, const std::string& context = "<decomposition>");

/// Read and parse a decomposition file, CSV or EMGlab annotation (at most 64 MiB). Throws
/// DecompositionFormatError.
std::vector<ExpertUnit> readDecompositionFile(const std::filesystem::path& path);

struct DecompositionCompareOptions {
    double matchWindowMs = 0.5;     ///< a firing matches within +-this after the pair's lag
    double lagSearchMs = 5.0;       ///< lags tried: -this .. +this ...
    double lagStepMs = 0.05;        ///< ... in steps of this
    double foundMinSensitivity = 0.5;   ///< an expert unit is "found" with both at least these
    double foundMinPpv = 0.5;
    /// Time spans our decomposition analysed ([start, end) in s); expert firings outside are left
    /// out of the comparison (and counted). Empty = all firings compared.
    std::vector<std::pair<double, double>> analysedSpansSec;
};

/// One expert unit and its partner among our units.
struct ExpertUnitComparison {
    std::string expertId;
    std::size_t expertFirings = 0;        ///< inside the analysed spans
    std::optional<int> ourUnitId;         ///< the partner, none when no sorted unit shares a firing
    std::size_t ourFirings = 0;
    double lagMs = 0.0;                   ///< our time - expert time, median over the matched firings
    std::size_t matchedFirings = 0;
    double sensitivity = 0.0;             ///< matched / expert firings
    double ppv = 0.0;                     ///< matched / our unit's firings (0 without partner)
    bool found = false;                   ///< sensitivity and PPV both reach the options' minimum
};

struct DecompositionComparison {
    std::vector<ExpertUnitComparison> expertUnits;   ///< in the expert file's order
    std::vector<int> ourUnitsWithoutPartner;         ///< ids of our units paired with no expert unit
    std::size_t expertUnitsCompared = 0;             ///< expert units with firings in the analysed spans
    std::size_t unitsFound = 0;                      ///< expert units found
    std::size_t expertFiringsOutsideSpans = 0;       ///< left out (outside the analysed spans)
    double medianSensitivity = 0.0;                  ///< over the expert units with firings in the spans
    double medianPpv = 0.0;                          ///< over the same units (0 for those without partner)
};

/// Number of one-to-one matches between sorted `expertSec` shifted by `lagSec` and sorted
/// `ourSec` within +-windowSec, greedy in time order; `pairs` (optional) receives the index pairs.
std::size_t countMatchedFirings(const std::vector<double>& expertSec, const std::vector<double>& ourSec, double lagSec,
                                double windowSec, std::vector<std::pair<std::size_t, std::size_t>>* pairs = nullptr);

/// The constant lag (s, our - expert) that matches most firings: the grid -lagSearch..+lagSearch
/// in lagStep steps, refined to the median difference of the firings matched at the best grid lag.
double estimateFiringLagSec(const std::vector<double>& expertSec, const std::vector<double>& ourSec,
                            const DecompositionCompareOptions& o = {});

/// Pair expert units with ours (greedy on the number of matched firings, each unit used once),
/// then score each pair. Throws std::invalid_argument on a non-positive window or step.
DecompositionComparison compareDecompositions(const std::vector<ExpertUnit>& expert, const std::vector<MotorUnit>& ours,
                                              const DecompositionCompareOptions& o = {});

}  // namespace emg::needle
