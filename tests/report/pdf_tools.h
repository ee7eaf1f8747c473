#pragma once
// Running poppler's pdftoppm and pdftotext on a PDF a test wrote, and the Qt application the
// PDF drawing needs (offscreen).
#include <QGuiApplication>
#include <QImage>
#include <QString>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace emg::test {

inline QGuiApplication& pdfApp() {
    static int argc = 1;
    static char name[] = "test_report_pages";
    static char* argv[] = {name, nullptr};
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static QGuiApplication a(argc, argv);
    return a;
}

inline std::string runCommand(const std::string& cmd, int* rc = nullptr) {
    std::string out;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return out;
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), pipe)) out += buf.data();
    const int status = pclose(pipe);
    if (rc) *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

inline bool havePoppler() { return std::system("command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1") == 0; }

/// The PDF's text (pdftotext, reading order).
inline std::string pdfText(const std::filesystem::path& pdf) { return runCommand("pdftotext '" + pdf.string() + "' -"); }

/// The PDF's pages as images at `dpi` (pdftoppm), written as `dir`/`prefix`-N.png and kept for a look.
inline std::vector<QImage> pdfPageImages(const std::filesystem::path& pdf, const std::filesystem::path& dir, const std::string& prefix,
                                         int dpi) {
    // pdftoppm's pages only, "<prefix>-<digits>.png": another test's "<prefix>-other-1.png", written
    // in the same folder while the tests run in parallel, is neither removed nor read as a page
    const auto isPage = [&](const std::filesystem::path& p) {
        const std::string stem = p.stem().string();
        if (p.extension() != ".png" || stem.size() <= prefix.size() + 1 || stem.rfind(prefix + "-", 0) != 0) return false;
        return std::all_of(stem.begin() + static_cast<std::ptrdiff_t>(prefix.size() + 1), stem.end(),
                           [](unsigned char c) { return std::isdigit(c) != 0; });
    };
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (isPage(e.path())) std::filesystem::remove(e.path());
    runCommand("pdftoppm -r " + std::to_string(dpi) + " -png '" + pdf.string() + "' '" + (dir / prefix).string() + "'");
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (isPage(e.path())) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<QImage> pages;
    for (const auto& f : files) pages.push_back(QImage(QString::fromStdString(f.string())).convertToFormat(QImage::Format_RGB32));
    return pages;
}

/// A page size that differs by one pixel (pdftoppm rounds the sheet's 841.89 pt up, Qt to the
/// nearest pixel) is compared on the common part.
inline bool samePageSize(const QImage& a, const QImage& b) {
    return !a.isNull() && std::abs(a.width() - b.width()) <= 1 && std::abs(a.height() - b.height()) <= 1;
}

/// Mean absolute grey-level difference of two pages at `dpi` (0 = equal, 1 = black on white
/// everywhere), both averaged over blocks of about 1.3 mm first: antialiasing and glyph
/// rasterisation of two renderers differ at the pixel level, a layout at the size of a letter.
inline double pageDifference(const QImage& a, const QImage& b, double dpi) {
    if (!samePageSize(a, b)) return 1.0;
    const QRect common(0, 0, std::min(a.width(), b.width()), std::min(a.height(), b.height()));
    const int block = std::max(1, static_cast<int>(std::lround(dpi / 19.0)));
    const QSize small = common.size() / block;
    const QImage x =
        a.copy(common).convertToFormat(QImage::Format_Grayscale8).scaled(small, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    const QImage y =
        b.copy(common).convertToFormat(QImage::Format_Grayscale8).scaled(small, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    double sum = 0.0;
    for (int row = 0; row < x.height(); ++row) {
        const uchar* p = x.constScanLine(row);
        const uchar* q = y.constScanLine(row);
        for (int col = 0; col < x.width(); ++col) sum += std::abs(static_cast<int>(p[col]) - static_cast<int>(q[col]));
    }
    return sum / (255.0 * x.width() * x.height());
}

/// Share of a page that is not white paper (ink), on the same reduced page as pageDifference.
inline double inkShare(const QImage& a) {
    const QImage x = a.convertToFormat(QImage::Format_Grayscale8).scaled(a.size() / 4, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    double sum = 0.0;
    for (int row = 0; row < x.height(); ++row) {
        const uchar* p = x.constScanLine(row);
        for (int col = 0; col < x.width(); ++col) sum += 255 - p[col];
    }
    return sum / (255.0 * x.width() * x.height());
}

/// A word of a PDF page and its box (pdftotext -bbox), in points from the page's top-left corner.
struct PdfWordBox {
    std::string word;
    double x0, y0, x1, y1;
};

/// The words of one page with their boxes.
inline std::vector<PdfWordBox> pdfWordBoxes(const std::filesystem::path& pdf, int page) {
    const std::string html = runCommand("pdftotext -bbox -f " + std::to_string(page) + " -l " + std::to_string(page) + " '" + pdf.string() + "' -");
    std::vector<PdfWordBox> out;
    for (std::size_t at = html.find("<word "); at != std::string::npos; at = html.find("<word ", at + 1)) {
        PdfWordBox w{};
        if (std::sscanf(html.c_str() + at, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">", &w.x0, &w.y0, &w.x1, &w.y1) != 4) continue;
        const auto open = html.find('>', at), close = html.find("</word>", at);
        if (open == std::string::npos || close == std::string::npos) continue;
        w.word = html.substr(open + 1, close - open - 1);
        out.push_back(w);
    }
    return out;
}

}  // namespace emg::test
