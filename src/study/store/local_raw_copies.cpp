// useLocalRawCopies (session_store.h): a stored study's raw links pointed at this workstation's
// verified copies, for drawing it where it was not recorded.
#include <emg/study/session_store.h>

#include <spdlog/spdlog.h>

#include <map>

namespace emg::study {

int useLocalRawCopies(SessionStore& store, Study& study) {
    if (store.schemaVersion() < 6) return 0;
    int changed = 0;
    std::map<std::string, std::string> fetched;   // a file linked by several tests is verified once
    for (auto& t : study.tests) {
        auto& raw = common(t).raw;
        std::error_code ec;
        if (raw.empty() || raw.sha256.empty() || std::filesystem::is_regular_file(raw.path, ec)) continue;
        try {
            auto it = fetched.find(raw.sha256);
            if (it == fetched.end()) {
                if (!store.rawFile(raw.sha256)) continue;
                it = fetched.emplace(raw.sha256, store.fetchRawFile(raw.sha256).localPath.string()).first;
            }
            raw.path = it->second;
            ++changed;
        } catch (const std::exception& e) {
            spdlog::warn("study {}: the store's copy of {} could not be fetched: {}", study.id, raw.path, e.what());
        }
    }
    return changed;
}

}  // namespace emg::study
