#include "stimulator_keys.h"

#include "keymap.h"

#include <QObject>

namespace emg::ui {

void declareStimulatorKeys(Keymap& keymap) {
    auto k = [](const char* text) { return QKeySequence(QString::fromLatin1(text), QKeySequence::PortableText); };
    const QString w = QString::fromLatin1(kWindowKeyContext);
    keymap.declare({stim_keys::kStimulate, w, {k("F5")}, QObject::tr("Stimulate (footswitch)")});
    keymap.declare({stim_keys::kIntensityUp1, w, {k("Ctrl+Up")}, QObject::tr("Intensity +1 mA")});
    keymap.declare({stim_keys::kIntensityDown1, w, {k("Ctrl+Down")}, QObject::tr("Intensity −1 mA")});
    keymap.declare({stim_keys::kIntensityUp5, w, {k("Ctrl+Shift+Up")}, QObject::tr("Intensity +5 mA")});
    keymap.declare({stim_keys::kIntensityDown5, w, {k("Ctrl+Shift+Down")}, QObject::tr("Intensity −5 mA")});
    keymap.declare({stim_keys::kWidthLonger, w, {k("Alt+Up")}, QObject::tr("Pulse width +0.05 ms")});
    keymap.declare({stim_keys::kWidthShorter, w, {k("Alt+Down")}, QObject::tr("Pulse width −0.05 ms")});
}

}  // namespace emg::ui
