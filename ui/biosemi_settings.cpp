#include "biosemi_settings.h"

#include <biosemi/biosemi_montage.h>

#include <QSettings>
#include <QStringList>

#include <algorithm>

namespace emg::ui {

namespace {
constexpr const char* kGroup = "biosemi/stimulator/";
QString key(const char* name) { return QString::fromLatin1(kGroup) + QString::fromLatin1(name); }
}  // namespace

ExternalStimulatorSettings loadExternalStimulator() {
    ExternalStimulatorSettings s;
    QSettings q;
    s.name = q.value(key("name"), QString::fromStdString(s.name)).toString().toStdString();
    s.model = q.value(key("model"), QString()).toString().toStdString();
    s.triggerBit = std::clamp(q.value(key("input"), 1).toInt(), 1, 16) - 1;
    s.edge = q.value(key("edge"), QStringLiteral("rising")).toString() == QLatin1String("falling") ? TriggerEdge::Falling
                                                                                                      : TriggerEdge::Rising;
    s.refractoryMs = std::max(0.0, q.value(key("refractoryMs"), s.refractoryMs).toDouble());
    return s;
}

void saveExternalStimulator(const ExternalStimulatorSettings& s) {
    QSettings q;
    q.setValue(key("name"), QString::fromStdString(s.name));
    q.setValue(key("model"), QString::fromStdString(s.model));
    q.setValue(key("input"), s.triggerBit + 1);
    q.setValue(key("edge"), QString::fromLatin1(toString(s.edge)));
    q.setValue(key("refractoryMs"), s.refractoryMs);
}

std::vector<std::string> loadBiosemiMontage() {
    const QStringList saved = QSettings().value(QStringLiteral("biosemi/montage")).toStringList();
    if (saved.isEmpty()) return biosemi::defaultMontage();
    std::vector<std::string> out;
    for (const auto& l : saved) out.push_back(l.toStdString());
    return out;
}

void saveBiosemiMontage(const std::vector<std::string>& labels) {
    QStringList list;
    for (const auto& l : labels) list << QString::fromStdString(l);
    QSettings().setValue(QStringLiteral("biosemi/montage"), list);
}

}  // namespace emg::ui
