#pragma once
// "Save to study" row of the Late responses tab: where the current mode's result belongs (nerve,
// side, recording and stimulation site) and which study it goes to, or why it cannot (no store,
// no active study). The active study's protocol F-wave / H-reflex / RNS tests fill the fields;
// every field stays editable by hand.

#include "late_study_entry.h"

#include <emg/study/protocol.h>

#include <vector>

#include <QGroupBox>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace emg::ui {

class LateSaveBar : public QGroupBox {
    Q_OBJECT
public:
    explicit LateSaveBar(QWidget* parent = nullptr);

    /// The fields as typed.
    LateTestTarget target() const;
    /// The study label, or, when empty, `reason` why nothing can be saved (the button is disabled).
    void setStudy(const QString& studyLabel, const QString& reason);
    void setStatus(const QString& text, bool error);
    /// The protocol's tests of `kind` (F-wave, H-reflex or RNS) offered in the combo; the first
    /// one is chosen. An empty list leaves hand entry only.
    void setProtocolTests(study::TestKind kind, const std::vector<study::ProtocolStep>& steps);
    /// Chooses the offered protocol test at `index` (0 = first); false when out of range.
    bool chooseProtocolTest(int index);
    /// Hand entry (or a test's fields): fills nerve, side, recording and stimulation site.
    void setFields(const QString& nerve, study::Side side, const QString& recordingSite, const QString& stimSite);
    QPushButton* button() const noexcept { return save_; }

signals:
    void saveRequested();

private:
    std::vector<study::ProtocolStep> offered_;
    QComboBox* protocolTest_ = nullptr;
    QLineEdit* nerve_ = nullptr;
    QComboBox* side_ = nullptr;
    QLineEdit* recordingSite_ = nullptr;
    QLineEdit* stimSite_ = nullptr;
    QPushButton* save_ = nullptr;
    QLabel* study_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace emg::ui
