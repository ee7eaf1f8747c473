#include "study_reference.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace emg::ui {

namespace {

template <typename F>
void loadInto(const char* what, QStringList& problems, F&& load) {
    try {
        load();
    } catch (const std::exception& e) {
        spdlog::error("study tab: cannot load {}: {}", what, e.what());
        problems << QStringLiteral("Cannot load %1: %2").arg(QString::fromLatin1(what), QString::fromStdString(e.what()));
    }
}

}  // namespace

StudyReference StudyReference::loadDefault() {
    StudyReference r;
    const auto& installed = study::installedProtocols();   // the one protocol loader
    r.protocols = installed.protocols;
    if (!installed.error.empty())
        r.problems << QStringLiteral("Cannot load protocols: %1").arg(QString::fromStdString(installed.error));
    loadInto("normative values", r.problems, [&] { r.norms = study::NormativeTable::loadDefault(); });
    loadInto("myotome map", r.problems, [&] { r.myotomes = study::MyotomeMap::loadDefault(); });
    return r;
}

const study::Protocol* StudyReference::protocol(const std::string& id) const {
    for (const auto& p : protocols)
        if (p.id == id) return &p;
    return nullptr;
}

}  // namespace emg::ui
