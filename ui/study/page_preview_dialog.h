#pragma once
// Pages shown for review before they leave the workstation: the study report before export, the
// page for the patient before it is printed. The pages are images painted by the same code as the
// PDF (emg/report/report_pages.h, patient_page_pdf.h); the caller adds the dialog's actions.

#include <QDialog>
#include <QImage>

#include <functional>
#include <vector>

class QHBoxLayout;
class QLabel;
class QPushButton;

namespace emg::ui {

class PagePreviewDialog : public QDialog {
    Q_OBJECT
public:
    /// `heading`: a line above the pages (e.g. what to check before printing).
    PagePreviewDialog(const QString& title, const QString& heading, std::vector<QImage> pages, QWidget* parent = nullptr);

    const std::vector<QImage>& pages() const noexcept { return pages_; }
    /// A button beside Close (object name given for tests) that runs `action`.
    QPushButton* addAction(const QString& text, const QString& objectName, std::function<void()> action);
    /// A "save" button that asks for a PDF file name (`suggested` first) and calls `save` with it.
    QPushButton* addSaveAction(const QString& text, const QString& objectName, const QString& suggested,
                               std::function<bool(const QString& path)> save);
    /// What the save button does once it has the file name (the tests call it directly).
    bool saveTo(const QString& path);

private:
    std::vector<QImage> pages_;
    std::function<bool(const QString&)> save_;
    QHBoxLayout* buttons_ = nullptr;
};

}  // namespace emg::ui
