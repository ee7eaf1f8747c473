#include "external_stimulator_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace emg::ui {

ExternalStimulatorDialog::ExternalStimulatorDialog(const ExternalStimulatorSettings& settings, QWidget* parent)
    : QDialog(parent), base_(settings) {
    setWindowTitle(tr("External stimulator"));
    setObjectName(QStringLiteral("external-stimulator-dialog"));
    name_ = new QLineEdit(QString::fromStdString(settings.name), this);
    name_->setObjectName(QStringLiteral("ext-stim-name"));
    model_ = new QLineEdit(QString::fromStdString(settings.model), this);
    model_->setObjectName(QStringLiteral("ext-stim-model"));
    model_->setPlaceholderText(tr("e.g. DS7A"));
    input_ = new QSpinBox(this);
    input_->setObjectName(QStringLiteral("ext-stim-input"));
    input_->setRange(1, 16);
    input_->setValue(settings.triggerBit + 1);
    edge_ = new QComboBox(this);
    edge_->setObjectName(QStringLiteral("ext-stim-edge"));
    edge_->addItem(tr("Rising (TTL high = pulse)"), static_cast<int>(TriggerEdge::Rising));
    edge_->addItem(tr("Falling (active-low output)"), static_cast<int>(TriggerEdge::Falling));
    edge_->setCurrentIndex(settings.edge == TriggerEdge::Falling ? 1 : 0);
    refractory_ = new QDoubleSpinBox(this);
    refractory_->setObjectName(QStringLiteral("ext-stim-refractory"));
    refractory_->setRange(0.0, 100.0);
    refractory_->setDecimals(1);
    refractory_->setSuffix(tr(" ms"));
    refractory_->setValue(settings.refractoryMs);

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), name_);
    form->addRow(tr("Model"), model_);
    form->addRow(tr("Trigger input"), input_);
    form->addRow(tr("Edge"), edge_);
    form->addRow(tr("Refractory time"), refractory_);
    auto* note = new QLabel(tr("Wire the stimulator's TTL trigger output to this input of the receiver "
                               "(docs/biosemi.md). Edges closer than the refractory time to the last "
                               "stimulus are taken as bounce and ignored."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

ExternalStimulatorSettings ExternalStimulatorDialog::settings() const {
    ExternalStimulatorSettings s = base_;
    const QString name = name_->text().trimmed();
    s.name = name.isEmpty() ? ExternalStimulatorSettings{}.name : name.toStdString();
    s.model = model_->text().trimmed().toStdString();
    s.triggerBit = input_->value() - 1;
    s.edge = static_cast<TriggerEdge>(edge_->currentData().toInt());
    s.refractoryMs = refractory_->value();
    return s;
}

}  // namespace emg::ui
