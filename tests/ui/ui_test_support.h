#pragma once
// Shared helpers for the GUI tests: one QApplication on the offscreen platform, private temp
// folders, and pixel counting on grabbed images.

#include <QApplication>
#include <QColor>
#include <QDir>
#include <QEventLoop>
#include <QImage>
#include <QRectF>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdlib>

namespace emg::test {

inline QApplication& qtApp() {
    static int argc = 1;
    static char name[] = "test_ui";
    static char* argv[] = {name, nullptr};
    static QApplication* app = [] {
        // ctest sets these; running the binary by hand works too
        if (!std::getenv("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        static QTemporaryDir runtime;
        if (!std::getenv("XDG_RUNTIME_DIR")) qputenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit());
        auto* a = new QApplication(argc, argv);
        QApplication::setApplicationName("emgws-test");
        return a;
    }();
    return *app;
}

/// Runs the event loop for `ms` (charts lay out their legends from it).
inline void runEventsFor(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

/// Pixels of exactly `color` inside `rect` (clipped to the image).
inline int countPixels(const QImage& image, const QRectF& rect, const QColor& color) {
    const QRect r = rect.toAlignedRect().intersected(image.rect());
    const QRgb want = color.rgb();
    int n = 0;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) n += (image.pixel(x, y) & 0xffffff) == (want & 0xffffff);
    return n;
}

/// Columns of `rect` holding at least one pixel of `color`.
inline int columnsWith(const QImage& image, const QRectF& rect, const QColor& color) {
    const QRect r = rect.toAlignedRect().intersected(image.rect());
    const QRgb want = color.rgb() & 0xffffff;
    int n = 0;
    for (int x = r.left(); x <= r.right(); ++x)
        for (int y = r.top(); y <= r.bottom(); ++y)
            if ((image.pixel(x, y) & 0xffffff) == want) {
                ++n;
                break;
            }
    return n;
}

/// Topmost and bottommost row of `rect` holding `color` (-1, -1 if none).
inline std::pair<int, int> verticalExtent(const QImage& image, const QRectF& rect, const QColor& color) {
    const QRect r = rect.toAlignedRect().intersected(image.rect());
    const QRgb want = color.rgb() & 0xffffff;
    int top = -1, bottom = -1;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            if ((image.pixel(x, y) & 0xffffff) == want) {
                if (top < 0) top = y;
                bottom = y;
                break;
            }
    return {top, bottom};
}

}  // namespace emg::test
