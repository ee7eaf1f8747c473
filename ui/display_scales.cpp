#include "display_scales.h"

namespace emg::ui {

QString sweepLabel(double msPerDiv) { return QStringLiteral("%1 ms/div").arg(msPerDiv); }

QString sensitivityLabel(double uvPerDiv) {
    if (uvPerDiv >= 1000.0) return QStringLiteral("%1 mV/div").arg(uvPerDiv / 1000.0);
    return QStringLiteral("%1 µV/div").arg(uvPerDiv);
}

}  // namespace emg::ui
