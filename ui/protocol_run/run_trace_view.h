#pragma once
// The protocol run's traces (issue 14): the sites of the current test drawn cascaded, distal at the
// top, each with its kept sweeps superimposed (grey) and the sweep measured (black: the latest, or
// for a sensory response the average of the kept sweeps) with its markers; the selected marker of
// the current site in red. A late response (F-wave, H-reflex) shows its sweeps as a raster, one
// row per sweep. Rows share the test's gain (µV per row), so a smaller proximal response looks smaller.

#include <QWidget>

#include <functional>

class QPainter;
class QRectF;

namespace emg::study {
class RunSite;
struct RunTest;
}

namespace emg::ui {

class RunTraceView : public QWidget {
public:
    /// `siteAt(i)` gives the run site of position i of the current test (null: none yet).
    using SiteSource = std::function<study::RunSite*(std::size_t position)>;
    explicit RunTraceView(QWidget* parent = nullptr);

    /// Shows `test` (null: nothing) with `current` the position being stimulated.
    void show(const study::RunTest* test, std::size_t current, SiteSource sites);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paintRow(QPainter& p, const QRectF& row, const study::RunSite& site, bool current, double uvPerRow, double msSpan) const;
    void paintRaster(QPainter& p, const QRectF& area, const study::RunSite& site, double uvPerRow, double msSpan) const;

    const study::RunTest* test_ = nullptr;
    std::size_t current_ = 0;
    SiteSource sites_;
};

}  // namespace emg::ui
