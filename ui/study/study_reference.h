#pragma once
// The reference data the Study tab needs, loaded once from resources/: protocols (for the New
// study form and the done / to-do list), the normative table (flags) and the myotome map
// (localization). A missing or broken resource is kept as a message, never thrown at the GUI.

#include <emg/study/myotomes.h>
#include <emg/study/normative.h>
#include <emg/study/protocol.h>

#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

namespace emg::ui {

struct StudyReference {
    std::vector<study::Protocol> protocols;
    std::optional<study::NormativeTable> norms;
    std::optional<study::MyotomeMap> myotomes;
    QStringList problems;   ///< one line per resource that could not be loaded

    static StudyReference loadDefault();
    const study::Protocol* protocol(const std::string& id) const;
};

}  // namespace emg::ui
