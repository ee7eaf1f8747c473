#pragma once
// The localization of the active study: the automatic suggestion (emg::study::localize) with its
// evidence for and against, and the clinician's conclusion: accept the suggestion or type their
// own; "Confirm" asks the panel to store it as a confirmed Clinician finding.

#include <emg/study/localization.h>
#include <emg/study/study.h>

#include <QGroupBox>

#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;

namespace emg::ui {

class LocalizationBox : public QGroupBox {
    Q_OBJECT
public:
    explicit LocalizationBox(QWidget* parent = nullptr);

    /// Shows the suggestion (best hypothesis first) and the study's confirmed localization, if any.
    void showStudy(const study::Study& study, const std::vector<study::Hypothesis>& hypotheses);
    void clear();
    QString conclusion() const;

signals:
    void confirmRequested(const QString& text);

private:
    QLabel* suggestion_ = nullptr;
    QLabel* confirmed_ = nullptr;
    QLineEdit* conclusion_ = nullptr;
    QPushButton* accept_ = nullptr;
    QPushButton* confirm_ = nullptr;
    QString suggested_;
};

}  // namespace emg::ui
