// emgws: the EMG/NCS workstation. Starts on the built-in simulated amplifier, no configuration.
#include "active_study.h"
#include "app_icon.h"
#include "main_window.h"
#include "store_connection.h"
#include "test_key_feeder.h"

#include <emg/study/session_store.h>

#include <spdlog/spdlog.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

namespace {
/// Makes stored study `id` the active one (the Study tab shows it, the protocol run resumes where
/// the store says it stopped); false with the reason in the log.
bool openStudy(emg::ui::MainWindow& window, const QString& id) {
    auto* store = window.storeConnection().store();
    if (!store) {
        spdlog::error("emgws: --study {}: no session store open", id.toStdString());
        return false;
    }
    try {
        const auto s = store->study(id.toStdString());
        if (!s) {
            spdlog::error("emgws: --study {}: no such study in the store", id.toStdString());
            return false;
        }
        const auto p = store->patient(s->patientId);
        QString label = QString::fromStdString(s->patientId);
        if (p && !p->name.empty()) label += QLatin1Char(' ') + QString::fromStdString(p->name);
        label += QStringLiteral(" · ") + QString::fromStdString(s->date);
        if (!s->protocolId.empty()) label += QStringLiteral(" · ") + QString::fromStdString(s->protocolId);
        window.activeStudy().set(id, QString::fromStdString(s->patientId), label);
        spdlog::info("emgws: study {} open ({})", id.toStdString(), label.toStdString());
        return true;
    } catch (const std::exception& e) {
        spdlog::error("emgws: --study {}: {}", id.toStdString(), e.what());
        return false;
    }
}
}  // namespace

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
    const QCommandLineOption study(QStringLiteral("study"),
                                   QStringLiteral("Open on this stored study (as if chosen in the Study tab): its protocol run "
                                                  "resumes at the test and site where it stopped"),
                                   QStringLiteral("id"));
    parser.addOption(study);
    const QCommandLineOption testKeys(QStringLiteral("test-keys"),
                                      QStringLiteral("Test hook: press these comma-separated keys (e.g. F5,F5,F8) one after the other "
                                                     "through the window's key bindings, each logged"),
                                      QStringLiteral("keys"));
    parser.addOption(testKeys);
    const QCommandLineOption testKeyInterval(QStringLiteral("test-key-interval-ms"),
                                             QStringLiteral("Test hook: milliseconds between two --test-keys presses (default 500)"),
                                             QStringLiteral("ms"), QStringLiteral("500"));
    parser.addOption(testKeyInterval);
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
    // (--study needs the store at once: nothing is deferred then)
    options.deferStartup = !parser.positionalArguments().isEmpty() && !parser.isSet(study);
    emg::ui::MainWindow window(options);
    window.show();
    if (parser.isSet(study) && !openStudy(window, parser.value(study))) return 2;
    if (parser.isSet(testKeys))
        new emg::ui::TestKeyFeeder(&window, parser.value(testKeys).split(QLatin1Char(','), Qt::SkipEmptyParts),
                                   parser.value(testKeyInterval).toInt());
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
