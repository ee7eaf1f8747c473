#include "pg_large_object.h"

#include <emg/study/session_store.h>

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <memory>
#include <string>

namespace emg::study::store {

namespace {
struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

Result call(PGconn* pg, const char* sql, const char* const values[3], const int lengths[3], const int formats[3], int resultFormat,
            const std::string& what) {
    Result r(PQexecParams(pg, sql, 3, nullptr, values, lengths, formats, resultFormat));
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK)
        throw StoreError(what + ": " + (r ? PQresultErrorMessage(r.get()) : PQerrorMessage(pg)));
    return r;
}
}  // namespace

void* pgConnection(const QString& connection) {
    const QSqlDatabase db = QSqlDatabase::database(connection, false);
    if (!db.isValid() || !db.driver()) return nullptr;
    const QVariant handle = db.driver()->handle();
    // Qt 6 names the type as the compiler sees it (PGconn is a typedef of struct pg_conn)
    if (!handle.isValid() || (qstrcmp(handle.typeName(), "PGconn*") != 0 && qstrcmp(handle.typeName(), "pg_conn*") != 0)) {
        spdlog::warn("store: the PostgreSQL driver exposes no libpq handle ({}): raw-file chunks go through QtSql, escaped as text",
                     handle.typeName() ? handle.typeName() : "none");
        return nullptr;
    }
    return *static_cast<PGconn* const*>(handle.data());
}

void loPut(void* pg, std::int64_t oid, std::uint64_t offset, const char* data, std::size_t size, const std::string& what) {
    const std::string oidText = std::to_string(oid), offsetText = std::to_string(offset);
    const char* values[3] = {oidText.c_str(), offsetText.c_str(), data};
    const int lengths[3] = {0, 0, static_cast<int>(size)};
    const int formats[3] = {0, 0, 1};   // the chunk goes as raw bytes
    call(static_cast<PGconn*>(pg), "SELECT lo_put($1::oid, $2::bigint, $3::bytea)", values, lengths, formats, 0, what);
}

std::size_t loGet(void* pg, std::int64_t oid, std::uint64_t offset, char* out, std::size_t max, const std::string& what) {
    const std::string oidText = std::to_string(oid), offsetText = std::to_string(offset), maxText = std::to_string(max);
    const char* values[3] = {oidText.c_str(), offsetText.c_str(), maxText.c_str()};
    const int lengths[3] = {0, 0, 0};
    const int formats[3] = {0, 0, 0};
    const Result r = call(static_cast<PGconn*>(pg), "SELECT lo_get($1::oid, $2::bigint, $3::integer)", values, lengths, formats, 1, what);
    if (PQntuples(r.get()) != 1 || PQgetisnull(r.get(), 0, 0)) throw StoreError(what + ": lo_get returned no bytes");
    const auto n = std::min<std::size_t>(static_cast<std::size_t>(PQgetlength(r.get(), 0, 0)), max);
    std::memcpy(out, PQgetvalue(r.get(), 0, 0), n);
    return n;
}

}  // namespace emg::study::store
