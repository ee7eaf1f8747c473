// A recording that fails to write (a full disk through the write-injection seam: ENOSPC; a file
// size limit, RLIMIT_FSIZE with SIGXFSZ ignored: EFBIG) while the window acquires from the pulse
// amplifier: the recording stops, the acquisition does not (the engine is not even restarted),
// REC goes off at once, a red banner stays until dismissed or until a new recording starts, a
// non-blocking dialog names the reason, the path and what was kept, the file holds complete
// records only with the header's count matching (EDFlib's strict reader opens it) and the active
// study notes the event.
#include "edflib_strict.h"
#include "pulse_device.h"
#include "pulse_window_options.h"
#include "ui_test_support.h"

#include "acquisition_session.h"
#include "active_study.h"
#include "main_window.h"
#include "recording_failure_banner.h"
#include "store_connection.h"

#include <emg/io/recording_io.h>
#include <emg/io/safe_file_writer.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <functional>
#include <iterator>
#include <sys/resource.h>

using emg::ui::MainWindow;
using emg::ui::MainWindowOptions;

namespace {

constexpr double kRateHz = 20000.0;
// the window records in 0.25-s data records, the header's count updated after each (a SIGKILL
// loses at most about that much): at 20 kHz a record holds 5000 samples a channel
constexpr double kRecordSec = 0.25;

MainWindowOptions pulseOptions(const QTemporaryDir& data) {
    MainWindowOptions o = emg::test::pulseWindowOptions(2, kRateHz);
    o.dataDirectory = data.path();
    return o;
}

struct Failure {
    int count = 0;
    QString reason, path;
    double seconds = -1;
    qint64 records = -1;
    QString recLabelAtFailure = "not seen";   ///< the status bar's REC text when the failure was announced
    bool recordButtonCheckedAtFailure = true;
    qint64 msAfterStart = -1;
};

/// Follows the session's recordingFailed signal.
void watchFailures(MainWindow& w, Failure& f, const QElapsedTimer& clock) {
    QObject::connect(&w.session(), &emg::ui::AcquisitionSession::recordingFailed, &w,
                     [&w, &f, &clock](const QString& reason, const QString& path, double seconds, qint64 records) {
                         ++f.count;
                         f.reason = reason;
                         f.path = path;
                         f.seconds = seconds;
                         f.records = records;
                         f.msAfterStart = clock.elapsed();
                         if (auto* rec = w.findChild<QLabel*>("status-recording")) f.recLabelAtFailure = rec->text();
                         if (auto* b = w.findChild<QPushButton*>("record")) f.recordButtonCheckedAtFailure = b->isChecked();
                     });
}

bool waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) return false;
        QTest::qWait(10);
    }
    return true;
}

long headerField(const std::string& bytes, std::size_t at, std::size_t len) { return std::stol(bytes.substr(at, len)); }

/// The file's own header: header bytes, record count, bytes per record; and its size.
struct FileLayout {
    long headerBytes = 0, records = 0, recordBytes = 0, sizeBytes = 0;
};
FileLayout layoutOf(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() >= 256);
    FileLayout l;
    l.headerBytes = headerField(bytes, 184, 8);
    l.records = headerField(bytes, 236, 8);
    const long signalCount = headerField(bytes, 252, 4);
    long samples = 0;
    for (long i = 0; i < signalCount; ++i) samples += headerField(bytes, static_cast<std::size_t>(256 + signalCount * 216 + i * 8), 8);
    l.recordBytes = samples * 3;   // BDF: 3 bytes a sample
    l.sizeBytes = static_cast<long>(bytes.size());
    return l;
}

/// The checks every failed recording must pass: the file holds exactly `records` complete
/// records, the header says so, EDFlib's strict reader accepts it and our reader gets the pulse.
void checkKeptFile(const QString& path, long records) {
    const FileLayout l = layoutOf(path);
    CHECK(l.headerBytes == 256 * 4);   // 2 signals + the annotation signal
    CHECK(l.records == records);
    CHECK(l.sizeBytes == l.headerBytes + records * l.recordBytes);   // no partial record
    const auto strict = emg::test::edflibRead(path.toStdString());
    if (!strict.available) {
        WARN("EDFlib (libedf-dev) not built in: strict check skipped");
    } else {
        CHECK(strict.opened);
        CHECK(strict.filetype == 3);   // BDF+
        CHECK(strict.records == records);
        CHECK(strict.recordDuration100ns == 2'500'000);
    }
    const auto rec = emg::io::readRecording(path.toStdString());
    REQUIRE(rec.channels.size() == 2);
    CHECK(rec.channels[0].samples.size() == static_cast<std::size_t>(records * kRecordSec * kRateHz));
    // the pulse amplifier's signal: 0 µV at rest, -300 µV in its pulses (0.1 µV per count)
    int pulse = 0;
    for (double v : rec.channels[1].samples) {
        REQUIRE((std::abs(v) < 1e-6 || std::abs(v + 300.0) < 1e-6));
        pulse += v < -1.0;
    }
    const double samples = records * kRecordSec * kRateHz;
    CHECK(pulse == Approx(0.2 * samples).margin(0.02 * samples));   // 20 ms of every 100 ms
}

}  // namespace

TEST_CASE("a full disk while recording (ENOSPC): recording stops, acquisition goes on, banner, dialog, REC off, a strict-valid file",
          "[ui][recording-failure]") {
    emg::test::qtApp();
    QTemporaryDir data;
    MainWindow w(pulseOptions(data));
    w.resize(1400, 900);
    w.show();
    REQUIRE(waitFor([&] { return w.session().running() && w.session().stats().frames > 0; }, 3000));
    auto* record = w.findChild<QPushButton*>("record");
    REQUIRE(record != nullptr);
    auto& banner = w.recordingFailureBanner();
    CHECK_FALSE(banner.isVisible());
    QElapsedTimer clock;
    Failure f;
    watchFailures(w, f, clock);

    // writes from now: 1 the header, 2..9 eight 0.25-s records (2.0 s), 10 the ninth record: it fails
    emg::io::failNthWriteForTesting(10, ENOSPC);
    clock.start();
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE(w.session().isRecording());
    const QString path = QString::fromStdString(w.session().recordingPath().string());
    REQUIRE(waitFor([&] { return f.count > 0; }, 8000));
    emg::io::failNthWriteForTesting(0, 0);
    const std::uint64_t framesAtFailure = w.session().stats().frames;

    // stopped once, with the reason; REC and the Record button off when it was announced
    CHECK(f.count == 1);
    CHECK(f.reason.contains("No space left on device"));
    CHECK(f.path == path);
    CHECK(f.records == 8);
    CHECK(f.seconds == Approx(2.0));
    CHECK(f.recLabelAtFailure.isEmpty());
    CHECK_FALSE(f.recordButtonCheckedAtFailure);
    // the ninth record is complete 2.25 s of signal after the start: the failure is announced
    // then (allowing 1 s for a loaded machine), not 15 s later
    CHECK(f.msAfterStart >= 2150);
    CHECK(f.msAfterStart < 3250);
    CHECK_FALSE(w.session().isRecording());

    // the acquisition was neither stopped nor restarted: the frame count goes on from where it was
    QTest::qWait(600);
    CHECK(w.session().running());
    CHECK(w.session().stats().frames >= framesAtFailure + static_cast<std::uint64_t>(0.3 * kRateHz));

    // banner: visible, red, with the reason and the file; still there 2 s later
    CHECK(banner.isVisible());
    CHECK(banner.text().contains("No space left on device"));
    CHECK(banner.text().contains(QFileInfo(path).fileName()));
    CHECK(banner.text().contains("2.0 s"));
    QTest::qWait(2000);
    CHECK(banner.isVisible());
    CHECK(w.findChild<QLabel*>("status-recording")->text().isEmpty());

    // the dialog, open without blocking the event loop: reason, full path, what was saved
    QMessageBox* dialog = w.recordingFailureDialog();
    REQUIRE(dialog != nullptr);
    CHECK(dialog->isVisible());
    CHECK_FALSE(dialog->isModal());
    CHECK(dialog->text().contains("No space left on device"));
    CHECK(dialog->text().contains(path));
    CHECK(dialog->text().contains("2.0 s of signal (8 complete data records)"));
    CHECK(dialog->text().contains("Free disk space"));

    const QImage shot = w.grab().toImage();
    REQUIRE(shot.save("/tmp/recording_failure_window.png"));
    REQUIRE(dialog->grab().save("/tmp/recording_failure_dialog.png"));
    // the banner's red spans the window above the panels
    const QRect bannerRect(banner.mapTo(&w, QPoint(0, 0)), banner.size());
    CHECK(emg::test::countPixels(shot, bannerRect, QColor("#b3261e")) > bannerRect.width() * bannerRect.height() / 2);

    checkKeptFile(path, 8);

    // dismissed: gone, and the dialog closes with its button
    QTest::mouseClick(banner.findChild<QPushButton*>("recording-failure-dismiss"), Qt::LeftButton);
    CHECK_FALSE(banner.isVisible());
    dialog->button(QMessageBox::Ok)->click();
    QTest::qWait(50);
    CHECK(w.recordingFailureDialog() == nullptr);

    // a new recording after that works and ends well
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE(w.session().isRecording());
    QTest::qWait(1200);
    QTest::mouseClick(record, Qt::LeftButton);
    CHECK_FALSE(w.session().isRecording());
    CHECK(w.session().lastRecordingError().isEmpty());
    CHECK(f.count == 1);
    CHECK_FALSE(banner.isVisible());
}

TEST_CASE("a file size limit while recording (RLIMIT_FSIZE, EFBIG): complete records only, the banner stays until a new recording",
          "[ui][recording-failure]") {
    emg::test::qtApp();
    QTemporaryDir data;
    MainWindow w(pulseOptions(data));
    w.show();
    REQUIRE(waitFor([&] { return w.session().running() && w.session().stats().frames > 0; }, 3000));
    auto* record = w.findChild<QPushButton*>("record");
    QElapsedTimer clock;
    Failure f;
    watchFailures(w, f, clock);

    // header 1024 bytes; a 0.25-s record is 2 × 5000 × 3 bytes of signal plus the annotation
    // space (room for 25 + 4 events: 1425 bytes): a limit 15000 bytes past 12 records (3.0 s)
    // stops the 13th half-written
    const long recordBytes = 2 * 5000 * 3 + 1425;
    const long limitBytes = 1024 + 12 * recordBytes + 15000;
    struct rlimit saved {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = saved;
    lim.rlim_cur = static_cast<rlim_t>(limitBytes);
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &lim) == 0);
    clock.start();
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE(w.session().isRecording());
    const QString path = QString::fromStdString(w.session().recordingPath().string());
    const bool failed = waitFor([&] { return f.count > 0; }, 9000);
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &saved) == 0);
    std::signal(SIGXFSZ, oldHandler);
    REQUIRE(failed);

    CHECK(f.reason.contains("File too large"));
    CHECK(f.records == 12);
    CHECK(f.seconds == Approx(3.0));
    CHECK(f.recLabelAtFailure.isEmpty());
    CHECK(f.msAfterStart >= 3150);
    CHECK(f.msAfterStart < 4250);
    CHECK(layoutOf(path).recordBytes == recordBytes);
    checkKeptFile(path, 12);
    CHECK(w.session().running());
    CHECK(w.recordingFailureBanner().isVisible());
    CHECK(w.recordingFailureBanner().text().contains("File too large"));
    REQUIRE(w.recordingFailureDialog() != nullptr);
    CHECK(w.recordingFailureDialog()->text().contains("3.0 s of signal (12 complete data records)"));

    // not dismissed: a new recording clears it
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE(w.session().isRecording());
    CHECK_FALSE(w.recordingFailureBanner().isVisible());
    QTest::mouseClick(record, Qt::LeftButton);
    CHECK_FALSE(w.session().isRecording());
}

TEST_CASE("a recording that fails while a study is active is kept with the study, which notes why it stopped", "[ui][recording-failure][study]") {
    emg::test::qtApp();
    QTemporaryDir data;
    auto options = pulseOptions(data);
    options.openStore = true;
    options.storeUrl = "sqlite:" + (data.path() + "/store.sqlite").toStdString();
    MainWindow w(options);
    w.show();
    REQUIRE(w.storeConnection().isOpen());
    auto& store = *w.storeConnection().store();
    store.savePatient({"P1", "Roe, Richard", "1970-01-01", emg::study::Sex::Male, std::nullopt, emg::study::Side::Right});
    emg::study::Study s;
    s.patientId = "P1";
    s.date = "2026-12-02";
    const std::string id = store.saveStudy(s);
    w.activeStudy().set(QString::fromStdString(id), "P1", "P1 Roe, Richard");
    REQUIRE(waitFor([&] { return w.session().running() && w.session().stats().frames > 0; }, 3000));
    QElapsedTimer clock;
    Failure f;
    watchFailures(w, f, clock);

    emg::io::failNthWriteForTesting(10, ENOSPC);   // the header and eight 0.25-s records are written
    clock.start();
    QTest::mouseClick(w.findChild<QPushButton*>("record"), Qt::LeftButton);
    REQUIRE(w.session().isRecording());
    const QString path = QString::fromStdString(w.session().recordingPath().string());
    const bool failed = waitFor([&] { return f.count > 0; }, 9000);
    emg::io::failNthWriteForTesting(0, 0);
    REQUIRE(failed);
    CHECK(f.records == 8);

    const auto stored = store.study(id);
    REQUIRE(stored.has_value());
    int notes = 0;
    for (const auto& finding : stored->findings) {
        if (finding.kind != "comment") continue;
        ++notes;
        CHECK(finding.text == "recording stopped: write failed: No space left on device, 2.0 s saved (" +
                                  QFileInfo(path).fileName().toStdString() + ")");
        CHECK(finding.provenance == emg::study::Provenance::Auto);
    }
    CHECK(notes == 1);
    const auto recordings = store.recordings(id);
    REQUIRE(recordings.size() == 1);
    CHECK(recordings[0].sha256 == emg::study::sha256OfFile(path.toStdString()));
    checkKeptFile(path, 8);
}

TEST_CASE("recording failure text: disk advice only when space or a size limit stopped the file") {
    using emg::ui::recordingFailureText;
    const auto full = recordingFailureText("write failed: No space left on device", "/data/a.edf", 2.0, 8);
    CHECK(full.dialog.contains("Free disk space"));
    const auto big = recordingFailureText("write failed: File too large", "/data/a.edf", 2.0, 8);
    CHECK(big.dialog.contains("Free disk space"));
    const auto io = recordingFailureText("write failed: Input/output error", "/data/a.edf", 0.5, 1);
    CHECK_FALSE(io.dialog.contains("Free disk space"));
    CHECK(io.dialog.contains("Check the recording folder"));
    CHECK(io.dialog.contains("0.5 s of signal (1 complete data record)"));
    CHECK(io.banner.contains("a.edf keeps 0.5 s"));
    CHECK(io.studyNote.contains("Input/output error"));
}
