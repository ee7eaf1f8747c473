#pragma once
// Myotome map: each muscle's peripheral nerve, roots (major/minor) and plexus element; sensory
// nerves with their roots; site-specific nerve lesion patterns. Loaded from resources/myotomes.json.

#include <emg/study/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace emg::study {

enum class RootWeight { Minor, Major };

struct MuscleInfo {
    std::string name;
    std::string nerve;        ///< main peripheral nerve (median, radial, peroneal, tibial, sciatic, ...)
    std::string branch;       ///< e.g. "deep peroneal", "posterior interosseous"
    std::string region;       ///< upper / lower
    std::string plexus;       ///< plexus element, e.g. "upper trunk, posterior cord"
    bool paraspinal = false;
    bool distal = false;
    std::map<std::string, RootWeight> roots;
    std::string source;
};

struct SensoryNerveInfo {
    std::string nerve;
    std::string recordingSite;
    std::string region;
    std::string parentNerve;
    std::vector<std::string> roots;
    std::string source;
};

struct NerveLesionPattern {
    std::string label;                 ///< e.g. "peroneal neuropathy at the fibular head"
    std::string nerve;
    std::vector<std::string> muscles;  ///< expected abnormal (distal to the lesion)
    std::vector<std::string> sensory;  ///< SNAPs expected abnormal
    std::vector<std::string> spares;   ///< muscles that must be normal for this site
    std::string source;
};

struct ScreeningSet {
    std::string id, region, source, note;
    std::vector<std::string> muscles;
};

class MyotomeMap {
public:
    static MyotomeMap load(const std::filesystem::path& file);   ///< throws FormatError
    static MyotomeMap loadDefault();                            ///< resourceDir()/myotomes.json

    const MuscleInfo* muscle(const std::string& name) const;
    const SensoryNerveInfo* sensoryNerve(const std::string& nerve) const;
    const std::vector<MuscleInfo>& muscles() const noexcept { return muscles_; }
    const std::vector<SensoryNerveInfo>& sensoryNerves() const noexcept { return sensory_; }
    const std::vector<NerveLesionPattern>& nerveLesions() const noexcept { return lesions_; }
    const std::vector<ScreeningSet>& screeningSets() const noexcept { return screening_; }
    const std::vector<std::string>& localizableRoots() const noexcept { return localizableRoots_; }
    std::string plexusFor(const std::string& root) const;
    /// Muscles supplied by a root (root -> muscles view), major ones first.
    std::vector<std::string> musclesOfRoot(const std::string& root) const;
    const std::map<std::string, std::string>& sources() const noexcept { return sources_; }

private:
    std::vector<MuscleInfo> muscles_;
    std::vector<SensoryNerveInfo> sensory_;
    std::vector<NerveLesionPattern> lesions_;
    std::vector<ScreeningSet> screening_;
    std::vector<std::string> localizableRoots_;
    std::map<std::string, std::string> plexusByRoot_;
    std::map<std::string, std::string> sources_;
};

}  // namespace emg::study
