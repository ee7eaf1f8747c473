// The page for the patient on a page target: large type, one heading per section, the patient's
// name and ID at the top, "page n of m" at the foot. PDF and images come from this one painting.
#include <emg/report/patient_page_pdf.h>

#include <emg/io/safe_file_writer.h>

#include "report_painting.h"

#include <QFont>
#include <QString>

#include <spdlog/spdlog.h>

namespace emg::report {
namespace {

using detail::kPaintHeightMm;
using detail::kPaintWidthMm;
using detail::kReportDotsPerMm;

QString q(const std::string& s) { return QString::fromStdString(s); }

constexpr double kFooterMm = 10.0;

class PatientPainter {
public:
    PatientPainter(detail::PageTarget& target, const PatientPage& page, int totalPages)
        : target_(target), p_(target.painter()), page_(page), totalPages_(totalPages) {}

    int paint() {
        block(q(page_.title), QFont("DejaVu Sans", 20, QFont::Bold), 3.0);
        QString who = q(page_.patientName);
        if (!page_.patientId.empty()) who += QString("   ·   Patient ID %1").arg(q(page_.patientId));
        if (!page_.studyDate.empty()) who += QString("   ·   Test date %1").arg(q(page_.studyDate));
        block(who, QFont("DejaVu Sans", 11), 6.0);
        for (const auto& section : page_.sections) {
            need(30.0);
            block(q(section.heading), QFont("DejaVu Sans", 15, QFont::Bold), 2.0);
            for (const auto& para : section.paragraphs) block(q(para), QFont("DejaVu Sans", 13), 2.5);
            y_ += 3.0;
        }
        if (!page_.confirmedBy.empty()) block(QString("Your results were read by %1.").arg(q(page_.confirmedBy)), QFont("DejaVu Sans", 13), 0);
        footer();
        return pages_;
    }

private:
    double mm(double v) const { return v * kReportDotsPerMm; }
    void need(double heightMm) {
        if (y_ + heightMm <= kPaintHeightMm - kFooterMm) return;
        footer();
        target_.newPage();
        ++pages_;
        y_ = 0;
    }
    /// A block of text set line by line (detail::drawWrappedLines): a long one continues on the next page.
    void block(const QString& text, const QFont& font, double afterMm) {
        p_.setPen(Qt::black);
        detail::drawWrappedLines(p_, text, font, kPaintWidthMm, [this](double lineMm, double keepMm) {
            need(keepMm);
            const double y = y_;
            y_ += lineMm;
            return y;
        });
        y_ += afterMm;
    }
    void footer() {
        p_.save();
        p_.setFont(QFont("DejaVu Sans", 8));
        p_.setPen(Qt::darkGray);
        const QRectF r(0, mm(kPaintHeightMm - 6), mm(kPaintWidthMm), mm(6));
        p_.drawLine(QPointF(0, r.top()), QPointF(r.right(), r.top()));
        if (!page_.patientId.empty()) p_.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, QString("Patient ID %1").arg(q(page_.patientId)));
        p_.drawText(r, Qt::AlignRight | Qt::AlignVCenter,
                    totalPages_ > 0 ? QString("Page %1 of %2").arg(pages_).arg(totalPages_) : QString("Page %1").arg(pages_));
        p_.restore();
    }

    detail::PageTarget& target_;
    QPainter& p_;
    const PatientPage& page_;
    int totalPages_ = 0;
    int pages_ = 1;
    double y_ = 0.0;
};

detail::DocumentPainter painterOf(const PatientPage& page) {
    return [&page](detail::PageTarget& target, int totalPages) { return PatientPainter(target, page, totalPages).paint(); };
}

}  // namespace

std::string renderPatientPagePdf(const PatientPage& page) { return detail::paintToPdf(page.title, painterOf(page)); }

int writePatientPagePdf(const PatientPage& page, const std::filesystem::path& path) {
    io::SafeFileWriter out(path);   // a refused target costs no drawing
    int pages = 0;
    std::string pdf;
    try {
        pdf = detail::paintToPdf(page.title, [&](detail::PageTarget& target, int totalPages) {
            pages = PatientPainter(target, page, totalPages).paint();
            return pages;
        });
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("cannot write " + path.string() + ": " + e.what());
    }
    out.write(pdf.data(), pdf.size());
    out.commit();
    spdlog::info("patient page written: {} ({} page(s))", path.string(), pages);
    return pages;
}

std::vector<QImage> renderPatientPageImages(const PatientPage& page, double dpi) { return detail::paintToImages(dpi, painterOf(page)); }

}  // namespace emg::report
