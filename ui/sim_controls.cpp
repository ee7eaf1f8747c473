#include "sim_controls.h"

#include "acquisition_session.h"
#include "stimulator_panel.h"

#include <sim/simulated_amplifier.h>

#include <spdlog/spdlog.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>

namespace emg::ui {

namespace {

class SimControls : public QWidget {
public:
    SimControls(AcquisitionSession& session, StimulatorPanel& stimulator, QWidget* parent)
        : QWidget(parent), session_(session), stimulator_(stimulator) {
        pattern_ = new QComboBox(this);
        pattern_->setObjectName("sim-pattern");
        pattern_->addItem(tr("Normal muscle"), static_cast<int>(sim::MusclePattern::Normal));
        pattern_->addItem(tr("Neuropathic (chronic denervation)"), static_cast<int>(sim::MusclePattern::Neuropathic));
        pattern_->addItem(tr("Myopathic"), static_cast<int>(sim::MusclePattern::Myopathic));
        effort_ = new QSlider(Qt::Horizontal, this);
        effort_->setObjectName("sim-effort");
        effort_->setRange(0, 100);
        denervated_ = new QCheckBox(tr("Denervated (fibrillations, positive sharp waves)"), this);
        denervated_->setObjectName("sim-denervated");
        nerve_ = new QComboBox(this);
        nerve_->setObjectName("sim-nerve");
        for (const auto& name : sim::nervePresetNames())
            nerve_->addItem(QString::fromStdString(sim::nervePreset(name).label), QString::fromStdString(name));
        site_ = new QComboBox(this);
        site_->setObjectName("sim-site");

        auto* form = new QFormLayout(this);
        form->setContentsMargins(0, 0, 0, 0);
        form->addRow(tr("Needle: muscle"), pattern_);
        form->addRow(tr("Effort"), effort_);
        form->addRow(denervated_);
        form->addRow(tr("NCS: nerve"), nerve_);
        form->addRow(tr("Stimulation site"), site_);

        connect(pattern_, qOverload<int>(&QComboBox::activated), this, [this](int) {
            if (auto* s = amp()) s->setMusclePattern(static_cast<sim::MusclePattern>(pattern_->currentData().toInt()));
        });
        connect(effort_, &QSlider::valueChanged, this, [this](int v) {
            if (auto* s = amp()) s->setEffort(v / 100.0);
        });
        connect(denervated_, &QCheckBox::toggled, this, [this](bool on) {
            apply([on](sim::SimulationSettings& st) { st.denervationGrade = on ? 2 : 0; });
        });
        connect(nerve_, qOverload<int>(&QComboBox::activated), this, [this](int) {
            const auto name = nerve_->currentData().toString().toStdString();
            apply([&](sim::SimulationSettings& st) {
                st.nerve = name;
                st.siteIndex = 0;
            });
            sync();
        });
        connect(site_, qOverload<int>(&QComboBox::activated), this, [this](int i) { selectSite(i); });
        // the stimulator's site list is the same list: choosing there moves the simulated stimulator too
        if (auto* stimSite = stimulator_.findChild<QComboBox*>(QStringLiteral("stim-site")))
            connect(stimSite, qOverload<int>(&QComboBox::activated), this, [this](int i) { selectSite(i); });
    }

    void sync() {
        auto* s = amp();
        setEnabled(s != nullptr);
        if (!s) return;
        const auto st = s->settings();
        const QSignalBlocker b1(pattern_), b2(effort_), b3(denervated_), b4(nerve_), b5(site_);
        pattern_->setCurrentIndex(pattern_->findData(static_cast<int>(st.pattern)));
        effort_->setValue(static_cast<int>(st.effort * 100.0 + 0.5));
        denervated_->setChecked(st.denervationGrade > 0);
        nerve_->setCurrentIndex(nerve_->findData(QString::fromStdString(st.nerve)));
        QStringList sites, names;
        try {
            for (const auto& site : sim::nervePreset(st.nerve).sites) {
                sites << tr("%1 (%2 mm)").arg(QString::fromStdString(site.name)).arg(site.distanceMm);
                names << QString::fromStdString(site.name);
            }
        } catch (const std::exception& e) {
            spdlog::warn("simulator nerve '{}': {}", st.nerve, e.what());
        }
        site_->clear();
        site_->addItems(sites);
        site_->setCurrentIndex(static_cast<int>(st.siteIndex));
        stimulator_.setSites(sites, names);
        selectSite(static_cast<int>(st.siteIndex));
    }

private:
    void selectSite(int i) {
        if (auto* s = amp()) s->setStimulationSite(static_cast<std::size_t>(std::max(0, i)));
        const QSignalBlocker block(site_);
        site_->setCurrentIndex(i);
        if (auto* stimSite = stimulator_.findChild<QComboBox*>(QStringLiteral("stim-site"))) {
            const QSignalBlocker block2(stimSite);
            stimSite->setCurrentIndex(i);
        }
    }
    sim::SimulatedAmplifier* amp() const { return dynamic_cast<sim::SimulatedAmplifier*>(session_.device()); }
    template <class F>
    void apply(F change) {
        auto* s = amp();
        if (!s) return;
        auto st = s->settings();
        change(st);
        try {
            s->setSettings(st);
        } catch (const std::exception& e) {
            emit session_.errorOccurred(tr("Simulator: %1").arg(QString::fromStdString(e.what())));
        }
    }

    AcquisitionSession& session_;
    StimulatorPanel& stimulator_;
    QComboBox* pattern_;
    QSlider* effort_;
    QCheckBox* denervated_;
    QComboBox* nerve_;
    QComboBox* site_;
};

}  // namespace

QWidget* createSimControls(AcquisitionSession& session, StimulatorPanel& stimulator, QWidget* parent) {
    return new SimControls(session, stimulator, parent);
}

void syncSimControls(QWidget* simControls) {
    if (auto* c = dynamic_cast<SimControls*>(simControls)) c->sync();
}

}  // namespace emg::ui
