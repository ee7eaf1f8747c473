#pragma once
// The study the workstation is working on, shared by the panels through PanelContext: the Study
// tab selects it, other panels (NCS review "Save to study", the recorder link) add to it. Holds
// only identifiers; the study itself lives in the session store.

#include <QObject>
#include <QString>

namespace emg::ui {

class ActiveStudy : public QObject {
    Q_OBJECT
public:
    explicit ActiveStudy(QObject* parent = nullptr);

    bool isSet() const noexcept { return !studyId_.isEmpty(); }
    const QString& studyId() const noexcept { return studyId_; }
    const QString& patientId() const noexcept { return patientId_; }
    /// Short text for the status bar and tab, e.g. "P001 Doe, Jane · 2026-11-30 lumbosacral-radiculopathy".
    const QString& label() const noexcept { return label_; }

    /// Makes `studyId` the active study (empty: none). Emits changed() when it differs.
    void set(const QString& studyId, const QString& patientId, const QString& label);
    void clear() { set({}, {}, {}); }
    /// A panel stored something into the active study (tests, findings, a recording).
    void notifyModified() { emit modified(studyId_); }

signals:
    void changed(const QString& studyId);
    void modified(const QString& studyId);

private:
    QString studyId_, patientId_, label_;
};

}  // namespace emg::ui
