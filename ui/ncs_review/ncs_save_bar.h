#pragma once
// "Save to study" of the NCS review: the one save bar (study_save_bar.h) with the fields of which
// test the measured response belongs to (motor or sensory, nerve, recording site, side,
// stimulation site, distance mm).
// The active study's protocol guides it: choosing one of the protocol's motor or sensory tests
// fills kind, nerve and recording site and offers that test's stimulation sites with their
// distances; everything stays editable by hand.

#include "study_save_bar.h"

#include <emg/study/ncs_entry.h>

#include <emg/study/protocol.h>

#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace emg::ui {

class NcsSaveBar : public StudySaveBar {
    Q_OBJECT
public:
    explicit NcsSaveBar(QWidget* parent = nullptr);

    /// The entry as typed (placedBy and source are the caller's).
    study::NcsSiteEntry entry() const;
    /// The protocol's tests offered in the "protocol test" combo (only motor and sensory steps are
    /// kept); an empty list leaves hand entry only.
    void setProtocolTests(const std::vector<study::ProtocolStep>& steps);
    /// Chooses the protocol test at `index` of the combo's tests (0 = first protocol test); false when out of range.
    bool chooseProtocolTest(int index);
    /// Chooses that stimulation site of the chosen protocol test (fills the site and its distance).
    bool chooseProtocolSite(int index);
    /// "motor peroneal → extensor digitorum brevis".
    static QString describe(const study::ProtocolStep& step);

private:
    void onProtocolTest(int comboIndex);
    void onProtocolSite(int comboIndex);

    std::vector<study::ProtocolStep> steps_;
    QComboBox* protocolTest_ = nullptr;
    QComboBox* protocolSite_ = nullptr;
    QComboBox* kind_ = nullptr;
    QLineEdit* nerve_ = nullptr;
    QLineEdit* recordingSite_ = nullptr;
    QComboBox* side_ = nullptr;
    QLineEdit* site_ = nullptr;
    QDoubleSpinBox* distanceMm_ = nullptr;
};

}  // namespace emg::ui
