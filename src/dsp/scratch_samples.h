#pragma once
// An unnamed scratch file of doubles (O_TMPFILE in $TMPDIR or /tmp, else a mkostemp name unlinked
// at once): where a long channel's filtered samples go between the passes of a streamed NCS
// chain, so they are on disk (the page cache), not in the process's memory. Nothing is left on
// disk: the file has no name and is gone when closed. Every read and write is checked; a failure
// throws std::runtime_error with one line naming the folder and the reason.
#include <cstddef>
#include <span>
#include <string>

namespace emg::dsp::detail {

class ScratchSamples {
public:
    ScratchSamples();
    ~ScratchSamples();
    ScratchSamples(const ScratchSamples&) = delete;
    ScratchSamples& operator=(const ScratchSamples&) = delete;

    void write(std::size_t from, std::span<const double> values);
    void read(std::size_t from, std::span<double> out) const;

private:
    int fd_ = -1;
    std::string folder_;
};

}  // namespace emg::dsp::detail
