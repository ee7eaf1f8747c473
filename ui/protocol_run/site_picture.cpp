// The SVG subset of the site pictures (site_picture.h).
#include "site_picture.h"

#include <QFile>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <vector>
#include <QRegularExpression>
#include <QXmlStreamReader>

#include <stdexcept>

namespace emg::ui {

namespace {
constexpr qint64 kMaxPictureBytes = 256 * 1024;

QColor colorOf(const QString& v) { return v.isEmpty() || v == QLatin1String("none") ? QColor(Qt::transparent) : QColor(v); }

double number(const QXmlStreamAttributes& a, const char* name, double def = 0.0) {
    const auto v = a.value(QLatin1String(name));
    if (v.isEmpty()) return def;
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok) throw std::invalid_argument(std::string("attribute ") + name + " is not a number");
    return d;
}

/// "M x y L x y ... Z" (absolute, commas or blanks between numbers).
QPainterPath pathOf(const QString& d) {
    QPainterPath p;
    QString spaced;
    for (const QChar c : d) {
        if (c.isLetter()) spaced += QLatin1Char(' ') + c + QLatin1Char(' ');
        else spaced += c == QLatin1Char(',') ? QLatin1Char(' ') : c;
    }
    const auto tokens = spaced.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    QChar cmd;
    for (int i = 0; i < tokens.size(); ++i) {
        const QString& t = tokens[i];
        if (t.size() == 1 && t[0].isLetter()) {
            cmd = t[0];
            if (cmd == QLatin1Char('Z')) p.closeSubpath();
            else if (cmd != QLatin1Char('M') && cmd != QLatin1Char('L')) throw std::invalid_argument("path command " + t.toStdString() + " is not drawn");
            continue;
        }
        if (i + 1 >= tokens.size()) throw std::invalid_argument("path: odd number of coordinates");
        const QPointF pt(t.toDouble(), tokens[++i].toDouble());
        if (cmd == QLatin1Char('M')) {
            p.moveTo(pt);
            cmd = QLatin1Char('L');
        } else if (cmd == QLatin1Char('L')) {
            p.lineTo(pt);
        } else {
            throw std::invalid_argument("path: coordinates before a command");
        }
    }
    return p;
}

void paintOf(SiteShape& s, const QXmlStreamAttributes& a) {
    s.id = a.value(QLatin1String("id")).toString();
    s.fill = colorOf(a.value(QLatin1String("fill")).toString());
    s.stroke = colorOf(a.value(QLatin1String("stroke")).toString());
    s.strokeWidth = number(a, "stroke-width", 1.0);
    for (const auto& d : a.value(QLatin1String("stroke-dasharray")).toString().split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts))
        s.dash << d.toDouble() / std::max(s.strokeWidth, 0.1);
}

SiteShape shapeOf(QXmlStreamReader& xml) {
    const auto a = xml.attributes();
    const auto name = xml.name();
    SiteShape s;
    paintOf(s, a);
    if (name == QLatin1String("path")) {
        s.path = pathOf(a.value(QLatin1String("d")).toString());
    } else if (name == QLatin1String("circle")) {
        s.kind = SiteShape::Kind::Circle;
        const double r = number(a, "r");
        s.path.addEllipse(QPointF(number(a, "cx"), number(a, "cy")), r, r);
    } else if (name == QLatin1String("line")) {
        s.kind = SiteShape::Kind::Line;
        s.path.moveTo(number(a, "x1"), number(a, "y1"));
        s.path.lineTo(number(a, "x2"), number(a, "y2"));
    } else if (name == QLatin1String("text")) {
        s.kind = SiteShape::Kind::Text;
        s.at = QPointF(number(a, "x"), number(a, "y"));
        s.fontSize = number(a, "font-size", 12.0);
        const auto anchor = a.value(QLatin1String("text-anchor"));
        s.anchor = anchor == QLatin1String("end") ? Qt::AlignRight : anchor == QLatin1String("middle") ? Qt::AlignHCenter : Qt::AlignLeft;
        s.text = xml.readElementText();
    } else {
        throw std::invalid_argument("element <" + name.toString().toStdString() + "> is not drawn");
    }
    return s;
}
}  // namespace

SitePicture::SitePicture(QWidget* parent) : QWidget(parent) { setMinimumSize(120, 180); }

void SitePicture::clear() {
    shapes_.clear();
    file_.clear();
    update();
}

bool SitePicture::load(const QString& file) {
    clear();
    error_.clear();
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        error_ = tr("cannot read %1").arg(file);
        return false;
    }
    if (f.size() > kMaxPictureBytes) {
        error_ = tr("%1 is larger than %2 KB").arg(file).arg(kMaxPictureBytes / 1024);
        return false;
    }
    QXmlStreamReader xml(f.read(kMaxPictureBytes));
    std::vector<SiteShape> shapes;
    try {
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement) continue;
            if (xml.name() == QLatin1String("svg")) {
                const auto a = xml.attributes();
                view_ = QSizeF(number(a, "width", 400.0), number(a, "height", 600.0));
                continue;
            }
            shapes.push_back(shapeOf(xml));
        }
        if (xml.hasError()) throw std::invalid_argument(xml.errorString().toStdString());
    } catch (const std::exception& e) {
        error_ = tr("%1: %2").arg(file, QString::fromStdString(e.what()));
        return false;
    }
    shapes_ = std::move(shapes);
    file_ = file;
    update();
    return true;
}

QTransform SitePicture::toWidget() const {
    const double scale = std::min(width() / view_.width(), height() / view_.height());
    const double dx = (width() - scale * view_.width()) / 2.0, dy = (height() - scale * view_.height()) / 2.0;
    return QTransform(scale, 0, 0, scale, dx, dy);
}

QPointF SitePicture::widgetPointOf(const QString& id) const {
    for (const auto& s : shapes_)
        if (s.id == id) return toWidget().map(s.kind == SiteShape::Kind::Text ? s.at : s.path.boundingRect().center());
    return {};
}

void SitePicture::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    p.setRenderHint(QPainter::Antialiasing);
    const QTransform toWidget = this->toWidget();
    p.setTransform(toWidget);
    for (const auto& s : shapes_) {
        if (s.kind == SiteShape::Kind::Text) continue;   // drawn after, at a readable size
        QPen pen(s.stroke, s.strokeWidth);
        if (!s.dash.isEmpty()) pen.setDashPattern(s.dash);
        p.setPen(s.stroke.alpha() ? pen : QPen(Qt::NoPen));
        p.setBrush(s.fill.alpha() ? QBrush(s.fill) : QBrush(Qt::NoBrush));
        p.drawPath(s.path);
    }
    // Labels in the widget's pixels, never below kMinLabelPx (the drawing is scaled to a 160 px
    // wide picture on a laptop: 14 px labels would be 5.6 px), wrapped to the picture's width,
    // aligned as the SVG anchors them, stacked so that none covers another and kept inside.
    p.resetTransform();
    struct Label {
        const SiteShape* shape;
        QFont font;
        int align, top, height;
    };
    std::vector<Label> labels;
    const double scale = toWidget.m11();
    const int margin = 2, width = std::max(1, this->width() - 2 * margin);
    for (const auto& s : shapes_) {
        if (s.kind != SiteShape::Kind::Text) continue;
        QFont font = p.font();
        font.setPixelSize(std::max(kMinLabelPx, static_cast<int>(std::lround(s.fontSize * scale))));
        const QFontMetrics fm(font);
        const int align = (s.anchor == Qt::AlignRight ? Qt::AlignRight : s.anchor == Qt::AlignHCenter ? Qt::AlignHCenter : Qt::AlignLeft);
        const int h = fm.boundingRect(QRect(0, 0, width, 100000), align | Qt::TextWordWrap, s.text).height();
        labels.push_back({&s, font, align, static_cast<int>(toWidget.map(s.at).y()) - fm.ascent(), h});
    }
    std::stable_sort(labels.begin(), labels.end(), [](const Label& a, const Label& b) { return a.top < b.top; });
    for (std::size_t i = 0; i < labels.size(); ++i)   // down, each below the one before
        labels[i].top = std::max(labels[i].top, i == 0 ? margin : labels[i - 1].top + labels[i - 1].height);
    for (std::size_t i = labels.size(); i-- > 0;)      // up, each above the one after and inside
        labels[i].top = std::max(margin, std::min(labels[i].top, (i + 1 == labels.size() ? height() - margin : labels[i + 1].top) - labels[i].height));
    for (const auto& l : labels) {
        p.setFont(l.font);
        p.setPen(l.shape->fill.alpha() ? l.shape->fill : QColor(Qt::black));
        p.drawText(QRect(margin, l.top, width, l.height), l.align | Qt::TextWordWrap, l.shape->text);
    }
}

}  // namespace emg::ui
