#include <emg/report/pdf_report_writer.h>
#include <emg/report/report_pages.h>

#include <emg/io/safe_file_writer.h>

#include "figure_painter.h"
#include "report_painting.h"
#include "nice_step.h"

#include <QDateTime>
#include <QFont>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QString>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>
#include <cmath>
#include <stdexcept>

namespace emg::report {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

using detail::kLeftMarginMm;
using detail::kTopMarginMm;

/// Page cursor: converts millimetres to device units and breaks pages.
class PageCursor {
public:
    /// totalPages: the page count of a first drawing ("Page n of m"), 0 while it is not known.
    PageCursor(detail::PageTarget& target, const ReportModel& model, int totalPages)
        : target_(target), p_(target.painter()), model_(model), totalPages_(totalPages) {
        dotsPerMm_ = detail::kReportDotsPerMm;
        pageWidthMm_ = detail::kPaintWidthMm;
        pageHeightMm_ = detail::kPaintHeightMm;
        y_ = 0;
        pages_ = 1;
    }
    double mm(double v) const { return v * dotsPerMm_; }
    double widthMm() const { return pageWidthMm_; }
    double y() const { return y_; }
    void advance(double dyMm) { y_ += dyMm; }
    int pages() const { return pages_; }
    /// Start a new page if fewer than `neededMm` remain above the footer.
    void need(double neededMm) {
        if (y_ + neededMm > pageHeightMm_ - kFooterMm) newPage();
    }
    void newPage() {
        footer();
        target_.newPage();
        ++pages_;
        y_ = 0;
        runningHeader();
    }
    void footer() {
        p_.save();
        QFont f("DejaVu Sans", 7);
        p_.setFont(f);
        p_.setPen(Qt::darkGray);
        const QRectF r(0, mm(pageHeightMm_ - 6), mm(pageWidthMm_), mm(6));
        p_.drawLine(QPointF(0, r.top()), QPointF(r.right(), r.top()));
        const QString id = patientId();
        const QString left = (id.isEmpty() ? QString() : QString("Patient ID %1 · ").arg(id)) + QString("emgws — %1").arg(q(model_.generatedAt));
        const QString right = totalPages_ > 0 ? QString("Page %1 of %2").arg(pages_).arg(totalPages_) : QString("Page %1").arg(pages_);
        const QString stamp = QStringLiteral("PRELIMINARY — not signed");
        const QFont stampFont("DejaVu Sans", 8, QFont::Bold);
        // only a report signed through the store is final; its stamp sits between the ID and the page
        // number, or, when a long patient ID reaches the middle, on a line of its own under them
        // (never over the ID)
        bool ownLine = false;
        if (!model_.signature) {
            const double leftEnd = p_.boundingRect(r, Qt::AlignLeft | Qt::AlignVCenter, left).right();
            const double rightStart = p_.boundingRect(r, Qt::AlignRight | Qt::AlignVCenter, right).left();
            const double half = QFontMetricsF(stampFont, p_.device()).horizontalAdvance(stamp) / 2.0;
            ownLine = r.center().x() - half < leftEnd + mm(2) || r.center().x() + half > rightStart - mm(2);
        }
        const QRectF line = ownLine ? QRectF(r.left(), r.top(), r.width(), r.height() / 2) : r;
        p_.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, left);
        p_.drawText(line, Qt::AlignRight | Qt::AlignVCenter, right);
        if (!model_.signature) {
            p_.setFont(stampFont);
            p_.setPen(QColor(150, 20, 20));
            p_.drawText(ownLine ? QRectF(r.left(), r.center().y(), r.width(), r.height() / 2) : r, Qt::AlignHCenter | Qt::AlignVCenter, stamp);
        }
        p_.restore();
    }
    void runningHeader() {
        p_.save();
        QFont f("DejaVu Sans", 7);
        p_.setFont(f);
        p_.setPen(Qt::darkGray);
        QString who;
        for (const auto& [k, v] : model_.patientFields)
            if (k == "Name" || k == "Patient" || isIdLabel(k)) who += q(k) + ": " + q(v) + "   ";
        p_.drawText(QRectF(0, 0, mm(pageWidthMm_), mm(5)), Qt::AlignLeft | Qt::AlignVCenter, q(model_.title) + "   " + who);
        p_.restore();
        y_ = 8;
    }

    static bool isIdLabel(const std::string& k) { return k == "ID" || k == "Patient ID"; }
    QString patientId() const {
        for (const auto& [k, v] : model_.patientFields)
            if (isIdLabel(k)) return q(v);
        return {};
    }

private:
    static constexpr double kFooterMm = 9.0;
    detail::PageTarget& target_;
    QPainter& p_;
    const ReportModel& model_;
    double dotsPerMm_ = 1;
    double pageWidthMm_ = 180, pageHeightMm_ = 267;
    double y_ = 0;
    int pages_ = 1;
    int totalPages_ = 0;
};

double textHeightMm(QPainter& p, const PageCursor& c, const QString& text, double widthMm) {
    const QRectF r = p.boundingRect(QRectF(0, 0, c.mm(widthMm), 1e6), Qt::TextWordWrap, text);
    return r.height() / c.mm(1.0);
}

void sectionTitle(QPainter& p, PageCursor& c, const QString& title) {
    c.need(14);
    c.advance(3);
    QFont f("DejaVu Sans", 11, QFont::Bold);
    p.setFont(f);
    p.setPen(QColor(20, 40, 90));
    p.drawText(QRectF(0, c.mm(c.y()), c.mm(c.widthMm()), c.mm(6)), Qt::AlignLeft | Qt::AlignVCenter, title);
    c.advance(6.5);
    p.setPen(QPen(QColor(20, 40, 90), c.mm(0.3)));
    p.drawLine(QPointF(0, c.mm(c.y())), QPointF(c.mm(c.widthMm()), c.mm(c.y())));
    c.advance(1.5);
    p.setPen(Qt::black);
}

/// Height (mm) of `lines` lines of text in `f` on the painter's device.
double linesMm(QPainter& p, const PageCursor& c, const QFont& f, int lines) {
    return lines * QFontMetricsF(f, p.device()).lineSpacing() / c.mm(1.0);
}

/// Text wrapped to the page width and drawn line by line (detail::drawWrappedLines), each line
/// of the text on a line of its own: a paragraph taller than the space left continues on the next
/// page (it was drawn as one block, under the footer and off the page).
void paragraph(QPainter& p, PageCursor& c, const QString& text, int pointSize = 9) {
    const QFont f("DejaVu Sans", pointSize);
    for (const QString& para : text.split('\n')) {
        detail::drawWrappedLines(p, para, f, c.widthMm(), [&c](double lineMm, double keepMm) {
            c.need(keepMm);
            const double y = c.y();
            c.advance(lineMm);
            return y;
        });
        c.advance(1.0);
    }
}

/// A section title and its text, the title kept with the text's first two lines.
void sectionWithText(QPainter& p, PageCursor& c, const QString& title, const QString& text, int pointSize = 9) {
    c.need(14.0 + linesMm(p, c, QFont("DejaVu Sans", pointSize), 2));
    sectionTitle(p, c, title);
    paragraph(p, c, text, pointSize);
}

/// Fields in two columns of label and value. A value longer than kGridValueLines lines in its column
/// (a referral letter pasted into "Indication") is set after the grid as its own labelled paragraph,
/// line by line across pages: in the grid it made one row taller than the page, drawn past the footer.
void keyValueGrid(QPainter& p, PageCursor& c, const std::vector<std::pair<std::string, std::string>>& fields) {
    constexpr int kGridValueLines = 6;
    if (fields.empty()) return;
    QFont label("DejaVu Sans", 8, QFont::Bold);
    QFont value("DejaVu Sans", 9);
    const double colW = c.widthMm() / 2.0;
    std::vector<std::pair<std::string, std::string>> kv, longValues;
    p.setFont(value);
    for (const auto& f : fields)
        (textHeightMm(p, c, q(f.second), colW - 34) > linesMm(p, c, value, kGridValueLines) ? longValues : kv).push_back(f);
    for (std::size_t i = 0; i < kv.size(); i += 2) {
        double rowH = 5.0;
        p.setFont(value);
        for (std::size_t k = 0; k < 2 && i + k < kv.size(); ++k)
            rowH = std::max(rowH, textHeightMm(p, c, q(kv[i + k].second), colW - 34) + 1.0);
        c.need(rowH);
        for (std::size_t k = 0; k < 2 && i + k < kv.size(); ++k) {
            const double x = k * colW;
            p.setFont(label);
            p.drawText(QRectF(c.mm(x), c.mm(c.y()), c.mm(32), c.mm(rowH)), Qt::AlignLeft | Qt::AlignVCenter,
                       q(kv[i + k].first));
            p.setFont(value);
            p.drawText(QRectF(c.mm(x + 33), c.mm(c.y()), c.mm(colW - 34), c.mm(rowH)),
                       Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, q(kv[i + k].second));
        }
        c.advance(rowH);
    }
    for (const auto& [name, text] : longValues) {
        c.need(5.0 + linesMm(p, c, value, 2));
        p.setFont(label);
        p.drawText(QRectF(0, c.mm(c.y()), c.mm(c.widthMm()), c.mm(5.0)), Qt::AlignLeft | Qt::AlignVCenter, q(name));
        c.advance(5.0);
        paragraph(p, c, q(text));
    }
}

/// A cell as printed: a value outside its limits flagged "*", kept on the value's line.
QString cellText(const ReportCell& cell) { return q(cell.text) + (cell.abnormal ? QString(QChar(0x00a0)) + "*" : QString()); }

/// A header as set in a column: its long compound words given a break point (a soft hyphen, drawn
/// as "-" where the line breaks): "Chronodispersion" alone is wider than its column in a 17-column
/// table even at 5.5 pt and ran into its neighbours.
QString breakableHeader(const std::string& header) {
    static const std::pair<const char*, const char*> breaks[] = {{"Chronodispersion", "Chrono\u00ADdispersion"}};
    QString h = q(header);
    for (const auto& [word, broken] : breaks) h.replace(QString::fromUtf8(word), QString::fromUtf8(broken));
    return h;
}

/// Column widths (mm) of a table at `pointSize`: each column's natural width (its widest cell, or its
/// header's longest word, since headers wrap), then fitted to the page; cells that no longer fit
/// wrap onto more lines. Empty when even the longest words do not fit, unless `squeeze`.
std::vector<double> columnWidthsMm(QPainter& p, const PageCursor& c, const ReportTable& t, std::size_t cols, double pointSize,
                                   bool squeeze = false) {
    const QFont headFont("DejaVu Sans", pointSize, QFont::Bold);
    const QFont cellFont("DejaVu Sans", pointSize);
    auto textWidth = [&](const QFont& f, const QString& s) {
        QFontMetricsF fm(f, p.device());
        return fm.horizontalAdvance(s) / c.mm(1.0);
    };
    // minimum: the longest single word (header or cell); natural: the whole widest cell
    std::vector<double> minW(cols, 6.0), w(cols, 6.0);
    const QChar softHyphen(0x00AD);
    auto widen = [&](std::size_t i, const QFont& f, const QString& s) {
        // drawn in w - 2 mm: 1 mm to spare (at 2.5 "0.343" broke at its point); a word with soft
        // hyphens needs its widest part and the "-" drawn where it breaks
        for (const QString& word : s.split(' ', Qt::SkipEmptyParts)) {
            const auto parts = word.split(softHyphen);
            for (const QString& part : parts) minW[i] = std::max(minW[i], textWidth(f, part) + (parts.size() > 1 ? textWidth(f, "-") : 0.0) + 3.0);
        }
        w[i] = std::max(w[i], std::min(60.0, textWidth(f, QString(s).remove(softHyphen)) + 3.0));
    };
    for (std::size_t i = 0; i < t.header.size(); ++i) widen(i, headFont, breakableHeader(t.header[i]));
    for (const auto& r : t.rows)
        for (std::size_t i = 0; i < r.size(); ++i) widen(i, r[i].abnormal ? headFont : cellFont, cellText(r[i]));
    for (std::size_t i = 0; i < cols; ++i) w[i] = std::max(w[i], minW[i]);
    const double page = c.widthMm();
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    const double totalMin = std::accumulate(minW.begin(), minW.end(), 0.0);
    if (total <= page) {
        for (auto& x : w) x *= page / total;                       // spread the spare room
    } else if (totalMin <= page) {
        const double k = (page - totalMin) / (total - totalMin);   // shrink what can wrap, keep words whole
        for (std::size_t i = 0; i < cols; ++i) w[i] = minW[i] + (w[i] - minW[i]) * k;
    } else if (squeeze) {
        for (std::size_t i = 0; i < cols; ++i) w[i] = minW[i] * page / totalMin;
    } else {
        return {};
    }
    return w;
}

void table(QPainter& p, PageCursor& c, const ReportTable& t) {
    sectionTitle(p, c, q(t.title));
    const std::size_t cols = std::max<std::size_t>(
        t.header.size(), std::accumulate(t.rows.begin(), t.rows.end(), std::size_t{0},
                                         [](std::size_t a, const auto& r) { return std::max(a, r.size()); }));
    if (cols == 0) return;
    // A table whose words do not fit the page at 8 pt is set smaller (down to 5.5 pt), so no header
    // or value is cut inside its column.
    double pointSize = 8.0;
    std::vector<double> w = columnWidthsMm(p, c, t, cols, pointSize);
    while (w.empty() && pointSize > 5.5) w = columnWidthsMm(p, c, t, cols, pointSize -= 0.5);
    if (w.empty()) w = columnWidthsMm(p, c, t, cols, pointSize, true);
    const QFont headFont("DejaVu Sans", pointSize, QFont::Bold);
    const QFont cellFont("DejaVu Sans", pointSize);
    const QFont abnFont("DejaVu Sans", pointSize, QFont::Bold);

    auto drawRow = [&](const std::vector<ReportCell>& cells, bool header, bool shade) {
        std::vector<QString> texts(cols);
        double rowH = 5.2;
        for (std::size_t i = 0; i < cols; ++i) {
            const ReportCell cell = i < cells.size() ? cells[i] : ReportCell{};
            texts[i] = header ? breakableHeader(cell.text) : cellText(cell);
            p.setFont(header ? headFont : (cell.abnormal ? abnFont : cellFont));
            rowH = std::max(rowH, textHeightMm(p, c, texts[i], w[i] - 2) + 1.6);
        }
        c.need(rowH);
        double x = 0;
        if (header || shade) {
            p.fillRect(QRectF(0, c.mm(c.y()), c.mm(c.widthMm()), c.mm(rowH)),
                       header ? QColor(220, 226, 238) : QColor(246, 247, 250));
        }
        for (std::size_t i = 0; i < cols; ++i) {
            const ReportCell cell = i < cells.size() ? cells[i] : ReportCell{};
            p.setFont(header ? headFont : (cell.abnormal ? abnFont : cellFont));
            p.setPen(cell.abnormal ? QColor(170, 0, 0) : Qt::black);
            p.drawText(QRectF(c.mm(x + 1), c.mm(c.y()), c.mm(w[i] - 2), c.mm(rowH)),
                       (i == 0 ? Qt::AlignLeft : Qt::AlignHCenter) | Qt::AlignVCenter | Qt::TextWordWrap, texts[i]);
            x += w[i];
        }
        p.setPen(Qt::black);
        c.advance(rowH);
    };
    std::vector<ReportCell> head;
    for (const auto& h : t.header) head.push_back({h, false});
    if (!head.empty()) drawRow(head, true, false);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        if (c.y() < 10 && !head.empty()) drawRow(head, true, false);  // repeat the header on a new page
        drawRow(t.rows[r], false, r % 2 == 1);
    }
    bool anyAbnormal = false;
    for (const auto& r : t.rows)
        for (const auto& cell : r) anyAbnormal |= cell.abnormal;
    QString foot = q(t.footnote);
    if (anyAbnormal) foot = QString("* outside the reference limits. ") + foot;
    if (!foot.isEmpty()) {
        c.advance(1);
        paragraph(p, c, foot, 7);
    }
}

using detail::niceStep;

void waveform(QPainter& p, PageCursor& c, const ReportWaveform& wf, double xMm, double widthMm, double heightMm) {
    const double y0 = c.y();
    QFont f("DejaVu Sans", 7);
    p.setFont(f);
    p.drawText(QRectF(c.mm(xMm), c.mm(y0), c.mm(widthMm), c.mm(4)), Qt::AlignLeft | Qt::AlignVCenter, q(wf.title));
    const QRectF box(c.mm(xMm), c.mm(y0 + 4.5), c.mm(widthMm), c.mm(heightMm - 9));
    const int hDiv = 10, vDiv = 6;
    const double durationMs = wf.samplesUv.size() * 1000.0 / wf.sampleRateHz;
    const double msPerDiv = wf.sweepMsPerDiv > 0 ? wf.sweepMsPerDiv : niceStep(durationMs / hDiv);
    double peak = 1.0;
    for (double v : wf.samplesUv) peak = std::max(peak, std::abs(v));
    const double uvPerDiv = wf.sensitivityUvPerDiv > 0 ? wf.sensitivityUvPerDiv : niceStep(peak / (vDiv / 2.0 - 0.3));
    // grid
    p.setPen(QPen(QColor(215, 215, 215), c.mm(0.1)));
    for (int i = 0; i <= hDiv; ++i) {
        const double x = box.left() + box.width() * i / hDiv;
        p.drawLine(QPointF(x, box.top()), QPointF(x, box.bottom()));
    }
    for (int i = 0; i <= vDiv; ++i) {
        const double y = box.top() + box.height() * i / vDiv;
        p.drawLine(QPointF(box.left(), y), QPointF(box.right(), y));
    }
    // trace, negative up: y grows downward on the page, so +µV is drawn downward
    auto xOf = [&](double tMs) { return box.left() + (tMs + wf.preTriggerMs) / (msPerDiv * hDiv) * box.width(); };
    auto yOf = [&](double uv) {
        const double y = box.center().y() + uv / (uvPerDiv * vDiv) * box.height();
        return std::clamp(y, box.top(), box.bottom());
    };
    QPainterPath path;
    for (std::size_t i = 0; i < wf.samplesUv.size(); ++i) {
        const double tMs = i * 1000.0 / wf.sampleRateHz - wf.preTriggerMs;
        const double x = xOf(tMs);
        if (x > box.right()) break;
        if (i == 0) path.moveTo(x, yOf(wf.samplesUv[i]));
        else path.lineTo(x, yOf(wf.samplesUv[i]));
    }
    p.setPen(QPen(QColor(0, 60, 160), c.mm(0.2)));
    p.drawPath(path);
    // stimulus and markers
    p.setPen(QPen(QColor(120, 120, 120), c.mm(0.15), Qt::DashLine));
    if (wf.preTriggerMs > 0) p.drawLine(QPointF(xOf(0), box.top()), QPointF(xOf(0), box.bottom()));
    p.setPen(QPen(QColor(190, 30, 30), c.mm(0.2)));
    int row = 0;  // stagger labels so close markers (onset, peak) stay readable
    for (const auto& m : wf.markers) {
        const double x = xOf(m.timeMs);
        if (x < box.left() || x > box.right()) continue;
        const double labelTop = box.top() + c.mm(0.3 + 3.0 * (row % 3));
        p.drawLine(QPointF(x, box.top()), QPointF(x, labelTop + c.mm(2.8)));
        p.drawText(QRectF(x + c.mm(0.6), labelTop, c.mm(20), c.mm(3)), Qt::AlignLeft | Qt::AlignVCenter, q(m.label));
        ++row;
    }
    p.setPen(Qt::black);
    p.drawText(QRectF(box.left(), box.bottom() + c.mm(0.5), box.width(), c.mm(3.5)), Qt::AlignRight | Qt::AlignTop,
               QString("%1 ms/div   %2 µV/div   negative up").arg(msPerDiv).arg(uvPerDiv));
}

/// The examiner's line: a blank line to sign on, or the electronic signature with its record hash.
void signatureBlock(QPainter& p, PageCursor& c, const ReportModel& model) {
    c.need(model.signature ? 26 : 18);
    c.advance(8);
    p.setFont(QFont("DejaVu Sans", 9));
    p.drawLine(QPointF(0, c.mm(c.y())), QPointF(c.mm(70), c.mm(c.y())));
    c.advance(1);
    if (!model.signature) {
        p.drawText(QRectF(0, c.mm(c.y()), c.mm(120), c.mm(5)), Qt::AlignLeft | Qt::AlignTop,
                   model.signedBy.empty() ? QString("Examiner") : q(model.signedBy));
        return;
    }
    const auto& s = *model.signature;
    p.setFont(QFont("DejaVu Sans", 9, QFont::Bold));
    p.drawText(QRectF(0, c.mm(c.y()), c.mm(c.widthMm()), c.mm(5)), Qt::AlignLeft | Qt::AlignTop,
               QString("Electronically signed by %1").arg(q(s.examiner)));
    c.advance(5);
    p.setFont(QFont("DejaVu Sans", 8));
    p.drawText(QRectF(0, c.mm(c.y()), c.mm(c.widthMm()), c.mm(4.5)), Qt::AlignLeft | Qt::AlignTop,
               QString("Operating-system login %1, signed %2 (UTC)").arg(q(s.osLogin.empty() ? "unknown" : s.osLogin), q(s.signedAt)));
    c.advance(4.5);
    const QString label("Signed study record SHA-256: ");
    p.drawText(QRectF(0, c.mm(c.y()), c.mm(c.widthMm()), c.mm(4.5)), Qt::AlignLeft | Qt::AlignTop, label);
    const double labelWidth = p.fontMetrics().horizontalAdvance(label);
    p.setFont(QFont("DejaVu Sans Mono", 8));   // a monospaced face: no ligatures ("ff") inside the hash
    p.drawText(QRectF(labelWidth, c.mm(c.y()), c.mm(c.widthMm()) - labelWidth, c.mm(4.5)), Qt::AlignLeft | Qt::AlignTop,
               q(s.studySha256));
    c.advance(4.5);
}

/// Addenda after the signed report, starting on a page of their own so the signed pages stay as signed.
void addendaPages(QPainter& p, PageCursor& c, const std::vector<ReportAddendum>& addenda) {
    c.newPage();
    sectionTitle(p, c, "Addenda (written after the report was signed)");
    for (const auto& a : addenda) {
        c.need(16);
        p.setFont(QFont("DejaVu Sans", 9, QFont::Bold));
        QString head = QString("Addendum %1 by %2").arg(a.number).arg(q(a.author));
        if (!a.osLogin.empty()) head += QString(" (login %1)").arg(q(a.osLogin));
        head += QString(", %1 (UTC)").arg(q(a.createdAt));
        p.drawText(QRectF(0, c.mm(c.y()), c.mm(c.widthMm()), c.mm(5)), Qt::AlignLeft | Qt::AlignTop, head);
        c.advance(5.5);
        paragraph(p, c, q(a.text));
        c.advance(2);
    }
}

/// The figures drawn from stored recordings, two per row; where each landed goes into `placed`.
void figuresSection(QPainter& p, PageCursor& c, const ReportModel& model, std::vector<PdfFigurePlacement>& placed) {
    if (model.figures.empty() && model.figuresNote.empty()) return;
    const double gap = 6.0, w = (c.widthMm() - gap) / 2.0;
    const auto rowHeightMm = [&](std::size_t i) {   // a row is as tall as its taller figure
        double h = detail::figureHeightMm(model.figures[i], w);
        if (i + 1 < model.figures.size()) h = std::max(h, detail::figureHeightMm(model.figures[i + 1], w));
        return h;
    };
    if (!model.figures.empty()) c.need(14.0 + rowHeightMm(0) + 2.0);   // the title stays with the first row
    sectionTitle(p, c, "Waveforms from the stored recordings");
    for (std::size_t i = 0; i < model.figures.size(); i += 2) {
        const double rowH = rowHeightMm(i);
        c.need(rowH + 2.0);
        for (std::size_t k = i; k < i + 2 && k < model.figures.size(); ++k) {
            const auto& fig = model.figures[k];
            const QRectF box = detail::drawFigure(p, c.mm(1.0), fig, (k - i) * (w + gap), c.y(), w);
            placed.push_back({c.pages(), fig.title, fig.unavailable.empty() && !fig.traces.empty(), box.left() + kLeftMarginMm,
                              box.top() + kTopMarginMm, box.width(), box.height()});
        }
        c.advance(rowH + 2.0);
    }
    if (!model.figuresNote.empty()) paragraph(p, c, q(model.figuresNote), 7);
}

void legacyWaveforms(QPainter& p, PageCursor& c, const ReportModel& model) {
    if (model.waveforms.empty()) return;
    sectionTitle(p, c, "Waveforms");
    const double gap = 6.0, w = (c.widthMm() - gap) / 2.0, h = 48.0;
    for (std::size_t i = 0; i < model.waveforms.size(); i += 2) {
        c.need(h);
        waveform(p, c, model.waveforms[i], 0.0, w, h);
        if (i + 1 < model.waveforms.size()) waveform(p, c, model.waveforms[i + 1], w + gap, w, h);
        c.advance(h);
    }
}

}  // namespace

namespace detail {

/// One drawing of the whole report on `target` (a PDF or page images: the same painting);
/// `totalPages` 0 on the first pass (the count is not known yet).
void paintReport(PageTarget& target, const ReportModel& model, int totalPages, PdfReportStats& stats) {
    QPainter& p = target.painter();
    PageCursor c(target, model, totalPages);

    QFont titleFont("DejaVu Sans", 16, QFont::Bold);
    p.setFont(titleFont);
    p.drawText(QRectF(0, 0, c.mm(c.widthMm()), c.mm(9)), Qt::AlignLeft | Qt::AlignVCenter, q(model.title));
    if (!model.institution.empty()) {
        p.setFont(QFont("DejaVu Sans", 9));
        p.drawText(QRectF(0, 0, c.mm(c.widthMm()), c.mm(9)), Qt::AlignRight | Qt::AlignVCenter, q(model.institution));
    }
    c.advance(11);
    if (!model.patientFields.empty()) {
        sectionTitle(p, c, "Patient");
        keyValueGrid(p, c, model.patientFields);
    }
    if (!model.studyFields.empty()) {
        sectionTitle(p, c, "Study");
        keyValueGrid(p, c, model.studyFields);
    }
    for (const auto& t : model.tables) table(p, c, t);
    legacyWaveforms(p, c, model);
    stats.figures.clear();
    figuresSection(p, c, model, stats.figures);
    if (!model.findings.empty()) {
        sectionWithText(p, c, "Findings", q(model.findings));
    }
    if (!model.impression.empty()) {
        sectionWithText(p, c, "Impression", q(model.impression), 10);
    }
    signatureBlock(p, c, model);
    if (!model.addenda.empty()) addendaPages(p, c, model.addenda);
    c.footer();
    stats.pages = c.pages();
}

ReportModel withGenerationTime(const ReportModel& input) {
    ReportModel model = input;
    if (model.generatedAt.empty()) model.generatedAt = QDateTime::currentDateTime().toString(Qt::ISODate).toStdString();
    return model;
}

}  // namespace detail

std::string renderPdfReport(const ReportModel& input, PdfReportStats* statsOut) {
    const ReportModel model = detail::withGenerationTime(input);
    PdfReportStats stats;
    const std::string pdf = detail::paintToPdf(model.title, [&](detail::PageTarget& target, int totalPages) {
        detail::paintReport(target, model, totalPages, stats);
        return stats.pages;
    });
    stats.tables = model.tables.size();
    stats.waveforms = model.waveforms.size();
    stats.abnormalCells = countAbnormal(model);
    if (statsOut) *statsOut = stats;
    return pdf;
}

ReportPageImages renderReportPages(const ReportModel& input, double dpi) {
    const ReportModel model = detail::withGenerationTime(input);
    ReportPageImages out;
    out.pages = detail::paintToImages(dpi, [&](detail::PageTarget& target, int totalPages) {
        detail::paintReport(target, model, totalPages, out.stats);
        return out.stats.pages;
    });
    out.stats.tables = model.tables.size();
    out.stats.waveforms = model.waveforms.size();
    out.stats.abnormalCells = countAbnormal(model);
    return out;
}

PdfReportStats writePdfReport(const ReportModel& model, const std::filesystem::path& path) {
    // The target is checked (and the temporary file made) before drawing, so a refused path
    // costs nothing; the PDF is drawn in memory and handed to the safe writer whole.
    io::SafeFileWriter out(path);
    PdfReportStats stats;
    std::string pdf;
    try {
        pdf = renderPdfReport(model, &stats);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("cannot write " + path.string() + ": " + e.what());
    }
    out.write(pdf.data(), pdf.size());
    out.commit();
    spdlog::info("report written: {} ({} pages, {} tables, {} waveforms, {} abnormal values)", path.string(),
                 stats.pages, stats.tables, stats.waveforms, stats.abnormalCells);
    return stats;
}

}  // namespace emg::report
