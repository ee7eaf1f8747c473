#include "study_panel.h"

#include "recording_failure_banner.h"

#include "acquisition_session.h"
#include "active_study.h"
#include "localization_box.h"
#include "patient_form.h"
#include "study_content_view.h"
#include "study_form.h"
#include "study_report_export.h"
#include "study_signing_bar.h"

#include <emg/study/evaluation.h>
#include <emg/study/localization.h>

#include <spdlog/spdlog.h>

#include <QComboBox>
#include <QDate>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <utility>

namespace emg::ui {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QString patientLabel(const study::Patient& p) { return p.name.empty() ? qs(p.id) : qs(p.id + "  " + p.name); }

QString studyLabel(const study::StudySummary& s) {
    QString text = qs(s.date) + QObject::tr(" · %n test(s)", nullptr, s.testCount);
    if (!s.protocolId.empty()) text += QLatin1Char('\n') + qs(s.protocolId);
    if (!s.indication.empty()) text += QLatin1Char('\n') + qs(s.indication);
    return text;
}

}  // namespace

StudyPanel::StudyPanel(study::SessionStore* store, AcquisitionSession* session, ActiveStudy* active, QWidget* parent,
                       std::function<bool(const QString& path)> reviewRecording)
    : QWidget(parent), store_(store), session_(session), active_(active), reference_(StudyReference::loadDefault()),
      openForReview_(std::move(reviewRecording)) {
    buildUi();
    if (session_) connect(session_, &AcquisitionSession::recordingStateChanged, this, &StudyPanel::onRecordingState);
    if (active_) {
        connect(active_, &ActiveStudy::changed, this, [this] {
            updateTabTitle();
            reload();
        });
        connect(active_, &ActiveStudy::modified, this, [this] { reload(); });
    }
    if (!store_) {
        showError(tr("No session store is open, so patients and studies cannot be chosen or saved (see the store in the "
                     "status bar; start emgws with --store sqlite:PATH or postgresql://...)."));
        for (QWidget* w : std::initializer_list<QWidget*>{patients_, newPatient_, studies_, newStudy_, report_, exportDicom_, localization_})
            w->setEnabled(false);
        return;
    }
    if (!reference_.problems.isEmpty()) showError(reference_.problems.join(QLatin1Char('\n')));
    refreshPatients();
}

StudyPanel::~StudyPanel() = default;

void StudyPanel::buildUi() {
    auto* outer = new QVBoxLayout(this);
    message_ = new QLabel(this);
    message_->setObjectName("study-message");
    message_->setWordWrap(true);
    message_->setVisible(false);
    outer->addWidget(message_);
    auto* columns = new QHBoxLayout;
    outer->addLayout(columns, 1);

    // left: patient and study choice, and the two forms (shown on demand)
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto* patientBox = new QGroupBox(tr("Patient"), left);
    auto* patientLayout = new QVBoxLayout(patientBox);
    patients_ = new QComboBox(patientBox);
    patients_->setObjectName("study-patients");
    newPatient_ = new QPushButton(tr("New patient…"), patientBox);
    newPatient_->setObjectName("study-new-patient");
    patientLayout->addWidget(patients_);
    patientLayout->addWidget(newPatient_, 0, Qt::AlignRight);
    patientForm_ = new PatientForm(left);
    patientForm_->setVisible(false);
    auto* studyBox = new QGroupBox(tr("Studies"), left);
    auto* studyLayout = new QVBoxLayout(studyBox);
    studies_ = new QListWidget(studyBox);
    studies_->setObjectName("study-list");
    studies_->setMinimumHeight(90);
    studies_->setWordWrap(true);
    studies_->setAlternatingRowColors(true);
    newStudy_ = new QPushButton(tr("New study…"), studyBox);
    newStudy_->setObjectName("study-new-study");
    studyLayout->addWidget(studies_);
    studyLayout->addWidget(newStudy_, 0, Qt::AlignRight);
    studyForm_ = new StudyForm(reference_.protocols, left);
    studyForm_->setVisible(false);
    leftLayout->addWidget(patientBox);
    leftLayout->addWidget(patientForm_);
    leftLayout->addWidget(studyBox);
    leftLayout->addWidget(studyForm_);
    leftLayout->addStretch();
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(left);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(320);
    scroll->setMaximumWidth(360);
    columns->addWidget(scroll);

    // right: the active study
    auto* right = new QVBoxLayout;
    header_ = new QLabel(tr("No active study: choose or create one on the left."), this);
    header_->setObjectName("study-header");
    header_->setWordWrap(true);
    content_ = new StudyContentView(this);
    localization_ = new LocalizationBox(this);
    report_ = new QPushButton(tr("Report…"), this);
    report_->setObjectName("study-report");
    report_->setEnabled(false);
    patientPage_ = new QPushButton(tr("Patient page…"), this);
    patientPage_->setObjectName("study-patient-page");
    patientPage_->setToolTip(tr("A page for the patient in plain words, made from the confirmed impression, for you to review and print"));
    patientPage_->setEnabled(false);
    exportDicom_ = new QPushButton(tr("Export DICOM…"), this);
    exportDicom_->setObjectName("study-export-dicom");
    exportDicom_->setToolTip(tr("EMG waveforms and, when signed, the report PDF as DICOM files for the hospital archive"));
    exportDicom_->setEnabled(false);
    review_ = new QPushButton(tr("Review recording"), this);
    review_->setObjectName("study-review-recording");
    review_->setToolTip(tr("Replay the selected recording (its SHA-256 is checked against the store first)"));
    review_->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(review_);
    buttons->addStretch();
    buttons->addWidget(exportDicom_);
    buttons->addWidget(patientPage_);
    buttons->addWidget(report_);
    right->addWidget(header_);
    right->addWidget(content_, 1);
    right->addWidget(localization_);
    signing_ = new StudySigningBar(this);
    right->addWidget(signing_);
    right->addLayout(buttons);
    columns->addLayout(right, 1);
    connectControls();
}

void StudyPanel::connectControls() {
    connect(patients_, &QComboBox::currentIndexChanged, this, &StudyPanel::onPatientChanged);
    auto* recordings = content_->recordingTable();
    connect(recordings, &QTableWidget::itemSelectionChanged, this,
            [this] { review_->setEnabled(openForReview_ && !content_->selectedRecordingId().isEmpty()); });
    connect(recordings, &QTableWidget::cellDoubleClicked, this, [this] {
        if (openForReview_) reviewRecording(content_->selectedRecordingId());
    });
    connect(review_, &QPushButton::clicked, this, [this] { reviewRecording(content_->selectedRecordingId()); });
    connect(newPatient_, &QPushButton::clicked, this, [this] {
        patientForm_->clear();
        patientForm_->setVisible(true);
    });
    connect(patientForm_, &PatientForm::saveRequested, this, &StudyPanel::savePatientFromForm);
    connect(patientForm_, &PatientForm::cancelled, this, [this] { patientForm_->setVisible(false); });
    connect(newStudy_, &QPushButton::clicked, this, [this] {
        if (!selectedPatient()) {
            showError(tr("Choose or create the patient first."));
            return;
        }
        studyForm_->clear();
        studyForm_->setVisible(true);
    });
    connect(studyForm_, &StudyForm::saveRequested, this, &StudyPanel::saveStudyFromForm);
    connect(studyForm_, &StudyForm::cancelled, this, [this] { studyForm_->setVisible(false); });
    connect(studies_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item) activateStudy(item->data(Qt::UserRole).toString());
    });
    connect(localization_, &LocalizationBox::confirmRequested, this, &StudyPanel::confirmLocalization);
    connect(report_, &QPushButton::clicked, this, &StudyPanel::previewReport);
    connect(patientPage_, &QPushButton::clicked, this, &StudyPanel::previewPatientPage);
    connect(exportDicom_, &QPushButton::clicked, this, &StudyPanel::onExportDicomClicked);
    connect(signing_, &StudySigningBar::message, this, [this](const QString& text, bool error) { error ? showError(text) : showInfo(text); });
    connect(signing_, &StudySigningBar::studyChanged, this, &StudyPanel::reload);
}

QString StudyPanel::message() const { return message_->text(); }

void StudyPanel::showError(const QString& text) {
    spdlog::error("study tab: {}", text.toStdString());
    message_->setText(text);
    message_->setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }");
    message_->setVisible(true);
}

void StudyPanel::showInfo(const QString& text) {
    spdlog::info("study tab: {}", text.toStdString());
    message_->setText(text);
    message_->setStyleSheet("QLabel { color: #1b5e20; }");
    message_->setVisible(true);
}

std::optional<study::Patient> StudyPanel::selectedPatient() const {
    if (!store_ || patients_->currentIndex() < 0) return std::nullopt;
    try {
        return store_->patient(patients_->currentData().toString().toStdString());
    } catch (const std::exception& e) {
        spdlog::error("study tab: reading patient: {}", e.what());
        return std::nullopt;
    }
}

void StudyPanel::refreshPatients(const QString& select) {
    const QString keep = select.isEmpty() ? patients_->currentData().toString() : select;
    std::vector<study::Patient> all;
    try {
        all = store_->patients();
    } catch (const std::exception& e) {
        showError(tr("Cannot read the patients from the store: %1").arg(qs(e.what())));
        return;
    }
    {
        const QSignalBlocker block(patients_);
        patients_->clear();
        for (const auto& p : all) patients_->addItem(patientLabel(p), qs(p.id));
        const int i = patients_->findData(keep);
        patients_->setCurrentIndex(i >= 0 ? i : (patients_->count() > 0 ? 0 : -1));
    }
    if (patients_->count() == 0) patients_->setPlaceholderText(tr("no patients yet: New patient…"));
    onPatientChanged();
}

void StudyPanel::onPatientChanged() {
    // the active study belongs to one patient: another patient chosen ends it, so a recording or
    // a Save to study can never join the wrong patient's study
    const auto patient = selectedPatient();
    if (active_ && active_->isSet() && (!patient || qs(patient->id) != active_->patientId())) {
        const QString previous = active_->label();
        active_->clear();
        showInfo(patient ? tr("Patient %1 chosen: study %2 is no longer active; choose or create one of %1's studies.")
                               .arg(qs(patient->id), previous)
                         : tr("No patient chosen: study %1 is no longer active.").arg(previous));
    }
    refreshStudies();
}

void StudyPanel::refreshStudies(const QString& select) {
    const QSignalBlocker block(studies_);
    studies_->clear();
    const auto patient = selectedPatient();
    newStudy_->setEnabled(patient.has_value());
    if (!patient) return;
    try {
        for (const auto& s : store_->studies(patient->id)) {
            auto* item = new QListWidgetItem(studyLabel(s), studies_);
            item->setData(Qt::UserRole, qs(s.id));
            item->setToolTip(qs(s.id));
            const QString current = select.isEmpty() && active_ ? active_->studyId() : select;
            if (qs(s.id) == current) studies_->setCurrentItem(item);
        }
    } catch (const std::exception& e) {
        showError(tr("Cannot read the studies of %1: %2").arg(qs(patient->id), qs(e.what())));
    }
}

bool StudyPanel::savePatientFromForm() {
    if (!store_) return false;
    const study::Patient p = patientForm_->patient();
    try {
        study::validate(p);
        if (store_->patient(p.id)) {
            showError(tr("A patient with id %1 already exists: choose them in the list.").arg(qs(p.id)));
            return false;
        }
        store_->savePatient(p);
    } catch (const std::exception& e) {
        showError(tr("Patient not saved: %1").arg(qs(e.what())));
        return false;
    }
    patientForm_->setVisible(false);
    refreshPatients(qs(p.id));
    showInfo(tr("Patient %1 saved.").arg(patientLabel(p)));
    return true;
}

bool StudyPanel::saveStudyFromForm() {
    if (!store_) return false;
    const auto patient = selectedPatient();
    if (!patient) {
        showError(tr("Choose or create the patient first."));
        return false;
    }
    std::string id;
    try {
        const study::Study s = studyForm_->study(patient->id);
        study::validate(s);
        id = store_->saveStudy(s);
    } catch (const std::exception& e) {
        showError(tr("Study not saved: %1").arg(qs(e.what())));
        return false;
    }
    studyForm_->setVisible(false);
    showInfo(tr("Study saved for %1.").arg(patientLabel(*patient)));
    refreshStudies(qs(id));
    return activateStudy(qs(id));
}

bool StudyPanel::activateStudy(const QString& studyId) {
    if (!store_ || !active_) return false;
    try {
        const auto s = store_->study(studyId.toStdString());
        if (!s) {
            showError(tr("Study %1 is not in the store.").arg(studyId));
            return false;
        }
        const auto p = store_->patient(s->patientId);
        const study::Protocol* protocol = reference_.protocol(s->protocolId);
        QString label = qs(s->patientId);
        if (p && !p->name.empty()) label += QLatin1Char(' ') + qs(p->name);
        label += QStringLiteral(" · ") + qs(s->date);
        if (protocol) label += QStringLiteral(" · ") + qs(protocol->name.empty() ? protocol->id : protocol->name);
        // the patient list follows the study, so choosing "another" patient later really is another one
        if (const int row = patients_->findData(qs(s->patientId)); row >= 0 && row != patients_->currentIndex()) {
            const QSignalBlocker block(patients_);
            patients_->setCurrentIndex(row);
            refreshStudies(studyId);
        }
        const bool unchanged = active_->studyId() == studyId;
        active_->set(studyId, qs(s->patientId), label);   // a change reloads through ActiveStudy::changed
        if (unchanged) reload();
    } catch (const std::exception& e) {
        showError(tr("Cannot open study %1: %2").arg(studyId, qs(e.what())));
        return false;
    }
    return true;
}

void StudyPanel::reload() {
    if (!store_ || !active_ || !active_->isSet()) {
        header_->setText(tr("No active study: choose or create one on the left."));
        content_->clear();
        localization_->clear();
        signing_->setStudy(store_, &reference_, {});
        report_->setEnabled(false);
        patientPage_->setEnabled(false);
        exportDicom_->setEnabled(false);
        return;
    }
    try {
        const auto s = store_->study(active_->studyId().toStdString());
        if (!s) throw study::StoreError("the study is no longer in the store");
        const auto patient = store_->patient(s->patientId).value_or(study::Patient{s->patientId, "", "", study::Sex::Unknown, std::nullopt, study::Side::Unspecified});
        const auto recordings = store_->recordings(s->id);
        content_->showStudy(patient, *s, recordings, reference_);
        signing_->setStudy(store_, &reference_, s->id);
        std::vector<study::Hypothesis> hypotheses;
        if (reference_.norms && reference_.myotomes)
            hypotheses = study::localize(*reference_.myotomes, study::observationsFrom(*s, *reference_.norms, study::subjectFor(patient, *s)));
        localization_->showStudy(*s, hypotheses);
        QString text = tr("<b>Active study:</b> %1").arg(active_->label().toHtmlEscaped());
        QStringList details;
        if (!s->indication.empty()) details << tr("indication: %1").arg(qs(s->indication).toHtmlEscaped());
        if (!s->examiner.empty()) details << tr("examiner: %1").arg(qs(s->examiner).toHtmlEscaped());
        if (s->limbTemperatureC) details << tr("limb %1 °C").arg(*s->limbTemperatureC, 0, 'f', 1);
        details << tr("%n test(s)", nullptr, static_cast<int>(s->tests.size()))
                << tr("%n recording(s)", nullptr, static_cast<int>(recordings.size()));
        text += QStringLiteral("<br>") + details.join(QStringLiteral(" · "));
        header_->setText(text);
        // the study list shows the test count: keep its entry current
        for (const auto& summary : store_->studies(s->patientId))
            for (int i = 0; i < studies_->count(); ++i)
                if (studies_->item(i)->data(Qt::UserRole).toString() == qs(summary.id)) studies_->item(i)->setText(studyLabel(summary));
        report_->setEnabled(true);
        patientPage_->setEnabled(true);
        exportDicom_->setEnabled(true);
    } catch (const std::exception& e) {
        showError(tr("Cannot show study %1: %2").arg(active_->studyId(), qs(e.what())));
    }
}

void StudyPanel::onRecordingState(bool activeRecording, const QString& path) {
    // a recording belongs to the study that was active when it started, whatever is chosen since
    if (activeRecording) {
        recordingStudyId_ = active_ && active_->isSet() ? active_->studyId() : QString();
        return;
    }
    const QString studyId = std::exchange(recordingStudyId_, QString());
    const QString file = QFileInfo(path).fileName();
    if (studyId.isEmpty()) {
        if (store_) showInfo(tr("Recording %1 was not added to a study: no study was active when it started.").arg(file));
        return;
    }
    if (!store_) {
        showError(tr("Recording %1 was not added to the study: no session store is open. The file on disk is left as it is.").arg(file));
        return;
    }
    const bool failed = session_ && !session_->lastRecordingError().isEmpty();
    QString added;
    try {
        // a failed recording's file holds its complete records only (header count right): it is
        // kept with the study like any other, and the study notes why it ended early
        const auto info = store_->addRecording(studyId.toStdString(), path.toStdString());
        added = tr("Recording %1 added to study %2 (SHA-256 %3…).").arg(file, studyId, qs(info.sha256.substr(0, 12)));
        pushRawInBackground(path, info.sha256);
    } catch (const std::exception& e) {
        showError(tr("Recording %1 could not be added to the study: %2. The file on disk is left as it is.").arg(file, qs(e.what())));
        if (!failed) return;
        added.clear();
    }
    if (failed) {
        const QString note = recordingFailureText(session_->lastRecordingError(), path, session_->lastRecordingSecondsSaved(),
                                                  session_->lastRecordingRecords())
                                 .studyNote;
        try {
            auto s = store_->study(studyId.toStdString());
            if (!s) throw study::StoreError("the study is no longer in the store");
            // a fact the program observed, not an interpretation waiting for confirmation
            s->findings.push_back({"comment", note.toStdString(), study::Provenance::Auto, true});
            store_->saveStudy(*s);
            if (!added.isEmpty()) showError(added + QLatin1Char(' ') + tr("Noted in the study: %1.").arg(note));
        } catch (const std::exception& e) {
            showError(tr("The study could not note that the recording stopped (%1): %2").arg(note, qs(e.what())));
        }
    } else {
        showInfo(added);
    }
    if (active_ && active_->studyId() == studyId) active_->notifyModified();
}

bool StudyPanel::confirmLocalization(const QString& text) {
    if (!store_ || !active_ || !active_->isSet() || text.trimmed().isEmpty()) return false;
    try {
        auto s = store_->study(active_->studyId().toStdString());
        if (!s) throw study::StoreError("the study is no longer in the store");
        // the clinician's conclusion replaces any earlier localization (suggested or confirmed)
        std::erase_if(s->findings, [](const study::Finding& f) { return f.kind == "localization"; });
        s->findings.push_back({"localization", text.trimmed().toStdString(), study::Provenance::Clinician, true});
        store_->saveStudy(*s);
    } catch (const std::exception& e) {
        showError(tr("Localization not saved: %1").arg(qs(e.what())));
        return false;
    }
    showInfo(tr("Localization confirmed: %1").arg(text.trimmed()));
    active_->notifyModified();
    return true;
}

bool StudyPanel::exportReport(const QString& pdfPath) {
    if (!store_ || !active_ || !active_->isSet()) {
        showError(tr("No active study to report."));
        return false;
    }
    try {
        const auto stats = exportStudyReport(*store_, active_->studyId().toStdString(), reference_, pdfPath.toStdString());
        showInfo(tr("Report written to %1 (%n page(s)).", nullptr, stats.pages).arg(pdfPath));
    } catch (const std::exception& e) {
        showError(tr("Report not written: %1").arg(qs(e.what())));
        return false;
    }
    return true;
}

void StudyPanel::updateTabTitle() {
    for (QWidget* w = parentWidget(); w; w = w->parentWidget()) {
        auto* tabs = qobject_cast<QTabWidget*>(w);
        if (!tabs) continue;
        const int i = tabs->indexOf(this);
        if (i < 0) return;
        tabs->setTabText(i, active_ && active_->isSet() ? tr("Study: %1").arg(active_->patientId()) : tr("Study"));
        tabs->setTabToolTip(i, active_ ? active_->label() : QString());
        return;
    }
}

}  // namespace emg::ui
