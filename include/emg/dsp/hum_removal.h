#pragma once
// Mains hum removal for measurements. A notch filter run over a CMAP rings at 50/60 Hz with
// hundreds of µV (the response's own 50 Hz content), so for measurement the hum is instead
// fitted and subtracted: in blocks of `blockSec`, a least-squares fit of cos/sin at mainsHz and
// its harmonics plus a straight line, on the samples of the block +- half a block that lie
// outside every excluded interval (stimulus artifacts and responses), and only the sinusoids
// are subtracted. The notch filters (butterworth.h) remain for live display.

#include <cstddef>
#include <functional>
#include <span>
#include <utility>
#include <vector>

namespace emg::dsp {

struct HumFitResult {
    double mainsHz = 0.0;
    int harmonics = 0;
    double meanFundamentalUv = 0.0;   ///< mean fitted amplitude of the fundamental over the blocks
    std::size_t blocks = 0, blocksSkipped = 0;   ///< skipped: too few usable samples
};

/// Subtracts the fitted hum from `x` in place. `excluded` are [begin, end) sample intervals.
/// Throws std::invalid_argument for a bad rate, mains frequency or harmonic count.
HumFitResult subtractHum(std::vector<double>& x, double sampleRateHz, double mainsHz, int harmonics,
                         const std::vector<std::pair<std::size_t, std::size_t>>& excluded, double blockSec = 0.5);

/// Takes the hum off samples [start, end) of a signal not held whole: `humAt(i)` is the hum to
/// subtract from sample i (computed only for the samples asked).
using HumSubtractor = std::function<void(std::size_t start, std::size_t end, const std::function<double(std::size_t)>& humAt)>;
/// The same fit over `samples` samples read through `read(from, out)` (the originals, any range,
/// asked block by block in order), the hum handed to `take` instead of subtracted in place:
/// bit for bit the numbers of the vector version.
HumFitResult subtractHum(std::size_t samples, double sampleRateHz, double mainsHz, int harmonics,
                         const std::vector<std::pair<std::size_t, std::size_t>>& excluded,
                         const std::function<void(std::size_t from, std::span<double> out)>& read, const HumSubtractor& take,
                         double blockSec = 0.5);

}  // namespace emg::dsp
