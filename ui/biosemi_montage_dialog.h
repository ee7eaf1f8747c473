#pragma once
// The ActiveTwo's montage editor: which channels are recorded and displayed, in order. A preset
// (EX pairs, EX pairs with A1-A8 against CMS, A1-A32, an NCS pair with Status) or a list edited
// label by label ("EX3-EX4" bipolar, "A5" against CMS, "Status"). OK only when every label parses
// in the receiver's layout (biosemi_montage.h); the labels become the recording's channel labels.

#include <biosemi/biosemi_protocol.h>

#include <QDialog>

#include <string>
#include <vector>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace emg::ui {

class BiosemiMontageDialog : public QDialog {
    Q_OBJECT
public:
    /// layout: the open receiver's, else biosemi::montageCheckLayout().
    BiosemiMontageDialog(const std::vector<std::string>& labels, const biosemi::Layout& layout, QWidget* parent = nullptr);
    std::vector<std::string> labels() const;
    /// Adds a label (the "Add" button); false with the reason shown when the layout refuses it.
    bool addLabel(const QString& label);
    QString problem() const;

private:
    void setLabels(const std::vector<std::string>& labels);
    void check();

    biosemi::Layout layout_;
    QComboBox* preset_;
    QListWidget* list_;
    QLineEdit* entry_;
    QLabel* problem_;
    QDialogButtonBox* buttons_;
};

}  // namespace emg::ui
