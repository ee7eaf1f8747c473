#pragma once
// The drawn picture of a stimulation site (resources/sites/*.svg, tools/make_site_pictures.py):
// reads the SVG subset those files use (path with M/L/Z, circle, line with stroke-dasharray, text
// with text-anchor; fill, stroke, stroke-width, font-size attributes; no transforms or styles)
// and paints it scaled to the widget, keeping its aspect ratio. The workstation has no Qt SVG
// module; anything outside the subset is refused by load() with the element's name.

#include <QColor>
#include <QPainterPath>
#include <QString>
#include <QVector>
#include <QWidget>

#include <vector>

namespace emg::ui {

struct SiteShape {
    enum class Kind { Path, Circle, Line, Text } kind = Kind::Path;
    QString id;
    QPainterPath path;        ///< Path, Circle, Line (as a path)
    QPointF at;               ///< Text: anchor point
    QString text;
    double fontSize = 12.0;
    Qt::Alignment anchor = Qt::AlignLeft;
    QColor fill = Qt::transparent, stroke = Qt::transparent;
    double strokeWidth = 1.0;
    QVector<qreal> dash;      ///< in stroke widths
};

class SitePicture : public QWidget {
public:
    explicit SitePicture(QWidget* parent = nullptr);
    /// Reads `file` (bounded to 256 KB); on failure the picture is cleared and false returned with
    /// the reason in error().
    bool load(const QString& file);
    void clear();
    const QString& error() const noexcept { return error_; }
    const QString& file() const noexcept { return file_; }
    const std::vector<SiteShape>& shapes() const noexcept { return shapes_; }
    QSizeF viewSize() const noexcept { return view_; }
    /// Where a shape's centre lands in widget coordinates (for tests); null point when absent.
    QPointF widgetPointOf(const QString& id) const;
    QSize sizeHint() const override { return {200, 300}; }
    /// The smallest label, in pixels (the SVG's font sizes scale down with the picture).
    static constexpr int kMinLabelPx = 10;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QTransform toWidget() const;
    std::vector<SiteShape> shapes_;
    QSizeF view_{400, 600};
    QString error_, file_;
};

}  // namespace emg::ui
