#pragma once
// The red banner above the panels when a recording stopped on a write error (disk full, file too
// large): the reason, the file and what it kept. It stays until the user dismisses it or starts
// a new recording. Also the texts of the dialog and of the study note for the same event.

#include <QFrame>
#include <QString>

class QLabel;
class QPushButton;

namespace emg::ui {

/// What the user is told about a failed recording (one event, three wordings).
struct RecordingFailureText {
    QString banner;      ///< one line for the banner
    QString dialog;      ///< the dialog's text: reason, path, what was saved, what goes on
    QString studyNote;   ///< "recording stopped: <reason>, <n> s saved (<file>)"
};
RecordingFailureText recordingFailureText(const QString& reason, const QString& path, double secondsSaved, qint64 records);

class RecordingFailureBanner : public QFrame {
    Q_OBJECT
public:
    explicit RecordingFailureBanner(QWidget* parent = nullptr);
    void showFailure(const QString& text);
    QString text() const;

signals:
    void dismissed();

private:
    QLabel* text_;
    QPushButton* dismiss_;
};

}  // namespace emg::ui
