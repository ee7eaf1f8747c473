#include "study_signing_bar.h"

#include <emg/report/study_signing.h>

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>

#include <spdlog/spdlog.h>

namespace emg::ui {
namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

StudySigningBar::StudySigningBar(QWidget* parent) : QWidget(parent) {
    status_ = new QLabel(this);
    status_->setObjectName("study-signature-status");
    sign_ = new QPushButton(tr("Sign…"), this);
    sign_->setObjectName("study-sign");
    sign_->setToolTip(tr("Sign the report: stores the PDF with its SHA-256 and locks the study (later text goes in an addendum)"));
    addendum_ = new QPushButton(tr("Addendum…"), this);
    addendum_->setObjectName("study-addendum");
    addendum_->setToolTip(tr("Add later text to the signed report (the signed report stays as it was)"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(status_, 1);
    row->addWidget(sign_);
    row->addWidget(addendum_);
    connect(sign_, &QPushButton::clicked, this, &StudySigningBar::onSignClicked);
    connect(addendum_, &QPushButton::clicked, this, &StudySigningBar::onAddendumClicked);
    refresh();
}

void StudySigningBar::setStudy(study::SessionStore* store, const StudyReference* reference, const std::string& studyId) {
    store_ = store;
    reference_ = reference;
    studyId_ = studyId;
    examiner_.clear();
    if (store_ && !studyId_.empty())
        if (const auto s = store_->study(studyId_)) examiner_ = s->examiner;
    refresh();
}

QString StudySigningBar::statusText() const { return status_->text(); }

void StudySigningBar::refresh() {
    const bool have = store_ && !studyId_.empty();
    std::optional<study::StudySignature> sig;
    std::size_t addenda = 0;
    if (have) {
        try {
            sig = store_->signature(studyId_);
            if (sig) addenda = store_->addenda(studyId_).size();
        } catch (const std::exception& e) {   // a store below schema 4 cannot sign
            spdlog::warn("study signing: {}", e.what());
        }
    }
    if (!have) status_->setText(QString());
    else if (!sig) status_->setText(tr("Not signed (the report is PRELIMINARY)"));
    else
        status_->setText(tr("Signed by %1 (login %2) at %3 · %4")
                             .arg(qs(sig->examinerName), qs(sig->osLogin), qs(sig->signedAt),
                                  addenda == 1 ? tr("1 addendum") : tr("%1 addenda").arg(addenda)));
    sign_->setEnabled(have && !sig);
    addendum_->setEnabled(have && sig.has_value());
}

bool StudySigningBar::sign(const QString& examiner) {
    if (!store_ || studyId_.empty() || !reference_ || !reference_->norms || !reference_->myotomes) {
        emit message(tr("Not signed: no active study, or the normative values could not be loaded."), true);
        return false;
    }
    if (examiner.trimmed().isEmpty()) {
        emit message(tr("Not signed: type the examiner's name."), true);
        return false;
    }
    try {
        const auto out = report::signStudyReport(*store_, studyId_, examiner.trimmed().toStdString(), study::osLoginName(),
                                                 *reference_->norms, *reference_->myotomes);
        emit message(tr("Signed by %1 at %2: the report (%n page(s)) is stored and the study is locked.", nullptr, out.pdf.pages)
                         .arg(qs(out.signature.examinerName), qs(out.signature.signedAt)),
                     false);
    } catch (const std::exception& e) {
        emit message(tr("Not signed: %1").arg(qs(e.what())), true);
        refresh();
        return false;
    }
    refresh();
    emit studyChanged();
    return true;
}

bool StudySigningBar::addAddendum(const QString& text, const QString& author) {
    if (!store_ || studyId_.empty()) return false;
    try {
        const auto a = store_->addAddendum(studyId_, text.trimmed().toStdString(), author.trimmed().toStdString(), study::osLoginName());
        emit message(tr("Addendum %1 by %2 stored.").arg(a.number).arg(qs(a.author)), false);
    } catch (const std::exception& e) {
        emit message(tr("Addendum not stored: %1").arg(qs(e.what())), true);
        return false;
    }
    refresh();
    emit studyChanged();
    return true;
}

void StudySigningBar::onSignClicked() {
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Sign the report"), tr("Examiner's name:"), QLineEdit::Normal, qs(examiner_), &ok);
    if (!ok) return;
    const auto answer = QMessageBox::question(
        this, tr("Sign the report"),
        tr("Sign as %1? The report is stored as signed and the study is locked: measurements, findings and the impression can "
           "no longer change (later text goes in an addendum).")
            .arg(name.trimmed()));
    if (answer == QMessageBox::Yes) sign(name);
}

void StudySigningBar::onAddendumClicked() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Addendum"));
    auto* text = new QPlainTextEdit(&dialog);
    auto* author = new QLineEdit(qs(examiner_), &dialog);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    auto* form = new QFormLayout(&dialog);
    form->addRow(tr("Text:"), text);
    form->addRow(tr("By:"), author);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() == QDialog::Accepted) addAddendum(text->toPlainText(), author->text());
}

}  // namespace emg::ui
