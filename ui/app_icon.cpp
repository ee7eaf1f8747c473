#include "app_icon.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace emg::ui {

namespace {
QPixmap drawIcon(int size) {
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 128.0, size / 128.0);  // designed on the SVG's 128 × 128 grid
    p.setPen(QPen(QColor(0x3c, 0x4a, 0x56), 3));
    p.setBrush(QColor(0x0e, 0x12, 0x16));
    p.drawRoundedRect(QRectF(6, 10, 116, 108), 14, 14);
    p.setPen(QPen(QColor(0x2a, 0x36, 0x40), 1.5));
    for (int x : {29, 52, 75, 98}) p.drawLine(QLineF(x, 20, x, 108));
    for (int y : {42, 86}) p.drawLine(QLineF(14, y, 114, y));
    p.setPen(QPen(QColor(0x46, 0x54, 0x5f), 2));
    p.drawLine(QLineF(14, 64, 114, 64));
    p.setPen(QPen(QColor(0xff, 0xc4, 0x00), 4, Qt::SolidLine, Qt::RoundCap));
    p.drawLine(QLineF(26, 22, 26, 36));
    QPainterPath wave(QPointF(14, 64));
    wave.lineTo(26, 64);
    wave.lineTo(28, 58);
    wave.lineTo(30, 70);
    wave.lineTo(32, 64);
    wave.lineTo(44, 64);
    wave.cubicTo(50, 64, 52, 26, 60, 26);   // negative phase, drawn up
    wave.cubicTo(68, 26, 70, 92, 80, 92);
    wave.cubicTo(88, 92, 90, 64, 98, 64);
    wave.lineTo(114, 64);
    p.setPen(QPen(QColor(0x5a, 0xeb, 0x78), 5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPath(wave);
    return pm;
}
}  // namespace

QIcon applicationIcon() {
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256}) icon.addPixmap(drawIcon(size));
    return icon;
}

}  // namespace emg::ui
