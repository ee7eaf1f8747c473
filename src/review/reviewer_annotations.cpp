#include <emg/review/reviewer_annotations.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <stdexcept>

namespace emg::review {

void validateReviewerAnnotation(const ReviewerAnnotation& a) {
    if (a.recordingSha256.size() != 64
        || !std::all_of(a.recordingSha256.begin(), a.recordingSha256.end(),
                        [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
        throw std::invalid_argument("annotation: the recording's SHA-256 must be 64 lower-case hex digits");
    if (a.text.empty()) throw std::invalid_argument("annotation: the text is empty");
    if (!std::isfinite(a.onsetSec) || a.onsetSec < 0.0)
        throw std::invalid_argument("annotation: the onset must be a time >= 0 s");
    if (!std::isfinite(a.durationSec) || a.durationSec < 0.0)
        throw std::invalid_argument("annotation: the duration must be >= 0 s");
}

std::string utcNowIso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::vector<ReviewerAnnotation> InMemoryReviewerAnnotations::annotations(const std::string& recordingSha256) {
    std::vector<ReviewerAnnotation> out;
    for (const auto& [id, a] : byId_)
        if (a.recordingSha256 == recordingSha256) out.push_back(a);
    std::stable_sort(out.begin(), out.end(), [](const ReviewerAnnotation& x, const ReviewerAnnotation& y) {
        return x.onsetSec != y.onsetSec ? x.onsetSec < y.onsetSec : x.id < y.id;
    });
    return out;
}

ReviewerAnnotation InMemoryReviewerAnnotations::add(ReviewerAnnotation a) {
    validateReviewerAnnotation(a);
    a.id = nextId_++;
    if (a.createdUtc.empty()) a.createdUtc = utcNowIso8601();
    byId_[a.id] = a;
    return a;
}

bool InMemoryReviewerAnnotations::remove(std::int64_t id, const std::string& /*by*/) {
    return byId_.erase(id) > 0;
}

}  // namespace emg::review
