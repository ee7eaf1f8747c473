// The workstation with a BioSemi receiver (real libusb, umockdev replay "trigger3"): the external
// stimulator's trigger input, edge and name chosen in their dialog, the montage in its editor,
// both kept in the settings and used by the receiver the window opened; the stimuli come from
// input 3's falling edges only and the channels (and the BDF+ file) are the montage's.

#include "biosemi_scenarios.h"

#include "../ui/ui_test_support.h"

#include <biosemi/biosemi_device.h>
#include <biosemi_settings.h>
#include <device_catalog.h>
#include <main_window.h>
#include <acquisition_session.h>
#include <stimulator_panel.h>

#include <emg/io/recording_io.h>

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>

using namespace emg;
using namespace emg::biosemi;
using namespace emg::biosemi::test;

namespace {

class Collector : public AcquisitionConsumer {
public:
    void onStart(const AcquisitionConfig& c) override {
        std::lock_guard lock(m);
        labels.clear();
        for (const auto& ch : c.channels) labels.push_back(ch.label);
    }
    void onBlock(const SampleBlockView& b) override {
        std::lock_guard lock(m);
        for (std::uint32_t t = 0; t < b.frames; ++t) {
            firstIndex.push_back(b.firstSampleIndex + t);
            for (std::uint16_t c = 0; c < b.channelCount; ++c) counts.push_back(b.count(t, c));
        }
        for (std::uint32_t s = 0; s < b.stimulusCount; ++s) stimuli.push_back(b.stimuli[s]);
        frames += b.frames;
    }
    std::uint64_t framesSeen() {
        std::lock_guard lock(m);
        return frames;
    }
    std::mutex m;
    std::vector<std::string> labels;
    std::vector<std::int64_t> firstIndex;
    std::vector<std::int32_t> counts;
    std::vector<StimulusEvent> stimuli;
    std::uint64_t frames = 0;
};

template <typename T>
T* waitForChild(QWidget& parent, const char* name) {
    for (int i = 0; i < 200; ++i) {
        if (auto* w = parent.findChild<T*>(QString::fromLatin1(name))) return w;
        QTest::qWait(10);
    }
    return nullptr;
}

void clickOk(QDialog& dialog) {
    auto* box = dialog.findChild<QDialogButtonBox*>();
    REQUIRE(box != nullptr);
    REQUIRE(box->button(QDialogButtonBox::Ok)->isEnabled());
    QTest::mouseClick(box->button(QDialogButtonBox::Ok), Qt::LeftButton);
}

}  // namespace

TEST_CASE("BioSemi in the workstation: the stimulator dialog's input 3 falling edge and the montage editor's channels",
          "[biosemi-gui]") {
    emg::test::qtApp();
    QTemporaryDir home;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, home.path());
    QSettings().clear();
    const Layout l = *layoutFor(true, kTrigger3Mode);

    ui::MainWindowOptions options;
    options.devices = ui::usbChoices();  // what the catalog finds on the (emulated) bus
    REQUIRE(options.devices.size() == 1);
    REQUIRE(options.devices[0].id.rfind("biosemi:", 0) == 0);
    options.autoStart = false;
    options.watchUsb = false;
    options.openStore = false;
    options.dataDirectory = home.path();
    ui::MainWindow w(options);
    w.show();
    auto* source = w.findChild<QLabel*>("stim-source");
    REQUIRE(source != nullptr);
    // opened with nothing saved: input 1, rising edge
    CHECK(w.stimulatorPanel().stimulatorText().contains("on trigger input 1, rising edge"));

    // --- the external stimulator's dialog (Acquisition ▸ External stimulator…)
    auto* stimAction = w.findChild<QAction*>("external-stimulator-action");
    REQUIRE(stimAction != nullptr);
    stimAction->trigger();
    auto* stimDialog = waitForChild<QDialog>(w, "external-stimulator-dialog");
    REQUIRE(stimDialog != nullptr);
    stimDialog->findChild<QLineEdit*>("ext-stim-name")->setText("Digitimer");
    stimDialog->findChild<QLineEdit*>("ext-stim-model")->setText("DS7A");
    stimDialog->findChild<QSpinBox*>("ext-stim-input")->setValue(3);
    stimDialog->findChild<QComboBox*>("ext-stim-edge")->setCurrentIndex(1);  // falling
    stimDialog->findChild<QDoubleSpinBox*>("ext-stim-refractory")->setValue(2.0);
    stimDialog->grab().save("/tmp/biosemi-gui-stimulator-dialog.png");
    clickOk(*stimDialog);
    QTest::qWait(20);
    const auto saved = ui::loadExternalStimulator();
    CHECK(saved.triggerBit == 2);
    CHECK(saved.edge == TriggerEdge::Falling);
    CHECK(saved.refractoryMs == Approx(2.0));
    CHECK(saved.name == "Digitimer");
    CHECK(saved.model == "DS7A");
    CHECK(w.stimulatorPanel().stimulatorText() == "Digitimer (DS7A) on trigger input 3, falling edge, 2 ms refractory");

    // --- the montage editor (Acquisition ▸ BioSemi montage…)
    auto* montageAction = w.findChild<QAction*>("biosemi-montage-action");
    REQUIRE(montageAction != nullptr);
    montageAction->trigger();
    auto* montageDialog = waitForChild<QDialog>(w, "biosemi-montage-dialog");
    REQUIRE(montageDialog != nullptr);
    auto* preset = montageDialog->findChild<QComboBox*>("montage-preset");
    auto* entry = montageDialog->findChild<QLineEdit*>("montage-entry");
    auto* add = montageDialog->findChild<QPushButton*>("montage-add");
    auto* problem = montageDialog->findChild<QLabel*>("montage-problem");
    REQUIRE((preset && entry && add && problem));
    REQUIRE(preset->count() == 5);
    preset->setCurrentIndex(4);
    emit preset->activated(4);  // "NCS: EX1-EX2 (belly-tendon) and Status"
    const auto addLabel = [&](const char* text) {
        entry->setText(text);
        QTest::mouseClick(add, Qt::LeftButton);
    };
    addLabel("EX3-EX4");
    addLabel("A5");
    CHECK(problem->text().isEmpty());
    addLabel("EX9");  // the receiver has EX1..EX8
    CHECK(problem->text().contains("EX9"));
    CHECK(entry->text() == "EX9");  // refused: kept for correction
    addLabel("A5");   // twice
    CHECK(problem->text().contains("twice"));
    entry->clear();
    montageDialog->grab().save("/tmp/biosemi-gui-montage-dialog.png");
    const std::vector<std::string> montage{"EX1-EX2", "Status", "EX3-EX4", "A5"};
    // the refusals left the list as it was: OK is enabled (clickOk requires it)
    clickOk(*montageDialog);
    QTest::qWait(20);
    CHECK(ui::loadBiosemiMontage() == montage);

    // --- the delivered intensity, entered before the run ("Set for the next pulses")
    auto* button = w.findChild<QPushButton*>("stimulate");
    REQUIRE(button != nullptr);
    CHECK(button->text() == "Set for the next pulses");
    w.stimulatorPanel().setIntensityMa(25.0);
    QTest::mouseClick(button, Qt::LeftButton);
    CHECK_FALSE(w.stimulatorPanel().lastRefused());
    CHECK(w.stimulatorPanel().resultText().startsWith("Set for the next pulses: 25 mA"));

    // --- acquire from the replay, recording as Record does: events only at input 3's falling
    // edges, the montage's channels
    Collector sink;
    const auto bdf = std::filesystem::path(home.path().toStdString()) / "trigger3.bdf";
    w.session().addConsumer(&sink);
    REQUIRE(w.session().startRecording(bdf, {"wrist"}));
    REQUIRE(w.startAcquisition());
    const std::int64_t total = trigger3Total(l);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (sink.framesSeen() < static_cast<std::uint64_t>(total - 1) && std::chrono::steady_clock::now() < until) QTest::qWait(5);
    w.stopAcquisition();
    w.session().stopRecording();
    w.session().removeConsumer(&sink);
    w.stimulatorPanel().grab().save("/tmp/biosemi-gui-stimulator-panel.png");
    w.grab().save("/tmp/biosemi-gui-window.png");

    CHECK(sink.labels == montage);
    REQUIRE(sink.frames == static_cast<std::uint64_t>(total - 1));  // the last frame waits for a sync word
    const std::int64_t period = trigger3Period(l);
    REQUIRE(sink.stimuli.size() == static_cast<std::size_t>(kTrigger3Pulses));
    for (int k = 0; k < kTrigger3Pulses; ++k) {
        INFO("pulse " << k);
        const std::int64_t edge = kTrigger3First + k * period;
        CHECK(sink.stimuli[static_cast<std::size_t>(k)].sampleIndex == edge);
        CHECK(sink.stimuli[static_cast<std::size_t>(k)].deliveredMa == Approx(25.0));
        CHECK((trigger3Lines(l, edge - 1) & 0x4) != 0);  // input 3 high before ...
        CHECK((trigger3Lines(l, edge) & 0x4) == 0);      // ... and low at the event: a falling edge
    }
    // input 1's edges (half a period later) gave none: every event is one of input 3's
    std::set<std::int64_t> input1Edges;
    for (std::int64_t i = 1; i < total; ++i)
        if (((trigger3Lines(l, i) ^ trigger3Lines(l, i - 1)) & 0x1) != 0) input1Edges.insert(i);
    CHECK(input1Edges.size() == 2 * static_cast<std::size_t>(kTrigger3Pulses));
    for (const auto& e : sink.stimuli) CHECK(input1Edges.count(e.sampleIndex) == 0);

    // the channels are the montage's, sample for sample: EX1-EX2 and EX3-EX4 the differences of
    // their words' counts, A5 its own word (against CMS), Status the Status value
    const auto ex1 = static_cast<std::uint16_t>(2 + l.electrodes);
    const std::uint16_t a5 = 2 + 4;
    std::size_t wrong = 0;
    for (std::size_t t = 0; t < sink.firstIndex.size(); ++t) {
        const std::int64_t i = sink.firstIndex[t];
        const std::int32_t* c = &sink.counts[t * 4];
        wrong += c[0] != sampleAt(i, ex1) - sampleAt(i, ex1 + 1);
        wrong += c[1] != static_cast<std::int32_t>(statusFor(l, trigger3Lines(l, i)) << 8) >> 8;
        wrong += c[2] != sampleAt(i, ex1 + 2) - sampleAt(i, ex1 + 3);
        wrong += c[3] != sampleAt(i, a5);
    }
    CHECK(wrong == 0);

    // the BDF+ file: the montage's labels, the stimuli with the entered intensity as annotations
    // at the falling edges
    const Recording rec = io::readRecording(bdf);
    REQUIRE(rec.channels.size() == 4);
    for (std::size_t c = 0; c < 4; ++c) CHECK(rec.channels[c].label == montage[c]);
    std::vector<double> onsets;
    for (const auto& a : rec.annotations)
        if (a.text == "Stim wrist 25 mA") onsets.push_back(a.onsetSec);
    REQUIRE(onsets.size() == static_cast<std::size_t>(kTrigger3Pulses));
    for (int k = 0; k < kTrigger3Pulses; ++k)
        CHECK(onsets[static_cast<std::size_t>(k)] == Approx((kTrigger3First + k * period) / double(l.rateHz)).margin(0.5 / l.rateHz));
}
