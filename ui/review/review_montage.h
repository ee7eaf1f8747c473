#pragma once
// What the review view shows, row by row: a recorded channel, or a bipolar derivation A−B of
// two channels of the same sample rate, each row with its own sensitivity.

#include <emg/review/review_types.h>

#include <QString>

#include <cstddef>
#include <vector>

namespace emg::ui {

struct ReviewRow {
    std::size_t a = 0;                 ///< channel index (PagedEdfReader::channels())
    int b = -1;                        ///< subtracted channel for A−B; -1: the channel alone
    double uvPerDiv = 100.0;
    [[nodiscard]] bool bipolar() const noexcept { return b >= 0; }
};

/// A channel's label without the EDF+ signal type in front ("EMG APB" -> "APB").
QString shortChannelLabel(const std::string& label);

/// "APB" or "APB−ADM".
QString rowLabel(const ReviewRow& row, const std::vector<review::ChannelInfo>& channels);

/// Every channel, one row each, at `uvPerDiv`.
std::vector<ReviewRow> defaultMontage(const std::vector<review::ChannelInfo>& channels, double uvPerDiv);

/// Checks a derivation A−B (throws std::invalid_argument: an unknown channel, A = B, or two sample
/// rates).
void checkBipolar(std::size_t a, std::size_t b, const std::vector<review::ChannelInfo>& channels);

/// The channels the rows read (sorted, unique).
std::vector<std::size_t> channelsOf(const std::vector<ReviewRow>& rows);

}  // namespace emg::ui
