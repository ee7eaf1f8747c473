#pragma once
// The live traces tab with scroll back (issue 13): the live trace view keeps running on top while,
// below it, a review view reads everything acquired so far (the recording being written, or the
// ring of the last minutes when nothing is recorded) through the recorder's own index of complete
// records. Freeze (or a "live" key: F, PgUp) opens that pane on the picture of the moment; one key
// (L, or F again) returns to live. Acquisition, recording and the live view never stop meanwhile.

#include "trace_settings.h"

#include <QWidget>

class QLabel;
class QSplitter;
class QTimer;

namespace emg::ui {

class AcquisitionSession;
class ReviewView;
class TraceView;

class LiveScrollback : public QWidget {
    Q_OBJECT
public:
    /// Takes the live trace view into its layout (top).
    LiveScrollback(AcquisitionSession& session, TraceView* live, QWidget* parent = nullptr);
    ~LiveScrollback() override;

    /// Opens the scroll-back pane at "now" (the live sweep's ms/div and µV/div); false (the
    /// reason in lastError()) when nothing is being acquired into a file or ring.
    bool scrollBack();
    /// Closes the pane; the live view takes the keys again.
    void returnToLive();
    bool scrolledBack() const noexcept { return view_ != nullptr; }
    /// The pane's review view (null when live).
    ReviewView* view() const noexcept { return view_; }
    TraceView& liveView() noexcept { return *live_; }
    const QString& lastError() const noexcept { return lastError_; }

    /// Pages of the pane read on a worker thread (the default) or, false, on the GUI thread as
    /// before (kept for the benchmark's before/after in one run); applies to the next pane opened.
    void setPagesOnWorker(bool on) noexcept { pagesOnWorker_ = on; }

    /// Runs a keymap action of the "live" or "scrollback" context; false for another id.
    bool performAction(const QString& actionId);

signals:
    void scrolledBackChanged(bool scrolledBack);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    /// A recording started while scrolled back: the pane moves to it (at its end) as soon as it
    /// holds a complete record; until then the old pane stays.
    void onRecordingStateChanged(bool active);
    void followNewRecording();

    AcquisitionSession& session_;
    TraceView* live_ = nullptr;
    QSplitter* splitter_ = nullptr;
    QWidget* pane_ = nullptr;
    QLabel* banner_ = nullptr;
    ReviewView* view_ = nullptr;
    QTimer* follow_ = nullptr;   ///< polls for the new recording's first complete record
    int followTicks_ = 0;
    QString lastError_;
    bool pagesOnWorker_ = true;
};

}  // namespace emg::ui
