#include "acquisition_time.h"

#include "dicom_values.h"

#include <cstdio>

namespace emg::report::dicom {

namespace {

// Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil-date algorithm).
long long daysFromCivil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civilFromDays(long long z, long long& y, unsigned& m, unsigned& d) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

}  // namespace

std::optional<long long> isoToMicroseconds(const std::string& iso) {
    const auto parts = dicomDateTime(iso);
    if (parts.date.empty() || parts.time.empty()) return std::nullopt;
    const long long y = std::stoll(parts.date.substr(0, 4));
    const auto m = static_cast<unsigned>(std::stoi(parts.date.substr(4, 2)));
    const auto d = static_cast<unsigned>(std::stoi(parts.date.substr(6, 2)));
    const long long secs = daysFromCivil(y, m, d) * 86400 + std::stoll(parts.time.substr(0, 2)) * 3600 +
                           std::stoll(parts.time.substr(2, 2)) * 60 + std::stoll(parts.time.substr(4, 2));
    return secs * 1000000;
}

std::string dicomDateTimeOf(long long us) {
    long long secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        --secs;
    }
    long long days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    long long y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(days, y, m, d);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04lld%02u%02u%02lld%02lld%02lld.%06lld", y, m, d, rem / 3600, (rem / 60) % 60, rem % 60, frac);
    return buf;
}

}  // namespace emg::report::dicom
