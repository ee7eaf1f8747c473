// emgws: the EMG/NCS workstation. Starts on the built-in simulated amplifier, no configuration.
#include "app_icon.h"
#include "main_window.h"

#include <spdlog/spdlog.h>

#include <QApplication>
#include <QIcon>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("emgws"));
    QApplication::setOrganizationName(QStringLiteral("emgws"));
    QApplication::setApplicationVersion(QStringLiteral(EMGWS_VERSION));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("emgws"), emg::ui::applicationIcon()));
    spdlog::info("emgws {} on the '{}' platform", EMGWS_VERSION, QGuiApplication::platformName().toStdString());
    emg::ui::MainWindow window;
    window.show();
    return QApplication::exec();
}
