#pragma once
// Raw SQL for the store tests: a QtSql connection of its own on the store's database, as a
// hand-typed statement or another tool would use it (the lock and the audit trail must not
// depend on the store's code path).
#include <emg/study/session_store.h>

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <catch2/catch.hpp>

#include <string>

namespace emg::study::test {

/// A connection of its own (not the store's): what a hand-typed statement or another tool does.
class RawSql {
public:
    explicit RawSql(const std::string& url) : name_("raw-" + std::to_string(++counter_)) {
        const auto where = parseStoreUrl(url);
        QSqlDatabase d = QSqlDatabase::addDatabase(where.backend == StoreBackend::Sqlite ? "QSQLITE" : "QPSQL", QString::fromStdString(name_));
        if (where.backend == StoreBackend::Sqlite) {
            d.setDatabaseName(QString::fromStdString(where.sqlitePath.string()));
        } else {
            d.setHostName(QString::fromStdString(where.host));
            d.setPort(where.port);
            d.setDatabaseName(QString::fromStdString(where.database));
            d.setUserName(QString::fromStdString(where.user));
        }
        REQUIRE(d.open());
        sqlite_ = where.backend == StoreBackend::Sqlite;
    }
    ~RawSql() {
        {
            QSqlDatabase d = QSqlDatabase::database(QString::fromStdString(name_), false);
            d.close();
        }
        QSqlDatabase::removeDatabase(QString::fromStdString(name_));
    }
    /// Empty when the statement succeeded, else the database's error text.
    std::string exec(const std::string& sql) {
        QSqlQuery q(QSqlDatabase::database(QString::fromStdString(name_), false));
        if (q.exec(QString::fromStdString(sql))) return {};
        const std::string err = q.lastError().text().toStdString();
        return err.empty() ? "failed" : err;
    }
    /// The first column of the first row as a whole number (-1 when it failed or returned no row).
    long long scalar(const std::string& sql) {
        QSqlQuery q(QSqlDatabase::database(QString::fromStdString(name_), false));
        if (!q.exec(QString::fromStdString(sql)) || !q.next()) return -1;
        return q.value(0).toLongLong();
    }
    bool sqlite() const { return sqlite_; }

private:
    static inline int counter_ = 0;
    std::string name_;
    bool sqlite_ = true;
};

}  // namespace emg::study::test
