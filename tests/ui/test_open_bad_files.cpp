// Open recording with files that are not what they claim (a directory, a FIFO, an empty file, a
// garbage header, an EDF whose record duration lies, a truncated or lying WFDB record): each is
// refused with a one-line message naming the file, shown in the status bar; the window stays
// open and the amplifier it was acquiring from keeps running.
#include "pulse_device.h"
#include "pulse_window_options.h"
#include "ui_test_support.h"

#include "acquisition_session.h"
#include "main_window.h"

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QTest>

#include <fstream>
#include <string>
#include <sys/stat.h>

using emg::ui::MainWindow;
using emg::ui::MainWindowOptions;

namespace {

MainWindowOptions pulseOptions() { return emg::test::pulseWindowOptions(2, 4000.0); }

void writeFile(const QString& path, const std::string& bytes) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << bytes;
}

/// A valid 2-s EDF+ of one 5 kHz channel, then `patch` written at byte `offset`.
void writePatchedEdf(const QString& path, std::size_t offset, const std::string& patch) {
    emg::Recording rec;
    emg::RecordedChannel ch;
    ch.label = "APB";
    ch.sampleRateHz = 5000.0;
    ch.samples.assign(10000, 0.0);
    rec.channels.push_back(ch);
    emg::io::writeRecording(rec, path.toStdString(), emg::io::FileFormat::EdfPlus);
    std::fstream f(path.toStdString(), std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(patch.data(), static_cast<std::streamsize>(patch.size()));
}

}  // namespace

TEST_CASE("opening bad files shows each one's message, the window stays open and the amplifier keeps running", "[ui][replay][bad-files]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    MainWindow w(pulseOptions());
    w.show();
    QTest::qWait(100);
    REQUIRE(w.session().running());
    const std::size_t devicesBefore = w.devices().size();

    struct Case {
        const char* what;
        QString path;
    };
    std::vector<Case> cases;
    REQUIRE(QDir(dir.path()).mkdir("folder.edf"));
    cases.push_back({"a directory", dir.path() + "/folder.edf"});
    const QString fifo = dir.path() + "/pipe.bdf";
    REQUIRE(::mkfifo(fifo.toLocal8Bit().constData(), 0600) == 0);
    cases.push_back({"a FIFO (reading it would block for ever)", fifo});
    writeFile(dir.path() + "/empty.edf", "");
    cases.push_back({"an empty file", dir.path() + "/empty.edf"});
    writeFile(dir.path() + "/garbage.edf", "0       not an EDF header" + std::string(600, '\x07'));
    cases.push_back({"a garbage header", dir.path() + "/garbage.edf"});
    // the data-record duration (8 bytes at 244) set near zero: 5000 samples in 1 µs = 5 GHz
    writePatchedEdf(dir.path() + "/tiny-duration.edf", 244, "0.000001");
    cases.push_back({"a near-zero record duration", dir.path() + "/tiny-duration.edf"});
    // a header claiming 1 000 000 records for a file holding 2
    writePatchedEdf(dir.path() + "/many-records.edf", 236, "1000000 ");
    cases.push_back({"a record count far beyond the file", dir.path() + "/many-records.edf"});
    // a WFDB record whose signal file holds 100 of the 10 000 frames its header promises
    writeFile(dir.path() + "/trunc.hea", "trunc 2 1000 10000\ntrunc.dat 16 200 12 0 0 0 0 I\ntrunc.dat 16 200 12 0 0 0 0 II\n");
    writeFile(dir.path() + "/trunc.dat", std::string(400, '\0'));
    cases.push_back({"a truncated WFDB signal file", dir.path() + "/trunc.hea"});
    // a WFDB header declaring 4 000 000 000 frames for a signal file that does not exist
    writeFile(dir.path() + "/huge.hea", "huge 1 1000 4000000000\nhuge.dat 16 200 12 0 0 0 0 I\n");
    cases.push_back({"a WFDB header with a huge sample count and no signal file", dir.path() + "/huge.hea"});

    auto* error = w.findChild<QLabel*>("status-error");
    REQUIRE(error != nullptr);
    for (const auto& c : cases) {
        INFO(c.what << ": " << c.path.toStdString());
        const bool opened = w.openRecording(c.path);
        CHECK_FALSE(opened);
        const QString message = w.lastOpenError();
        INFO("message: " << message.toStdString());
        CHECK(message.contains(QFileInfo(c.path).fileName()));
        CHECK_FALSE(message.contains('\n'));
        for (const char* jargon : {"std::", "_M_", "bad_alloc", "basic_string", " nan", "length_error"})
            CHECK_FALSE(message.contains(QLatin1String(jargon)));
        CHECK(error->text() == message);
        CHECK(w.isVisible());
        CHECK(w.devices().size() == devicesBefore);   // the refused file is not left in the device list
        CHECK(w.session().deviceName() == "pulse test amplifier");
        CHECK(w.session().running());
    }
    // still acquiring after all of them
    const auto frames = w.session().stats().frames;
    QTest::qWait(300);
    CHECK(w.session().stats().frames > frames);
}

TEST_CASE("an EDF at the readers' 10 MHz bound is refused by the window's replay with a message, not a crash", "[ui][replay][bad-files]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    MainWindow w(pulseOptions());
    w.show();
    QTest::qWait(100);
    // 5000 samples in a 0.5 ms record: 10 MHz, which the reader accepts; replaying it would need
    // a display buffer of 8 s x 10 MHz and a real-time 10 MHz stream
    const QString path = dir.path() + "/ten-megahertz.edf";
    writePatchedEdf(path, 244, "0.0005  ");
    // replaying it (Replay at 1x) is refused; reviewing it pages through it without a replay buffer
    const bool opened = w.replayRecording(path);
    QTest::qWait(300);
    CHECK(w.isVisible());
    CHECK_FALSE(opened);
    CHECK(w.lastOpenError().contains("ten-megahertz.edf"));
    CHECK(w.lastOpenError().contains("MHz"));
    CHECK(w.session().deviceName() == "pulse test amplifier");
    CHECK(w.session().running());
    // opened for review it is paged, never replayed: the window stays up, the amplifier runs on
    const bool reviewed = w.openRecording(path);
    QTest::qWait(300);
    CHECK(w.isVisible());
    CHECK((reviewed || w.lastOpenError().contains("ten-megahertz.edf")));
    CHECK(w.session().deviceName() == "pulse test amplifier");
    CHECK(w.session().running());
}
