#include <emg/io/insertion_annotation.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace emg::io {

namespace {
constexpr std::string_view kInsertion = "Insertion ";
}

std::string insertionAnnotationText(std::size_t insertion, const std::string& phase) {
    return std::string(kInsertion) + std::to_string(insertion) + ": " + phase;
}

std::optional<std::size_t> insertionOfAnnotation(const std::string& text) {
    if (text.rfind(kInsertion, 0) != 0) return std::nullopt;
    const auto colon = text.find(':', kInsertion.size());
    const std::string number = text.substr(kInsertion.size(), colon == std::string::npos ? std::string::npos : colon - kInsertion.size());
    if (number.empty() || number.size() > 6 || !std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
        return std::nullopt;
    return static_cast<std::size_t>(std::stoul(number));
}

}  // namespace emg::io
