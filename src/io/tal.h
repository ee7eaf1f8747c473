#pragma once
// EDF+ Time-stamped Annotation Lists (TAL):
//   +Onset[\x15Duration]\x14[Text\x14]...\x00
// The first TAL of every data record is the time-keeping TAL ("+<record start>\x14\x14\x00").

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace emg::io::detail {

struct Tal {
    double onsetSec = 0.0;
    double durationSec = 0.0;
    std::vector<std::string> texts;   ///< may contain an empty first text (time-keeping)
};

/// Parse the TALs of one record's annotation bytes. Malformed TALs are skipped with a warning
/// appended to `warnings` (the rest of the record is ignored then).
std::vector<Tal> parseTals(const std::uint8_t* data, std::size_t size, std::vector<std::string>& warnings);

/// Append one TAL (texts may be empty: then only the onset, as in a time-keeping TAL).
void appendTal(std::string& out, double onsetSec, double durationSec, const std::vector<std::string>& texts);
/// The time-keeping TAL that starts every record.
void appendTimeKeepingTal(std::string& out, double recordOnsetSec);

}  // namespace emg::io::detail
