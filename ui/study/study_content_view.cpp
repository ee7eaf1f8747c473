#include "study_content_view.h"

#include <emg/report/study_report.h>
#include <emg/study/evaluation.h>
#include <emg/study/measurement_uncertainty.h>

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

namespace emg::ui {

namespace {

QString qstr(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<int>(s.size())); }

bool sameName(const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
}

/// Sides of the stored tests of this kind and subject ("left, right"), empty when none.
QString sidesDone(const study::Study& s, study::TestKind kind, const std::string& subject) {
    QStringList sides;
    for (const auto& t : s.tests)
        if (study::kindOf(t) == kind && sameName(study::subjectOf(t), subject)) {
            const QString side = qstr(study::toString(study::common(t).side));
            if (!sides.contains(side)) sides << side;
        }
    return sides.join(QStringLiteral(", "));
}

QString testLabel(const study::Test& t) {
    const auto side = study::common(t).side;
    QString label = qstr(study::toString(study::kindOf(t))) + QLatin1Char(' ') + QString::fromStdString(study::subjectOf(t));
    if (side == study::Side::Left) label += QStringLiteral(" (L)");
    if (side == study::Side::Right) label += QStringLiteral(" (R)");
    return label;
}

/// As the report prints it: "Amplitude (µV)", "1500.0".
QString parameterTitle(const std::string& name) { return QString::fromStdString(report::columnTitle(name)); }
QString formatValue(double v, const std::string& name) { return QString::fromStdString(report::formatValue(v, name)); }

void compactRows(QTableWidget* table) {
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(false);
}

const QColor kAbnormal(0xf6, 0xd5, 0xd3);

}  // namespace

StudyContentView::StudyContentView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    protocol_ = new QTreeWidget(this);
    protocol_->setObjectName("study-protocol-steps");
    protocol_->setHeaderLabels({tr("Protocol test"), tr("Status")});
    protocol_->setRootIsDecorated(false);
    protocol_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    protocol_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    measurements_ = new QTableWidget(0, 6, this);
    measurements_->setObjectName("study-measurements");
    measurements_->setHorizontalHeaderLabels({tr("Test"), tr("Site"), tr("Parameter"), tr("Value"), tr("Limit"), tr("Flag")});
    measurements_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    measurements_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    compactRows(measurements_);
    recordings_ = new QTableWidget(0, 3, this);
    recordings_->setObjectName("study-recordings");
    recordings_->setHorizontalHeaderLabels({tr("Recording"), tr("Size"), tr("SHA-256")});
    recordings_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    recordings_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    compactRows(recordings_);
    recordings_->setMaximumHeight(140);
    layout->addWidget(new QLabel(tr("<b>Protocol</b>"), this));
    layout->addWidget(protocol_, 2);
    layout->addWidget(new QLabel(tr("<b>Measurements</b> (flagged against the normative limits)"), this));
    layout->addWidget(measurements_, 3);
    layout->addWidget(new QLabel(tr("<b>Recordings</b>"), this));
    layout->addWidget(recordings_, 1);
}

void StudyContentView::clear() {
    protocol_->clear();
    measurements_->setRowCount(0);
    recordings_->setRowCount(0);
    abnormal_ = 0;
}

void StudyContentView::showStudy(const study::Patient& patient, const study::Study& study,
                                 const std::vector<study::RecordingInfo>& recordings, const StudyReference& reference) {
    clear();
    fillProtocol(study, reference);
    fillMeasurements(patient, study, reference);
    fillRecordings(recordings);
}

void StudyContentView::fillProtocol(const study::Study& study, const StudyReference& reference) {
    const study::Protocol* p = reference.protocol(study.protocolId);
    auto addRow = [this](const QString& what, const QString& sides) {
        auto* item = new QTreeWidgetItem(protocol_, {what, sides.isEmpty() ? tr("to do") : tr("done (%1)").arg(sides)});
        item->setForeground(1, sides.isEmpty() ? QColor(0x80, 0x80, 0x80) : QColor(0x1b, 0x6e, 0x20));
    };
    if (!p) {
        new QTreeWidgetItem(protocol_, {study.protocolId.empty() ? tr("No protocol chosen") : tr("Unknown protocol '%1'").arg(QString::fromStdString(study.protocolId)), QString()});
        return;
    }
    int n = 0;
    for (const auto& step : p->steps) {
        const QString kind = qstr(study::toString(step.kind));
        if (step.kind == study::TestKind::Needle) {
            for (const auto& m : step.muscles)
                addRow(QStringLiteral("%1. needle %2").arg(++n).arg(QString::fromStdString(m)), sidesDone(study, step.kind, m));
            continue;
        }
        QString what = QStringLiteral("%1. %2 %3").arg(++n).arg(kind, QString::fromStdString(step.nerve));
        if (!step.recordingSite.empty()) what += QStringLiteral(" → ") + QString::fromStdString(step.recordingSite);
        if (step.bilateral) what += tr(" (both sides)");
        addRow(what, sidesDone(study, step.kind, step.nerve));
    }
}

void StudyContentView::fillMeasurements(const study::Patient& patient, const study::Study& study, const StudyReference& reference) {
    // the evaluations of this study, by (test id, site, parameter)
    std::map<std::tuple<std::string, std::string, std::string>, study::Evaluation> evaluated;
    if (reference.norms) {
        for (const auto& e : study::evaluateStudy(study, *reference.norms, study::subjectFor(patient, study)))
            evaluated[{e.testId, e.site, e.measurement.name}] = e.evaluation;
    }
    auto addRow = [&](const study::Test& t, const std::string& site, const study::Measurement& m) {
        const int row = measurements_->rowCount();
        measurements_->insertRow(row);
        const auto it = evaluated.find({study::common(t).id, site, m.name});
        QString value = formatValue(m.value, m.name);
        if (m.provenance == study::Provenance::Clinician) value += tr(" (clinician)");
        if (study::isUncertain(m)) value += tr(" (uncertain)");   // its reason: the tooltip of the parameter
        QString limit = tr("no reference");
        QString flag;
        if (it != evaluated.end()) {
            const auto& ev = it->second;
            limit = (ev.kind == study::LimitKind::Upper ? QStringLiteral("≤ ") : QStringLiteral("≥ ")) + formatValue(ev.limit, m.name);
            flag = ev.abnormal ? tr("abnormal") : tr("normal");
        }
        const QStringList cells{testLabel(t), QString::fromStdString(site), parameterTitle(m.name), value, limit, flag};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (it != evaluated.end() && it->second.abnormal) item->setBackground(kAbnormal);
            if (c == 0) item->setToolTip(cells[0]);
            if (c == 2) item->setToolTip(QString::fromStdString(m.name + (m.method.empty() ? "" : ": " + m.method)));
            if (c == 4 && it != evaluated.end()) item->setToolTip(QString::fromStdString(it->second.source));
            measurements_->setItem(row, c, item);
        }
        if (it != evaluated.end() && it->second.abnormal) ++abnormal_;
    };
    for (const auto& t : study.tests) {
        auto sites = [&](const std::vector<study::StimSite>& ss) {
            for (const auto& s : ss)
                for (const auto& m : s.measurements) addRow(t, s.name, m);
        };
        if (const auto* motor = std::get_if<study::MotorNcs>(&t)) sites(motor->sites);
        if (const auto* sensory = std::get_if<study::SensoryNcs>(&t)) sites(sensory->sites);
        for (const auto& m : study::common(t).measurements) addRow(t, {}, m);
        if (const auto* needle = std::get_if<study::NeedleEmg>(&t)) {
            const int row = measurements_->rowCount();
            measurements_->insertRow(row);
            const QStringList cells{testLabel(t), QString(), tr("fib / PSW / recruitment"),
                                    QStringLiteral("%1+ / %2+ / %3").arg(needle->fibrillations).arg(needle->positiveSharpWaves)
                                        .arg(qstr(study::toString(needle->recruitment))),
                                    QString(), needle->abnormal() ? tr("abnormal") : tr("normal")};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                if (needle->abnormal()) item->setBackground(kAbnormal);
                measurements_->setItem(row, c, item);
            }
            if (needle->abnormal()) ++abnormal_;
        }
    }
}

void StudyContentView::fillRecordings(const std::vector<study::RecordingInfo>& recordings) {
    for (const auto& r : recordings) {
        const int row = recordings_->rowCount();
        recordings_->insertRow(row);
        auto* file = new QTableWidgetItem(QFileInfo(QString::fromStdString(r.path)).fileName());
        file->setToolTip(QString::fromStdString(r.path));
        file->setData(Qt::UserRole, QString::fromStdString(r.id));
        recordings_->setItem(row, 0, file);
        recordings_->setItem(row, 1, new QTableWidgetItem(QLocale().formattedDataSize(r.sizeBytes)));
        auto* sha = new QTableWidgetItem(QString::fromStdString(r.sha256.substr(0, 12)) + QStringLiteral("…"));
        sha->setToolTip(QString::fromStdString(r.sha256));
        recordings_->setItem(row, 2, sha);
    }
}

QString StudyContentView::selectedRecordingId() const {
    const int row = recordings_->currentRow();
    const auto* item = row >= 0 ? recordings_->item(row, 0) : nullptr;
    return item ? item->data(Qt::UserRole).toString() : QString();
}

}  // namespace emg::ui
