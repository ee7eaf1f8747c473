#include "study_form.h"

#include <QComboBox>
#include <QDate>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace emg::ui {

namespace {
QString today() { return QDate::currentDate().toString(Qt::ISODate); }
}  // namespace

StudyForm::StudyForm(const std::vector<study::Protocol>& protocols, QWidget* parent) : QGroupBox(tr("New study"), parent) {
    auto* form = new QFormLayout(this);
    date_ = new QLabel(today(), this);
    date_->setObjectName("study-date");
    auto line = [this](const char* name, const QString& placeholder) {
        auto* e = new QLineEdit(this);
        e->setObjectName(QString::fromLatin1(name));
        e->setPlaceholderText(placeholder);
        return e;
    };
    indication_ = line("study-indication", tr("e.g. low back pain with left leg symptoms"));
    referring_ = line("study-referring", tr("referring physician"));
    examiner_ = line("study-examiner", tr("examiner"));
    technician_ = line("study-technician", tr("technician"));
    temperatureC_ = new QDoubleSpinBox(this);
    temperatureC_->setObjectName("study-temperature-c");
    temperatureC_->setRange(14.5, 45.0);   // the minimum reads "not measured"; one step up is 15.0 °C
    temperatureC_->setDecimals(1);
    temperatureC_->setSingleStep(0.5);
    temperatureC_->setSuffix(QStringLiteral(" °C"));
    temperatureC_->setSpecialValueText(tr("not measured"));
    temperatureC_->setValue(temperatureC_->minimum());
    protocol_ = new QComboBox(this);
    protocol_->setObjectName("study-protocol");
    protocol_->addItem(tr("(none)"), QString());
    for (const auto& p : protocols)
        protocol_->addItem(QString::fromStdString(p.name.empty() ? p.id : p.name), QString::fromStdString(p.id));
    form->addRow(tr("Date"), date_);
    form->addRow(tr("Indication"), indication_);
    form->addRow(tr("Referring"), referring_);
    form->addRow(tr("Examiner"), examiner_);
    form->addRow(tr("Technician"), technician_);
    form->addRow(tr("Limb temperature"), temperatureC_);
    form->addRow(tr("Protocol"), protocol_);
    auto* buttons = new QHBoxLayout;
    auto* save = new QPushButton(tr("Save study"), this);
    save->setObjectName("study-save");
    auto* cancel = new QPushButton(tr("Cancel"), this);
    buttons->addStretch();
    buttons->addWidget(cancel);
    buttons->addWidget(save);
    form->addRow(buttons);
    connect(save, &QPushButton::clicked, this, &StudyForm::saveRequested);
    connect(cancel, &QPushButton::clicked, this, &StudyForm::cancelled);
}

study::Study StudyForm::study(const std::string& patientId) const {
    study::Study s;
    s.patientId = patientId;
    s.date = today().toStdString();
    s.indication = indication_->text().trimmed().toStdString();
    s.referringPhysician = referring_->text().trimmed().toStdString();
    s.examiner = examiner_->text().trimmed().toStdString();
    s.technician = technician_->text().trimmed().toStdString();
    if (temperatureC_->value() > temperatureC_->minimum()) s.limbTemperatureC = temperatureC_->value();
    s.protocolId = protocol_->currentData().toString().toStdString();
    return s;
}

void StudyForm::clear() {
    date_->setText(today());
    for (auto* e : {indication_, referring_, examiner_, technician_}) e->clear();
    temperatureC_->setValue(temperatureC_->minimum());
    protocol_->setCurrentIndex(0);
}

}  // namespace emg::ui
