#include "review_montage.h"

#include <QStringList>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace emg::ui {

QString shortChannelLabel(const std::string& label) {
    // EDF+ labels start with the signal type ("EMG APB"): the row shows the site
    static const QStringList types{"EEG", "ECG", "EOG", "ERG", "EMG", "MEG", "MCG", "EP", "NC"};
    QString text = QString::fromStdString(label).simplified();
    const int space = text.indexOf(QLatin1Char(' '));
    if (space > 0 && space + 1 < text.size() && types.contains(text.left(space), Qt::CaseInsensitive))
        text = text.mid(space + 1);
    return text;
}

QString rowLabel(const ReviewRow& row, const std::vector<review::ChannelInfo>& channels) {
    auto name = [&](std::size_t c) {
        return c < channels.size() ? shortChannelLabel(channels[c].label) : QStringLiteral("?");
    };
    if (!row.bipolar()) return name(row.a);
    return name(row.a) + QChar(0x2212) + name(static_cast<std::size_t>(row.b));
}

std::vector<ReviewRow> defaultMontage(const std::vector<review::ChannelInfo>& channels, double uvPerDiv) {
    std::vector<ReviewRow> rows;
    for (std::size_t c = 0; c < channels.size(); ++c) rows.push_back({c, -1, uvPerDiv});
    return rows;
}

void checkBipolar(std::size_t a, std::size_t b, const std::vector<review::ChannelInfo>& channels) {
    if (a >= channels.size() || b >= channels.size())
        throw std::invalid_argument("no such channel for a derivation");
    if (a == b) throw std::invalid_argument("a derivation needs two different channels");
    if (channels[a].sampleRateHz != channels[b].sampleRateHz)
        throw std::invalid_argument(channels[a].label + " and " + channels[b].label +
                                    " have different sample rates: no A-B derivation");
}

std::vector<std::size_t> channelsOf(const std::vector<ReviewRow>& rows) {
    std::vector<std::size_t> out;
    for (const auto& r : rows) {
        out.push_back(r.a);
        if (r.bipolar()) out.push_back(static_cast<std::size_t>(r.b));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace emg::ui
