#pragma once
// Fixed-width ASCII header fields of EDF/BDF: parsing (liberal: spaces, comma decimals) and
// formatting (exact: padded, printable ASCII, numbers that fit 8 characters).

#include <cstddef>
#include <string>
#include <string_view>

namespace emg::io::detail {

std::string_view trimSpaces(std::string_view s) noexcept;
/// Printable US-ASCII only (32..126); µ becomes 'u', other bytes '_'.
std::string asciiOnly(std::string_view s);
/// Left-justified, space-padded, cut to `width`, ASCII only.
std::string fixedField(std::string_view s, std::size_t width);

/// A number field; throws FormatError("<context>: <what> '<text>' is not a number").
double parseNumberField(std::string_view field, const char* what, const std::string& context);
/// An integer field (no fraction allowed except ".0").
long long parseIntegerField(std::string_view field, const char* what, const std::string& context);

enum class Rounding { Nearest, Down, Up };
/// The most precise decimal text of at most `width` characters for `value`, rounded as asked
/// (Down: result <= value, Up: result >= value). Throws FormatError if the magnitude cannot fit.
std::string formatFixedWidth(double value, std::size_t width, Rounding rounding);

/// TAL time: "+12.3456789" / "-0.5", sign always present, no trailing zeros.
std::string formatTalSeconds(double seconds);

}  // namespace emg::io::detail
