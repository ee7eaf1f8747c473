#include "localization_box.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace emg::ui {

namespace {

QString htmlList(const std::vector<std::string>& items) {
    QStringList out;
    for (const auto& i : items) out << QString::fromStdString(i).toHtmlEscaped();
    return out.join(QStringLiteral("; "));
}

}  // namespace

LocalizationBox::LocalizationBox(QWidget* parent) : QGroupBox(tr("Localization"), parent) {
    auto* layout = new QVBoxLayout(this);
    suggestion_ = new QLabel(this);
    suggestion_->setObjectName("localization-suggestion");
    suggestion_->setWordWrap(true);
    suggestion_->setTextFormat(Qt::RichText);
    confirmed_ = new QLabel(this);
    confirmed_->setObjectName("localization-confirmed");
    confirmed_->setWordWrap(true);
    conclusion_ = new QLineEdit(this);
    conclusion_->setObjectName("localization-text");
    conclusion_->setPlaceholderText(tr("the clinician's localization, e.g. \"left L5 radiculopathy\""));
    accept_ = new QPushButton(tr("Use suggestion"), this);
    accept_->setObjectName("localization-accept");
    confirm_ = new QPushButton(tr("Confirm localization"), this);
    confirm_->setObjectName("localization-confirm");
    auto* row = new QHBoxLayout;
    row->addWidget(conclusion_, 1);
    row->addWidget(accept_);
    row->addWidget(confirm_);
    layout->addWidget(suggestion_);
    layout->addWidget(confirmed_);
    layout->addLayout(row);
    connect(accept_, &QPushButton::clicked, this, [this] { conclusion_->setText(suggested_); });
    connect(confirm_, &QPushButton::clicked, this, [this] {
        if (!conclusion().isEmpty()) emit confirmRequested(conclusion());
    });
    connect(conclusion_, &QLineEdit::textChanged, this, [this] { confirm_->setEnabled(!conclusion().isEmpty()); });
    clear();
}

void LocalizationBox::clear() {
    suggested_.clear();
    suggestion_->setText(tr("No active study."));
    confirmed_->clear();
    confirmed_->setVisible(false);
    conclusion_->clear();
    accept_->setEnabled(false);
    confirm_->setEnabled(false);
}

QString LocalizationBox::conclusion() const { return conclusion_->text().trimmed(); }

void LocalizationBox::showStudy(const study::Study& study, const std::vector<study::Hypothesis>& hypotheses) {
    clear();
    if (hypotheses.empty()) {
        suggestion_->setText(study.tests.empty() ? tr("Automatic suggestion: none yet (no tests stored).")
                                                 : tr("Automatic suggestion: no root, plexus or nerve localization."));
    } else {
        const auto& best = hypotheses.front();
        suggested_ = QString::fromStdString(best.label);
        QString html = tr("<b>Automatic suggestion:</b> %1 (%2 confidence)")
                           .arg(suggested_.toHtmlEscaped(), QString::fromStdString(best.confidenceLabel));
        if (!best.evidenceFor.empty()) html += tr("<br><b>For:</b> %1").arg(htmlList(best.evidenceFor));
        if (!best.evidenceAgainst.empty()) html += tr("<br><b>Against:</b> %1").arg(htmlList(best.evidenceAgainst));
        if (hypotheses.size() > 1) {
            QStringList others;
            for (std::size_t i = 1; i < hypotheses.size() && i < 3; ++i) others << QString::fromStdString(hypotheses[i].label).toHtmlEscaped();
            html += tr("<br><b>Also considered:</b> %1").arg(others.join(QStringLiteral("; ")));
        }
        suggestion_->setText(html);
        accept_->setEnabled(true);
    }
    for (const auto& f : study.findings)
        if (f.kind == "localization" && f.confirmed) {
            confirmed_->setText(tr("Confirmed by the clinician: %1").arg(QString::fromStdString(f.text)));
            confirmed_->setVisible(true);
            conclusion_->setText(QString::fromStdString(f.text));
        }
}

}  // namespace emg::ui
