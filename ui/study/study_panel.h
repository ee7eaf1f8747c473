#pragma once
// The Study tab: choose or create the patient, choose or create their study (which becomes the
// workstation's active study), see the study's protocol progress, flagged measurements and
// recordings, confirm the localization and export the PDF report. Recordings made with the
// Record button while a study is active are added to it when they stop.

#include "study_reference.h"

#include <emg/study/recording_check.h>
#include <emg/study/session_store.h>

#include <QWidget>

#include <functional>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace emg::ui {

class AcquisitionSession;
class ActiveStudy;
class LocalizationBox;
class PagePreviewDialog;
class PatientForm;
class StudyContentView;
class StudyForm;
class StudySigningBar;

class StudyPanel : public QWidget {
    Q_OBJECT
public:
    StudyPanel(study::SessionStore* store, AcquisitionSession* session, ActiveStudy* active, QWidget* parent = nullptr,
               std::function<bool(const QString& path)> reviewRecording = {});
    ~StudyPanel() override;

    /// Saves the New patient form; returns false (message shown) when refused.
    bool savePatientFromForm();
    /// Saves the New study form for the selected patient and makes it active.
    bool saveStudyFromForm();
    /// Makes a stored study the active one and shows it.
    bool activateStudy(const QString& studyId);
    /// Writes the active study's PDF report (what "Report…" does after asking for the file name).
    bool exportReport(const QString& pdfPath);
    /// Writes the active study as DICOM into `folder` (what "Export DICOM…" does after asking for
    /// the folder; study_panel_dicom.cpp): the EMG waveforms and, when signed, the report PDF.
    bool exportDicom(const QString& folder);
    /// "Report…": the active study's report pages shown for review before export, painted by the
    /// same code as the PDF, with Export PDF… (which writes the model shown); nullptr (reason
    /// shown) when there is nothing to show (study_panel_preview.cpp).
    PagePreviewDialog* previewReport();
    /// "Patient page…": the page for the patient shown for the clinician's review, with Print… and
    /// Save PDF…; nullptr (the reason shown) when the study has no confirmed impression.
    PagePreviewDialog* previewPatientPage();
    /// Stores `text` as the confirmed clinician localization of the active study.
    bool confirmLocalization(const QString& text);
    /// Re-reads the active study from the store and shows it.
    void reload();
    /// Opens a stored recording of the active study for review (study_panel_review.cpp). The file
    /// where it was recorded opens at once while its SHA-256 is checked against the store on a
    /// worker (never on the GUI thread); a file not on this workstation is fetched there and opens
    /// when it is verified. A changed file is reported with the reason (the file and the store are
    /// left as they are); when the store keeps the recorded bytes, its verified copy is shown
    /// instead. False when nothing can be opened.
    bool reviewRecording(const QString& recordingId);
    /// True while a recording's checksum is being checked (tests).
    bool checkingRecording() const noexcept { return !checking_.isEmpty(); }

    QString message() const;
    StudyContentView* content() const { return content_; }
    LocalizationBox* localization() const { return localization_; }
    StudySigningBar* signing() const { return signing_; }

private:
    void buildUi();
    void connectControls();
    void refreshPatients(const QString& select = {});
    void refreshStudies(const QString& select = {});
    void onPatientChanged();
    void onRecordingState(bool active, const QString& path);
    /// Hands a stored recording to the background push (study_panel_raw_push.cpp): kept by the
    /// store for every workstation without the GUI or the acquisition waiting for the copy.
    void pushRawInBackground(const QString& path, const std::string& sha256);
    void onRawPushed(const QString& file, const QString& error, double megabytes, double seconds, const QString& location);
    void onRecordingChecked(const study::RecordingCheck& check);
    void onExportDicomClicked();
    void showError(const QString& text);
    void showInfo(const QString& text);
    void updateTabTitle();
    std::optional<study::Patient> selectedPatient() const;

    study::SessionStore* store_;
    AcquisitionSession* session_;
    ActiveStudy* active_;
    StudyReference reference_;

    QLabel* message_ = nullptr;
    QComboBox* patients_ = nullptr;
    QPushButton* newPatient_ = nullptr;
    PatientForm* patientForm_ = nullptr;
    QListWidget* studies_ = nullptr;
    QPushButton* newStudy_ = nullptr;
    StudyForm* studyForm_ = nullptr;
    QLabel* header_ = nullptr;
    StudyContentView* content_ = nullptr;
    LocalizationBox* localization_ = nullptr;
    StudySigningBar* signing_ = nullptr;
    QPushButton* report_ = nullptr;
    QPushButton* patientPage_ = nullptr;
    QPushButton* exportDicom_ = nullptr;
    QPushButton* review_ = nullptr;
    std::function<bool(const QString& path)> openForReview_;
    QString recordingStudyId_;   ///< the study active when the running recording started
    QString checking_;           ///< the recording whose checksum is being checked
    QString reviewing_;          ///< the file opened for it before the check ended (empty: none)
    std::unique_ptr<study::BackgroundRecordingCheck> recordingCheck_;
    std::unique_ptr<study::BackgroundRawPush> rawPush_;   ///< last member: joined before anything it reports to goes
};

}  // namespace emg::ui
