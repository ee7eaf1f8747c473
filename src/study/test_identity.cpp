// The upsert rule of a study (emg/study/test_identity.h).
#include <emg/study/test_identity.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <variant>

namespace emg::study {

namespace {

std::string conditionOf(const Test& t) {
    const auto* r = std::get_if<Rns>(&t);
    return r ? r->condition : std::string();
}

}  // namespace

std::string identityText(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    std::string out(s.substr(first, last - first + 1));
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool sameTest(const Test& a, const Test& b) {
    return kindOf(a) == kindOf(b) && common(a).side == common(b).side && identityText(subjectOf(a)) == identityText(subjectOf(b)) &&
           identityText(recordingSiteOf(a)) == identityText(recordingSiteOf(b)) &&
           identityText(conditionOf(a)) == identityText(conditionOf(b));
}

Test* findSameTest(Study& study, const Test& probe) {
    for (auto& t : study.tests)
        if (sameTest(t, probe)) return &t;
    return nullptr;
}

UpsertResult upsertTest(Study& study, Test test) {
    if (identityText(subjectOf(test)).empty())
        throw std::invalid_argument(kindOf(test) == TestKind::Needle ? "name the muscle" : "name the nerve");
    if (Test* existing = findSameTest(study, test)) {
        common(test).id = common(*existing).id;
        *existing = std::move(test);
        return {common(*existing).id, true, static_cast<std::size_t>(existing - study.tests.data())};
    }
    study.tests.push_back(std::move(test));
    return {common(study.tests.back()).id, false, study.tests.size() - 1};
}

}  // namespace emg::study
