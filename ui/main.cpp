// emgws: the EMG/NCS workstation. Starts on the built-in simulated amplifier, no configuration.
#include "app_icon.h"
#include "main_window.h"

#include <spdlog/spdlog.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("emgws"));
    QApplication::setOrganizationName(QStringLiteral("emgws"));
    QApplication::setApplicationVersion(QStringLiteral(EMGWS_VERSION));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("emgws"), emg::ui::applicationIcon()));
    spdlog::info("emgws {} on the '{}' platform", EMGWS_VERSION, QGuiApplication::platformName().toStdString());
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("EMG/NCS workstation; starts on the built-in simulated amplifier"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption store(QStringLiteral("store"),
                                   QStringLiteral("Session store: sqlite:PATH or postgresql://user@host:port/db "
                                                  "(default: SQLite in the user data folder)"),
                                   QStringLiteral("url"));
    parser.addOption(store);
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("A recording to review (EDF/BDF(+): opened in the review view; a WFDB record's .hea is replayed) besides "
                                                "the simulated amplifier"),
                                 QStringLiteral("[file]"));
    parser.process(app);
    if (parser.positionalArguments().size() > 1) {
        spdlog::error("emgws: one recording at a time ({} given)", parser.positionalArguments().size());
        return 2;
    }
    emg::ui::MainWindowOptions options;
    options.storeUrl = parser.value(store).toStdString();
    // with a file: its review is painted first; the store, panels and simulator follow
    options.deferStartup = !parser.positionalArguments().isEmpty();
    emg::ui::MainWindow window(options);
    window.show();
    if (!parser.positionalArguments().isEmpty()) {
        const QString file = parser.positionalArguments().front();
        // the reason is in the status bar and the log; the workstation stays usable
        if (!window.openRecording(file)) {
            spdlog::error("emgws: cannot open {}", file.toStdString());
            window.finishStartup();
        }
    }
    return QApplication::exec();
}
