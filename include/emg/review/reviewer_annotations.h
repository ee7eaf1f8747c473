#pragma once
// The reviewer's own annotations on a recording (issue 13). They never go into the raw file:
// they are kept apart (in the session store, linked to the recording by its SHA-256) and can be
// exported as an EDF+ copy with them added. This header is the seam between the review view
// (which only sees ReviewerAnnotationSource) and where the annotations are kept: an in-memory
// source for tests and sessions without a store, a store-backed one in the study library.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace emg::review {

struct ReviewerAnnotation {
    std::int64_t id = 0;              ///< assigned when added (0 before)
    std::string recordingSha256;      ///< lower-case hex of the raw file the time refers to
    double onsetSec = 0.0;            ///< from the recording's first data record
    double durationSec = 0.0;         ///< 0 for an instant
    std::string text;
    std::string author;               ///< the reviewer (typed name; the OS login when none typed)
    std::string createdUtc;           ///< ISO 8601 UTC, set when added
};

class ReviewerAnnotationSource {
public:
    virtual ~ReviewerAnnotationSource() = default;
    /// The annotations of one recording, ordered by onset then id.
    virtual std::vector<ReviewerAnnotation> annotations(const std::string& recordingSha256) = 0;
    /// Stores `a` (id and createdUtc are assigned; createdUtc kept when already set) and returns
    /// it as stored. Throws std::invalid_argument on an empty sha/text or a negative time.
    virtual ReviewerAnnotation add(ReviewerAnnotation a) = 0;
    /// Removes annotation `id`; `by` is who removed it (kept in the store's history where there is
    /// one). Returns false when no such annotation.
    virtual bool remove(std::int64_t id, const std::string& by) = 0;
};

/// Keeps the annotations in memory only (tests; a review without a store).
class InMemoryReviewerAnnotations final : public ReviewerAnnotationSource {
public:
    std::vector<ReviewerAnnotation> annotations(const std::string& recordingSha256) override;
    ReviewerAnnotation add(ReviewerAnnotation a) override;
    bool remove(std::int64_t id, const std::string& by) override;

private:
    std::int64_t nextId_ = 1;
    std::map<std::int64_t, ReviewerAnnotation> byId_;
};

/// Checks an annotation before it is kept (throws std::invalid_argument with the reason).
void validateReviewerAnnotation(const ReviewerAnnotation& a);

/// The current time as ISO 8601 UTC with seconds ("2026-12-02T07:40:12Z").
std::string utcNowIso8601();

}  // namespace emg::review
