#pragma once
// The session store the workstation opens at startup: SQLite in the user's data folder by
// default (emg_store), or the URL given with --store.

#include <QString>

#include <memory>
#include <string>

namespace emg::study {
class SessionStore;
}

namespace emg::ui {

class StoreConnection {
public:
    StoreConnection();
    ~StoreConnection();
    StoreConnection(const StoreConnection&) = delete;
    StoreConnection& operator=(const StoreConnection&) = delete;

    /// Opens `url` ("" = the default SQLite file). Returns false and keeps the reason on failure.
    bool open(const std::string& url);
    study::SessionStore* store() const noexcept { return store_.get(); }
    /// "sqlite:/home/…/emgws.sqlite", or why it is not open
    const QString& description() const noexcept { return description_; }
    bool isOpen() const noexcept { return store_ != nullptr; }

private:
    std::unique_ptr<study::SessionStore> store_;
    QString description_;
};

}  // namespace emg::ui
