#pragma once
// The Study tab's signing row: whether the active study is signed (by whom, when), "Sign…" (the
// examiner's typed name, confirmed; the same engine call as `emgws-cli studies sign`, which
// stores the PDF and locks the study) and "Addendum…" (later text on a signed study, as
// `emgws-cli studies addendum`). The dialogs only gather the text; sign() and addAddendum() do
// the work, so tests call them directly.

#include "study_reference.h"

#include <emg/study/session_store.h>

#include <QWidget>

#include <string>

class QLabel;
class QPushButton;

namespace emg::ui {

class StudySigningBar : public QWidget {
    Q_OBJECT
public:
    explicit StudySigningBar(QWidget* parent = nullptr);

    /// The study the buttons act on (empty id: none; both buttons off). The store and the
    /// reference data must outlive the bar.
    void setStudy(study::SessionStore* store, const StudyReference* reference, const std::string& studyId);
    /// Signs the study as `examiner` with this process's OS login; false (message emitted) when refused.
    bool sign(const QString& examiner);
    /// Adds later text to the signed study; false (message emitted) when refused.
    bool addAddendum(const QString& text, const QString& author);
    /// "Not signed" or "Signed by NAME (login L) at T · n addenda".
    QString statusText() const;

signals:
    void message(const QString& text, bool error);
    /// The study was signed or got an addendum: views of it should be read again.
    void studyChanged();

private:
    void refresh();
    void onSignClicked();
    void onAddendumClicked();

    study::SessionStore* store_ = nullptr;
    const StudyReference* reference_ = nullptr;
    std::string studyId_;
    std::string examiner_;   ///< the study's examiner, offered as the name to sign with
    QLabel* status_ = nullptr;
    QPushButton* sign_ = nullptr;
    QPushButton* addendum_ = nullptr;
};

}  // namespace emg::ui
