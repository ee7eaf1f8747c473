#include <emg/study/test_text.h>

#include <emg/core/file_text.h>

#include <type_traits>
#include <variant>

namespace emg::study {

namespace {
void utf8(std::string& s) {
    if (!isUtf8(s)) s = utf8FromFileText(s);
}
void utf8(std::vector<Measurement>& ms) {
    for (auto& m : ms) {
        utf8(m.method);
        utf8(m.placedBy);
    }
}
}  // namespace

void textAsUtf8(Test& test) {
    auto& c = common(test);
    utf8(c.id);
    utf8(c.note);
    utf8(c.raw.channel);
    utf8(c.measurements);
    std::visit(
        [](auto& t) {
            using T = std::decay_t<decltype(t)>;
            if constexpr (std::is_same_v<T, NeedleEmg>) {
                utf8(t.muscle);
            } else {
                utf8(t.nerve);
                utf8(t.recordingSite);
                if constexpr (std::is_same_v<T, MotorNcs> || std::is_same_v<T, SensoryNcs>)
                    for (auto& site : t.sites) {
                        utf8(site.name);
                        utf8(site.measurements);
                    }
                if constexpr (std::is_same_v<T, FWave> || std::is_same_v<T, HReflex>) utf8(t.stimSite);
                if constexpr (std::is_same_v<T, Rns>) utf8(t.condition);
            }
        },
        test);
}

}  // namespace emg::study
