#pragma once
// The review view's trace area: the rows of the page (ReviewPage) drawn with the live view's
// grid and min/max pixel columns (trace_columns.h), the file's annotations and stimulus marks,
// the reviewer's annotations, holes, and two cursors (left click: cursor 1, right click:
// cursor 2) with their Δt and ΔV.

#include "review_page.h"
#include "trace_layout.h"
#include "trace_settings.h"

#include <emg/review/reviewer_annotations.h>

#include <QElapsedTimer>
#include <QImage>
#include <QPointF>
#include <QVector>
#include <QWidget>

#include <optional>

namespace emg::ui {

struct CursorReadout {
    double t1Sec = 0.0, t2Sec = 0.0;
    double deltaMs = 0.0;            ///< t2 − t1
    std::size_t row = 0;             ///< the row ΔV is read on
    std::optional<double> deltaUv;   ///< v(t2) − v(t1) on that row (none in a hole or off the page)
};

class ReviewTraceArea : public QWidget {
    Q_OBJECT
public:
    explicit ReviewTraceArea(QWidget* parent = nullptr);

    /// What to draw (the view calls it after every change; pointers stay valid meanwhile).
    struct Scene {
        const ReviewPage* page = nullptr;
        std::vector<ReviewRow> rows;
        std::vector<QString> labels;
        const std::vector<review::TimedAnnotation>* fileAnnotations = nullptr;
        std::vector<review::ReviewerAnnotation> reviewerAnnotations;
        double msPerDiv = 1000.0;
        QString footer;
    };
    void setScene(Scene scene);
    /// What is drawn (its page is the view's page object as it is now).
    const Scene& scene() const noexcept { return scene_; }
    const TraceStyle& style() const noexcept { return style_; }
    const TraceLayout& layout() const noexcept { return layout_; }
    /// Plot width in whole pixels (the envelope's columns).
    int plotColumns() const;

    /// Time at x (plot coordinates) and back.
    double timeAtX(double x) const;
    double xAtTime(double tSec) const;

    void setCursors(std::optional<double> t1Sec, std::optional<double> t2Sec, std::size_t row);
    std::optional<double> cursor1() const noexcept { return cursor1_; }
    std::optional<double> cursor2() const noexcept { return cursor2_; }
    std::optional<CursorReadout> readout() const;

    /// Milliseconds from construction to the first paint that drew a page (empty before).
    std::optional<double> firstPaintMs() const noexcept { return firstPaintMs_; }

    QColor cursorColor() const { return {0, 200, 255}; }
    QColor annotationColor() const { return {240, 160, 255}; }
    QColor reviewerColor() const { return {255, 140, 60}; }
    QColor spanColor() const { return {0, 200, 255, 48}; }

    /// The reviewer annotation whose mark is within a few pixels of plot x (none when none).
    std::optional<std::int64_t> reviewerMarkAt(double x) const;

signals:
    void cursorsChanged();
    /// Right click on a reviewer annotation's mark (instead of placing cursor 2).
    void reviewerMarkMenuRequested(std::int64_t id, const QPoint& globalPos);
    /// The first paint that drew a page (once; firstPaintMs() is set).
    void firstPainted();
    /// A paint is about to draw (direct connection: the view may set a new scene in it, drawn by
    /// this paint: the page read at the width the widget really has).
    void aboutToPaint();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void computeLayout();
    /// Draws the scene into frame_ (the paint then only blits it).
    void renderFrame();
    /// The grid and row labels, kept until the size, the rows' labels or sensitivities change.
    void renderBackground();
    void drawRows(QImage& frame, QPainter& painter);
    void drawMarks(QPainter& painter);
    std::size_t rowAtY(double y) const;

    Scene scene_;
    TraceStyle style_;
    TraceLayout layout_;
    QImage frame_;
    bool frameStale_ = true;   ///< the scene or cursors changed since frame_ was drawn
    QImage background_;
    bool backgroundStale_ = true;
    std::vector<ColumnMinMax> columns_;
    QVector<QPointF> points_;
    std::optional<double> cursor1_, cursor2_;
    std::size_t cursorRow_ = 0;
    bool spanDrag_ = false;   ///< shift+left drag: cursor 1 where pressed, cursor 2 follows
    QElapsedTimer sinceCreated_;
    std::optional<double> firstPaintMs_;
};

}  // namespace emg::ui
