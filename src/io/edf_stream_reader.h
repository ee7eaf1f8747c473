#pragma once
// EDF/BDF data records read from disk a few at a time (bounded memory whatever the file's
// size): the header is parsed and checked as parseEdfHeader does, the record count is settled
// the way parseEdf settles it (-1, a truncated last record, trailing bytes), then records are
// handed out in order.
#include "edf_header.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emg::io::detail {

class EdfStreamReader {
public:
    /// Opens and parses; throws FormatError naming the file.
    explicit EdfStreamReader(const std::filesystem::path& path);
    ~EdfStreamReader();
    EdfStreamReader(const EdfStreamReader&) = delete;
    EdfStreamReader& operator=(const EdfStreamReader&) = delete;

    const EdfHeader& header() const noexcept { return header_; }
    /// The header bytes exactly as in the file (256 * (ns + 1)).
    const std::string& rawHeader() const noexcept { return raw_; }
    /// Whole records that will be read.
    std::int64_t records() const noexcept { return records_; }
    std::size_t recordBytes() const noexcept { return recordBytes_; }
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }

    /// Reads the next min(count, records left) records into `out` (count * recordBytes() bytes of
    /// room); returns how many. Throws FormatError when the file ends early or cannot be read.
    std::size_t readRecords(std::uint8_t* out, std::size_t count);

private:
    std::string name_;
    int fd_ = -1;
    EdfHeader header_;
    std::string raw_;
    std::int64_t records_ = 0;
    std::int64_t next_ = 0;
    std::size_t recordBytes_ = 0;
    std::vector<std::string> warnings_;
};

}  // namespace emg::io::detail
