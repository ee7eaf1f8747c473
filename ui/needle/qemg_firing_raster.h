#pragma once
// A firing raster: one row per unit, a tick at each firing time, over a common time span (so two
// rasters, ours and an expert's, can be read one above the other).

#include <QColor>
#include <QString>
#include <QWidget>

#include <vector>

namespace emg::ui {

struct RasterRow {
    QString label;
    std::vector<double> timesSec;
    QColor color;
    /// Empty or parallel to timesSec: 1 for a firing found where the unit's train predicted it,
    /// drawn as a short tick (the train's, not seen as a clean potential).
    std::vector<char> predicted;
};

class QemgFiringRaster : public QWidget {
    Q_OBJECT
public:
    explicit QemgFiringRaster(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void setRows(std::vector<RasterRow> rows);
    /// The time span shown; an empty span (from >= to) fits the firings.
    void setSpan(double fromSec, double toSec);
    int rowCount() const noexcept { return static_cast<int>(rows_.size()); }
    const RasterRow& row(int i) const { return rows_.at(static_cast<std::size_t>(i)); }
    /// Firings drawn (inside the span), over all rows.
    std::size_t ticksDrawn() const noexcept;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString title_;
    std::vector<RasterRow> rows_;
    double fromSec_ = 0.0, toSec_ = 0.0;
};

}  // namespace emg::ui
