#pragma once
// The one "Save to study" component of the workstation (NCS review, late responses, needle):
// a group box with the panel's own fields on top (setFields), the save button, which study the
// result goes to (or why it cannot: no session store, no active study, a reason the panel gives)
// and what the last save did. It follows the active study (a later setTarget replaces the earlier
// store and ActiveStudy) and opens the Qt-free study session (emg/study/study_session.h) that does
// the saving. Child object names: "<prefix>" (button), "<prefix>-study", "<prefix>-status".

#include <emg/study/study_session.h>

#include <QGroupBox>
#include <QPointer>

#include <optional>

class QGridLayout;
class QLabel;
class QPushButton;

namespace emg::ui {

class ActiveStudy;

class StudySaveBar : public QGroupBox {
    Q_OBJECT
public:
    StudySaveBar(const QString& objectPrefix, const QString& buttonText, QWidget* parent = nullptr);

    /// Where saves go. Either may be null (nothing can be saved then); a second call replaces the first.
    void setTarget(study::SessionStore* store, ActiveStudy* active);
    /// A reason of the panel's why its current result cannot be saved (empty: none); shown and
    /// the button disabled while set.
    void setBlocked(const QString& reason);
    /// The session of the active study, or nothing with the reason shown as an error status.
    std::optional<study::StudySession> openSession();
    /// After a successful save: the status, and the panels told (ActiveStudy::modified).
    void saved(const QString& text);
    /// After a failed save: "Not saved: <why>" as an error status, logged.
    void failed(const QString& why);
    void setStatus(const QString& text, bool error);

    /// The panel's fields, placed above the button row.
    QGridLayout* fieldsLayout() const noexcept { return fields_; }
    QPushButton* button() const noexcept { return save_; }
    bool hasStudy() const;
    /// "P001 Doe · 2026-11-30 …" of the active study (empty: none).
    QString studyLabel() const;

signals:
    void saveRequested();
    /// The target or the active study changed (panels refresh their protocol tests).
    void targetChanged();

private:
    void refresh();

    QGridLayout* fields_ = nullptr;
    QPushButton* save_ = nullptr;
    QLabel* study_ = nullptr;
    QLabel* status_ = nullptr;
    QString prefix_;
    QString blocked_;
    study::SessionStore* store_ = nullptr;
    QPointer<ActiveStudy> active_;
};

}  // namespace emg::ui
