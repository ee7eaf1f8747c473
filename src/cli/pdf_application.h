#pragma once
// QPdfWriter needs a QGuiApplication for fonts; without a display the offscreen platform is used.
#include <QGuiApplication>

#include <cstdlib>
#include <memory>

namespace emg::cli {

inline std::unique_ptr<QGuiApplication> makePdfApplication() {
    if (!std::getenv("QT_QPA_PLATFORM") && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    static int argc = 1;   // QGuiApplication keeps references to both
    static char name[] = "emgws-cli";
    static char* argv[] = {name, nullptr};
    return std::make_unique<QGuiApplication>(argc, argv);
}

}  // namespace emg::cli
