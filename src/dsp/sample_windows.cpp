#include <emg/dsp/sample_windows.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace emg::dsp {

SampleWindows::SampleWindows(std::size_t samples, std::vector<Part> parts) : samples_(samples), parts_(std::move(parts)) {
    for (std::size_t k = 0; k < parts_.size(); ++k) {
        const auto& p = parts_[k];
        if (p.from + p.uv.size() > samples_ || (k > 0 && parts_[k - 1].from + parts_[k - 1].uv.size() > p.from))
            throw std::logic_error("sample windows: parts out of order or past the signal's end");
    }
}

const SampleWindows::Part* SampleWindows::partHolding(std::size_t i) const noexcept {
    auto it = std::upper_bound(parts_.begin(), parts_.end(), i, [](std::size_t v, const Part& p) { return v < p.from; });
    if (it == parts_.begin()) return nullptr;
    --it;
    return i < it->from + it->uv.size() ? &*it : nullptr;
}

SampleWindows::Part* SampleWindows::partHolding(std::size_t i) noexcept {
    return const_cast<Part*>(static_cast<const SampleWindows*>(this)->partHolding(i));
}

void SampleWindows::read(std::size_t from, std::span<double> out) const {
    if (out.empty()) return;
    const Part* p = partHolding(from);
    if (!p || from + out.size() > p->from + p->uv.size())
        throw std::logic_error("sample windows: samples " + std::to_string(from) + " to " + std::to_string(from + out.size()) +
                               " were not kept (only those around the stimuli are)");
    const auto first = p->uv.begin() + static_cast<std::ptrdiff_t>(from - p->from);
    std::copy(first, first + static_cast<std::ptrdiff_t>(out.size()), out.begin());
}

std::size_t SampleWindows::heldSamples() const noexcept {
    std::size_t n = 0;
    for (const auto& p : parts_) n += p.uv.size();
    return n;
}

}  // namespace emg::dsp
