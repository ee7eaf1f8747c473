#pragma once
// The application icon drawn in code (the same design as resources/icons/emgws.svg), so the
// window has its icon without Qt's SVG plugin.

#include <QIcon>

namespace emg::ui {

QIcon applicationIcon();

}  // namespace emg::ui
