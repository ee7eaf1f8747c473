#pragma once
// What the lines before the numbers of an ASCII signal file say, as other programs write them:
// which character separates the columns and which marks decimals ("0,5;12,25" is two numbers in a
// semicolon file), the columns' names and units ("time_s,emg_uV", "Time [s]\tEMG (mV)"; LabChart's
// "ChannelTitle=" / "UnitName=" lines), and a stated sample rate ("Interval= 0.0001 s",
// "Sampling rate: 10 kHz"). Nothing here is guessed from the samples but the dialect of the first
// data line. Private to emg_io (raw_signal.cpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emg::io::detail {

/// How a file's rows are cut into numbers.
struct AsciiDialect {
    bool decimalComma = false;   ///< ',' is the decimal mark (then it never separates columns)
};

/// Whether `c` separates two numbers of a row in `d`.
bool isAsciiSeparator(char c, AsciiDialect d) noexcept;

/// The fields of one row as `d` cuts them (empty fields dropped), surrounding quotes removed.
std::vector<std::string> asciiFields(std::string_view line, AsciiDialect d);

/// A number as the file writes it (a leading '+', a decimal comma in `d`); nullopt otherwise.
std::optional<double> asciiNumber(std::string_view field, AsciiDialect d);

/// The lines before the first row of numbers, and the dialect that row is written in: read from
/// the file's first 64 KiB (a first row longer than that is judged by its beginning); comment
/// lines ('#', '%') apart, without their mark. Empty and the default dialect when no row of
/// numbers begins there (the caller's reader then says so).
struct AsciiPreamble {
    std::vector<std::string> lines;      ///< header lines, not comments
    std::vector<std::string> comments;
    AsciiDialect dialect;
};
AsciiPreamble readAsciiPreamble(std::string_view head);

/// One column's heading: "EMG (mV)" -> name "EMG", unit "mV", 1000 µV per unit.
struct ColumnHeading {
    std::string name;                 ///< the heading without its unit, trimmed (may be empty)
    std::string unit;                 ///< as written ("mV", "µV", "s"); empty when none is recognised
    std::optional<double> uvPerUnit;  ///< a voltage unit's size in µV
    std::optional<double> secondsPerUnit;   ///< a time unit's size in s
    bool timeLike = false;            ///< "time", "t", "Time [s]", "timestamp"
    bool indexLike = false;           ///< "sample", "index", "n", "#"
    std::string otherUnit;            ///< a stated unit that is neither a voltage nor a time ("N")
};
ColumnHeading parseColumnHeading(std::string_view field);

/// The column headings the preamble gives for `columns` columns: LabChart's "ChannelTitle=" and
/// "UnitName=" lines (their fields name the data columns; one fewer than `columns` when the first
/// column is LabChart's time), else the last header line with exactly `columns` fields that are not
/// all numbers (for one column: the line just before the numbers, when it is short and no
/// "key: value"). Comments name no column. Empty when none. A LabChart unit that is not a voltage
/// ("N", "%") is kept as the column's `otherUnit`.
std::vector<ColumnHeading> columnHeadings(const AsciiPreamble& p, std::size_t columns);

/// A sample rate the preamble states: LabChart's "Interval=" (s, ms or µs), or a line naming a
/// sampling rate or frequency ("Sampling rate: 10 kHz", "fs = 4000", "SampleRate=48000 Hz"), in a
/// header line or a comment.
/// `what` is set to the line it came from.
std::optional<double> declaredRateHz(const AsciiPreamble& p, std::string* what = nullptr);

}  // namespace emg::io::detail
