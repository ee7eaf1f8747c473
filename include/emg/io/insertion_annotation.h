#pragma once
// The annotation of a needle insertion's phase in a file that keeps several insertions at one muscle
// as the segments of an EDF+D/BDF+D ("Insertion 2: Weak effort"), as the bedside run writes it and the
// report reads it back to name each segment's templates.

#include <optional>
#include <string>

namespace emg::io {

/// "Insertion <n>: <phase>" (n from 1).
std::string insertionAnnotationText(std::size_t insertion, const std::string& phase);

/// The insertion an annotation names ("Insertion 2: Rest" -> 2), or none when it names none.
std::optional<std::size_t> insertionOfAnnotation(const std::string& text);

}  // namespace emg::io
