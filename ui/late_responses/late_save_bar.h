#pragma once
// "Save to study" of the Late responses tab: the one save bar (study_save_bar.h) with the fields
// of where the current mode's result belongs (nerve, side, recording and stimulation site). The
// active study's protocol F-wave / H-reflex / RNS tests fill the fields; every field stays
// editable by hand.

#include "study_save_bar.h"

#include <emg/study/late_entry.h>

#include <emg/study/protocol.h>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;

namespace emg::ui {

class LateSaveBar : public StudySaveBar {
    Q_OBJECT
public:
    explicit LateSaveBar(QWidget* parent = nullptr);

    /// The fields as typed.
    study::LateTestTarget target() const;
    /// The protocol's tests of `kind` (F-wave, H-reflex or RNS) offered in the combo; the first
    /// one is chosen. An empty list leaves hand entry only.
    void setProtocolTests(study::TestKind kind, const std::vector<study::ProtocolStep>& steps);
    /// Chooses the offered protocol test at `index` (0 = first); false when out of range.
    bool chooseProtocolTest(int index);
    /// Hand entry (or a test's fields): fills nerve, side, recording and stimulation site.
    void setFields(const QString& nerve, study::Side side, const QString& recordingSite, const QString& stimSite);
    /// RNS: the condition the train is stored under (part of the test's identity: a train before
    /// and one after exercise are two tests); empty = the study's default (rest).
    void setCondition(const QString& condition);

private:
    std::vector<study::ProtocolStep> offered_;
    QComboBox* protocolTest_ = nullptr;
    QLineEdit* nerve_ = nullptr;
    QComboBox* side_ = nullptr;
    QLineEdit* recordingSite_ = nullptr;
    QLineEdit* stimSite_ = nullptr;
    QLabel* conditionLabel_ = nullptr;
    QLineEdit* condition_ = nullptr;   ///< RNS only
};

}  // namespace emg::ui
