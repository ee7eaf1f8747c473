#include "store_connection.h"

#include <emg/study/session_store.h>

#include <spdlog/spdlog.h>

#include <QObject>

namespace emg::ui {

StoreConnection::StoreConnection() = default;
StoreConnection::~StoreConnection() = default;

bool StoreConnection::open(const std::string& url) {
    try {
        const auto where = url.empty() ? study::parseStoreUrl("sqlite:" + study::defaultSqlitePath().string())
                                       : study::parseStoreUrl(url);
        store_ = study::SessionStore::open(where);
        description_ = QString::fromStdString(store_->backendName() + " " + where.display());
        spdlog::info("session store open: {} (schema {})", where.display(), store_->schemaVersion());
        return true;
    } catch (const std::exception& e) {
        store_.reset();
        description_ = QObject::tr("session store unavailable: %1").arg(QString::fromStdString(e.what()));
        spdlog::error("session store: {}", e.what());
        return false;
    }
}

}  // namespace emg::ui
