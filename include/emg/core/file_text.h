#pragma once
// Text a file carries (annotations, header comments) as the rest of the workstation keeps it:
// UTF-8. EDF+ annotations are UTF-8 by the specification, but files from other systems write
// Latin-1 / Windows-1252 ("Übung", "nach Belastung"); a study, a JSON document or a report cannot
// hold those bytes as they are.

#include <string>
#include <string_view>

namespace emg {

/// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool isUtf8(std::string_view text) noexcept;

/// `text` itself when it is UTF-8; otherwise each byte read as Windows-1252 (Latin-1 with its
/// printable 0x80-0x9F characters; the five bytes that code page leaves undefined become U+FFFD)
/// and written as UTF-8. The file's bytes are not changed: this is for what is shown or stored.
std::string utf8FromFileText(std::string_view text);

}  // namespace emg
