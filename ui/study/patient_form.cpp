#include "patient_form.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace emg::ui {

PatientForm::PatientForm(QWidget* parent) : QGroupBox(tr("New patient"), parent) {
    auto* form = new QFormLayout(this);
    id_ = new QLineEdit(this);
    id_->setObjectName("patient-id");
    id_->setPlaceholderText(tr("lab identifier (MRN)"));
    name_ = new QLineEdit(this);
    name_->setObjectName("patient-name");
    name_->setPlaceholderText(tr("Family, Given"));
    birthDate_ = new QLineEdit(this);
    birthDate_->setObjectName("patient-birth-date");
    birthDate_->setPlaceholderText(tr("YYYY-MM-DD"));
    sex_ = new QComboBox(this);
    sex_->setObjectName("patient-sex");
    for (auto s : {study::Sex::Unknown, study::Sex::Female, study::Sex::Male, study::Sex::Other})
        sex_->addItem(QString::fromUtf8(study::toString(s).data(), static_cast<int>(study::toString(s).size())),
                      static_cast<int>(s));
    heightCm_ = new QDoubleSpinBox(this);
    heightCm_->setObjectName("patient-height-cm");
    heightCm_->setRange(0.0, 250.0);
    heightCm_->setDecimals(0);
    heightCm_->setSuffix(tr(" cm"));
    heightCm_->setSpecialValueText(tr("unknown"));
    side_ = new QComboBox(this);
    side_->setObjectName("patient-symptom-side");
    for (auto s : {study::Side::Unspecified, study::Side::Left, study::Side::Right, study::Side::Bilateral})
        side_->addItem(QString::fromUtf8(study::toString(s).data(), static_cast<int>(study::toString(s).size())),
                       static_cast<int>(s));
    form->addRow(tr("Id"), id_);
    form->addRow(tr("Name"), name_);
    form->addRow(tr("Birth date"), birthDate_);
    form->addRow(tr("Sex"), sex_);
    form->addRow(tr("Height"), heightCm_);
    form->addRow(tr("Symptoms"), side_);
    auto* buttons = new QHBoxLayout;
    auto* save = new QPushButton(tr("Save patient"), this);
    save->setObjectName("patient-save");
    auto* cancel = new QPushButton(tr("Cancel"), this);
    buttons->addStretch();
    buttons->addWidget(cancel);
    buttons->addWidget(save);
    form->addRow(buttons);
    connect(save, &QPushButton::clicked, this, &PatientForm::saveRequested);
    connect(cancel, &QPushButton::clicked, this, &PatientForm::cancelled);
}

study::Patient PatientForm::patient() const {
    study::Patient p;
    p.id = id_->text().trimmed().toStdString();
    p.name = name_->text().trimmed().toStdString();
    p.birthDate = birthDate_->text().trimmed().toStdString();
    p.sex = static_cast<study::Sex>(sex_->currentData().toInt());
    if (heightCm_->value() > 0.0) p.heightCm = heightCm_->value();
    p.symptomSide = static_cast<study::Side>(side_->currentData().toInt());
    return p;
}

void PatientForm::clear() {
    id_->clear();
    name_->clear();
    birthDate_->clear();
    sex_->setCurrentIndex(0);
    heightCm_->setValue(0.0);
    side_->setCurrentIndex(0);
}

}  // namespace emg::ui
