#include "key_cheat_sheet.h"

#include "keymap.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace emg::ui {

void declareHelpKeys(Keymap& keymap) {
    keymap.declare({kShowKeysAction, QString::fromLatin1(kWindowKeyContext), {QKeySequence(Qt::Key_F1)},
                    QObject::tr("Keyboard shortcuts (this list)")});
}

QDialog* makeKeyCheatSheet(const Keymap& keymap, QWidget* parent) {
    auto* dialog = new QDialog(parent);
    dialog->setObjectName("key-cheat-sheet");
    dialog->setWindowTitle(QObject::tr("Keyboard shortcuts"));
    auto actions = keymap.actions();
    std::stable_sort(actions.begin(), actions.end(), [](const KeyAction& a, const KeyAction& b) { return a.context < b.context; });
    auto* table = new QTableWidget(static_cast<int>(actions.size()), 3, dialog);
    table->setObjectName("key-table");
    table->setHorizontalHeaderLabels({QObject::tr("Where"), QObject::tr("Keys"), QObject::tr("Action")});
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    for (int row = 0; row < static_cast<int>(actions.size()); ++row) {
        const auto& a = actions[static_cast<std::size_t>(row)];
        QStringList keys;
        for (const auto& k : keymap.keys(a.id)) keys << k.toString(QKeySequence::NativeText);
        const QString where = a.context == QLatin1String(kWindowKeyContext) ? QObject::tr("anywhere") : a.context;
        table->setItem(row, 0, new QTableWidgetItem(where));
        table->setItem(row, 1, new QTableWidgetItem(keys.isEmpty() ? QObject::tr("(unbound)") : keys.join(QStringLiteral(", "))));
        table->setItem(row, 2, new QTableWidgetItem(a.description));
    }
    table->horizontalHeader()->setStretchLastSection(true);
    table->resizeColumnsToContents();
    auto* note = new QLabel(QObject::tr("Rebind any key in ~/.config/emgws/emgws.conf under [keymap] (action id = keys); "
                                        "a footswitch that sends a key works through the same bindings."),
                            dialog);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(table);
    layout->addWidget(note);
    layout->addWidget(buttons);
    dialog->resize(640, 520);
    return dialog;
}

}  // namespace emg::ui
