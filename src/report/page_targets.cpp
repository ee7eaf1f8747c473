// The two page targets (a PDF in memory, page images) and the two-pass drawing over them.
#include "report_painting.h"

#include <QBuffer>
#include <QByteArray>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>

#include <cmath>
#include <stdexcept>

namespace emg::report::detail {
namespace {

/// A4 pages of a QPdfWriter at the report's resolution and margins.
class PdfTarget final : public PageTarget {
public:
    PdfTarget(QIODevice& out, const std::string& title) : writer_(&out) {
        writer_.setResolution(static_cast<int>(kReportDpi));
        writer_.setPageSize(QPageSize(QPageSize::A4));
        writer_.setPageMargins(QMarginsF(kLeftMarginMm, kTopMarginMm, kRightMarginMm, kBottomMarginMm), QPageLayout::Millimeter);
        writer_.setTitle(QString::fromStdString(title));
        writer_.setCreator("emgws");
        if (!p_.begin(&writer_)) throw std::runtime_error("the PDF could not be started");
    }
    QPainter& painter() override { return p_; }
    void newPage() override { writer_.newPage(); }
    void finish() {
        if (!p_.end()) throw std::runtime_error("the PDF could not be finished");
    }

private:
    QPdfWriter writer_;
    QPainter p_;
};

/// A4 page images at `dpi`. The images carry the report's logical resolution (300 dpi) and the
/// painter is scaled down to the image, so fonts and every length are laid out as in the PDF.
class ImageTarget final : public PageTarget {
public:
    explicit ImageTarget(double dpi) : dpi_(dpi) { startPage(); }
    QPainter& painter() override { return p_; }
    void newPage() override {   // the painter's state goes on to the next page, as on a PDF
        const QFont font = p_.font();
        const QPen pen = p_.pen();
        const QBrush brush = p_.brush();
        p_.end();
        startPage();
        p_.setFont(font);
        p_.setPen(pen);
        p_.setBrush(brush);
    }
    std::vector<QImage> finish() {
        p_.end();
        return std::move(pages_);
    }

private:
    void startPage() {
        QImage page(static_cast<int>(std::lround(kPageWidthMm / 25.4 * dpi_)), static_cast<int>(std::lround(kPageHeightMm / 25.4 * dpi_)),
                    QImage::Format_RGB32);
        page.fill(Qt::white);
        const int dotsPerMeter = static_cast<int>(std::lround(kReportDpi / 0.0254));
        page.setDotsPerMeterX(dotsPerMeter);
        page.setDotsPerMeterY(dotsPerMeter);
        pages_.push_back(std::move(page));   // no painter is active on any page here
        if (!p_.begin(&pages_.back())) throw std::runtime_error("a page image could not be painted");
        p_.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
        p_.scale(dpi_ / kReportDpi, dpi_ / kReportDpi);
        p_.translate(kLeftMarginMm * kReportDotsPerMm, kTopMarginMm * kReportDotsPerMm);
    }

    double dpi_;
    std::vector<QImage> pages_;
    QPainter p_;
};

QByteArray pdfOnce(const std::string& title, const DocumentPainter& paint, int totalPages, int& pages) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        PdfTarget target(buffer, title);
        pages = paint(target, totalPages);
        target.finish();
    }
    buffer.close();
    if (bytes.isEmpty()) throw std::runtime_error("the PDF came out empty");
    return bytes;
}

}  // namespace

std::string paintToPdf(const std::string& title, const DocumentPainter& paint) {
    int counted = 0, pages = 0;
    pdfOnce(title, paint, 0, counted);   // first drawing: how many pages ("page n of m")
    const QByteArray bytes = pdfOnce(title, paint, counted, pages);
    if (pages != counted) throw std::runtime_error("the page count changed between the two drawings");
    return std::string(bytes.constData(), static_cast<std::size_t>(bytes.size()));
}

std::vector<QImage> paintToImages(double dpi, const DocumentPainter& paint) {
    if (!(dpi >= 10.0 && dpi <= 600.0)) throw std::invalid_argument("page images are drawn at 10 to 600 dpi");
    ImageTarget count(10.0);   // the count on small images: the layout does not depend on the image's size
    const int counted = paint(count, 0);
    count.finish();
    ImageTarget target(dpi);
    const int pages = paint(target, counted);
    auto images = target.finish();
    if (pages != counted) throw std::runtime_error("the page count changed between the two drawings");
    return images;
}

}  // namespace emg::report::detail
