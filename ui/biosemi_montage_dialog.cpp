#include "biosemi_montage_dialog.h"

#include <biosemi/biosemi_montage.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <stdexcept>

namespace emg::ui {

BiosemiMontageDialog::BiosemiMontageDialog(const std::vector<std::string>& labels, const biosemi::Layout& layout,
                                           QWidget* parent)
    : QDialog(parent), layout_(layout) {
    setWindowTitle(tr("BioSemi montage"));
    setObjectName(QStringLiteral("biosemi-montage-dialog"));
    preset_ = new QComboBox(this);
    preset_->setObjectName(QStringLiteral("montage-preset"));
    preset_->addItem(tr("Presets…"));
    for (const auto& p : biosemi::montagePresets()) preset_->addItem(QString::fromStdString(p.name));
    connect(preset_, &QComboBox::activated, this, [this](int index) {
        const auto presets = biosemi::montagePresets();
        if (index >= 1 && index <= static_cast<int>(presets.size())) setLabels(presets[static_cast<std::size_t>(index - 1)].labels);
    });
    list_ = new QListWidget(this);
    list_->setObjectName(QStringLiteral("montage-list"));
    entry_ = new QLineEdit(this);
    entry_->setObjectName(QStringLiteral("montage-entry"));
    entry_->setPlaceholderText(tr("EX3-EX4, A5 or Status"));
    auto* add = new QPushButton(tr("Add"), this);
    add->setObjectName(QStringLiteral("montage-add"));
    auto* remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("montage-remove"));
    connect(add, &QPushButton::clicked, this, [this] {
        if (addLabel(entry_->text())) entry_->clear();
    });
    connect(entry_, &QLineEdit::returnPressed, add, &QPushButton::click);
    connect(remove, &QPushButton::clicked, this, [this] {
        delete list_->currentItem();
        check();
    });
    problem_ = new QLabel(this);
    problem_->setObjectName(QStringLiteral("montage-problem"));
    problem_->setWordWrap(true);
    auto* help = new QLabel(tr("Each line is one channel: \"EX1-EX2\" records the difference of two inputs "
                               "(a bipolar surface EMG pair, belly-tendon), \"A5\" one electrode against CMS, "
                               "\"Status\" the trigger word. The labels are the recording's channel labels."),
                            this);
    help->setWordWrap(true);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* row = new QHBoxLayout;
    row->addWidget(entry_, 1);
    row->addWidget(add);
    row->addWidget(remove);
    auto* layoutBox = new QVBoxLayout(this);
    layoutBox->addWidget(preset_);
    layoutBox->addWidget(list_, 1);
    layoutBox->addLayout(row);
    layoutBox->addWidget(problem_);
    layoutBox->addWidget(help);
    layoutBox->addWidget(buttons_);
    setLabels(labels);
}

void BiosemiMontageDialog::setLabels(const std::vector<std::string>& labels) {
    list_->clear();
    for (const auto& l : labels) list_->addItem(QString::fromStdString(l));
    check();
}

std::vector<std::string> BiosemiMontageDialog::labels() const {
    std::vector<std::string> out;
    for (int i = 0; i < list_->count(); ++i) out.push_back(list_->item(i)->text().toStdString());
    return out;
}

bool BiosemiMontageDialog::addLabel(const QString& text) {
    const QString label = text.trimmed();
    if (label.isEmpty()) return false;
    auto next = labels();
    next.push_back(label.toStdString());
    if (const auto why = biosemi::montageError(next, layout_)) {
        problem_->setText(tr("Not added: %1").arg(QString::fromStdString(*why)));
        return false;
    }
    list_->addItem(label);
    check();
    return true;
}

QString BiosemiMontageDialog::problem() const { return problem_->text(); }

void BiosemiMontageDialog::check() {
    const auto why = biosemi::montageError(labels(), layout_);
    problem_->setText(why ? QString::fromStdString(*why) : QString());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(!why);
}

}  // namespace emg::ui
