#include "page_preview_dialog.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace emg::ui {

PagePreviewDialog::PagePreviewDialog(const QString& title, const QString& heading, std::vector<QImage> pages, QWidget* parent)
    : QDialog(parent), pages_(std::move(pages)) {
    setObjectName("page-preview");
    setWindowTitle(title);
    auto* layout = new QVBoxLayout(this);
    auto* head = new QLabel(heading, this);
    head->setObjectName("page-preview-heading");
    head->setWordWrap(true);
    layout->addWidget(head);
    auto* column = new QWidget(this);
    auto* pagesLayout = new QVBoxLayout(column);
    pagesLayout->setSpacing(12);
    for (std::size_t i = 0; i < pages_.size(); ++i) {
        auto* page = new QLabel(column);
        page->setObjectName(QString("page-preview-page-%1").arg(i + 1));
        page->setPixmap(QPixmap::fromImage(pages_[i]));
        page->setFrameShape(QFrame::Box);
        page->setToolTip(tr("Page %1 of %2").arg(i + 1).arg(pages_.size()));
        pagesLayout->addWidget(page, 0, Qt::AlignHCenter);
    }
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName("page-preview-scroll");
    scroll->setWidget(column);
    scroll->setAlignment(Qt::AlignHCenter);
    scroll->setBackgroundRole(QPalette::Dark);
    layout->addWidget(scroll, 1);
    buttons_ = new QHBoxLayout;
    auto* count = new QLabel(tr("%n page(s)", nullptr, static_cast<int>(pages_.size())), this);
    count->setObjectName("page-preview-count");
    buttons_->addWidget(count);
    buttons_->addStretch();
    auto* close = new QPushButton(tr("Close"), this);
    close->setObjectName("page-preview-close");
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    buttons_->addWidget(close);
    layout->addLayout(buttons_);
    const int width = pages_.empty() ? 600 : pages_.front().width() + 60;
    resize(width, 900);
}

QPushButton* PagePreviewDialog::addAction(const QString& text, const QString& objectName, std::function<void()> action) {
    auto* button = new QPushButton(text, this);
    button->setObjectName(objectName);
    connect(button, &QPushButton::clicked, this, [action = std::move(action)] { action(); });
    buttons_->insertWidget(buttons_->count() - 1, button);
    return button;
}

QPushButton* PagePreviewDialog::addSaveAction(const QString& text, const QString& objectName, const QString& suggested,
                                              std::function<bool(const QString& path)> save) {
    save_ = std::move(save);
    return addAction(text, objectName, [this, suggested] {
        const QString path = QFileDialog::getSaveFileName(this, windowTitle(), suggested, tr("PDF (*.pdf)"));
        if (!path.isEmpty()) saveTo(path);
    });
}

bool PagePreviewDialog::saveTo(const QString& path) { return save_ && save_(path); }

}  // namespace emg::ui
