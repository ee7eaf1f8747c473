#include "store_connection.h"

#ifdef EMGWS_HAVE_STORE
#include <emg/study/session_store.h>
#endif

#include <spdlog/spdlog.h>

#include <QObject>

namespace emg::ui {

#ifdef EMGWS_HAVE_STORE

StoreConnection::StoreConnection() = default;
StoreConnection::~StoreConnection() = default;
bool StoreConnection::available() { return true; }

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

#else  // no emg_store in this build

namespace study {
class SessionStore {};
}  // namespace study
StoreConnection::StoreConnection() = default;
StoreConnection::~StoreConnection() = default;
bool StoreConnection::available() { return false; }
bool StoreConnection::open(const std::string&) {
    description_ = QObject::tr("no session store in this build");
    return false;
}

#endif

}  // namespace emg::ui
