// Raw files by SHA-256 (schema version 6): push, fetch into the cache, verify. See raw_files.h.
#include "raw_file_repository.h"

#include "pg_large_object.h"
#include "raw_stream.h"

#include <emg/study/session_store.h>

#include <QByteArray>
#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <memory>

namespace emg::study::store {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }
std::string str(const QVariant& v) { return v.isNull() ? std::string() : v.toString().toStdString(); }
std::string nowUtc() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString(); }

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// "edf" from "rec.EDF": lower-case letters and digits of the extension, at most 8 ("" when none).
std::string formatOf(const std::filesystem::path& file) {
    std::string ext = file.extension().string(), out;
    for (char c : ext)
        if (std::isalnum(static_cast<unsigned char>(c)) && out.size() < 8) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool validSha(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
    return true;
}

QSqlQuery run(const QString& conn, const std::string& display, const std::string& sql, const std::vector<QVariant>& args,
              const std::string& context) {
    QSqlQuery q(QSqlDatabase::database(conn, false));
    q.setForwardOnly(true);
    bool ok = false;
    if (args.empty()) {
        ok = q.exec(qs(sql));
    } else if (q.prepare(qs(sql))) {
        for (const auto& a : args) q.addBindValue(a);
        ok = q.exec();
    }
    if (!ok) throw StoreError(display + ": " + context + ": " + q.lastError().text().toStdString());
    return q;
}

/// BEGIN ... COMMIT on the store's connection; rolled back when left without commit() (a
/// PostgreSQL large object created inside goes with it).
class Tx {
public:
    Tx(const QString& conn, Dialect d, const std::string& display) : conn_(conn), display_(display) {
        run(conn_, display_, d == Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN", {}, "starting a transaction");
    }
    void commit() {
        run(conn_, display_, "COMMIT", {}, "committing");
        done_ = true;
    }
    ~Tx() {
        if (done_) return;
        QSqlQuery q(QSqlDatabase::database(conn_, false));
        if (!q.exec(QStringLiteral("ROLLBACK"))) spdlog::error("store {}: rollback failed: {}", display_, q.lastError().text().toStdString());
    }
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;

private:
    QString conn_;
    std::string display_;
    bool done_ = false;
};

constexpr const char* kSelect =
    "SELECT sha256, size_bytes, format, original_name, location, path, lo_oid, stored_at, stored_by FROM raw_files";

RawFileInfo rowFrom(const QSqlQuery& q) {
    return {str(q.value(0)), q.value(1).toLongLong(), str(q.value(2)), str(q.value(3)), str(q.value(4)),
            str(q.value(5)), q.value(6).isNull() ? 0 : q.value(6).toLongLong(), str(q.value(7)), str(q.value(8))};
}

std::string describe(const RawFileInfo& i) {
    if (i.location == "database") return "raw file " + i.sha256 + " (large object " + std::to_string(i.largeObjectOid) + ")";
    return "raw file " + i.sha256 + " (" + i.location + " " + i.path + ")";
}

}  // namespace

RawFileRepository::RawFileRepository(QString connection, Dialect dialect, std::string display, RawFileOptions options)
    : conn_(std::move(connection)), dialect_(dialect), display_(std::move(display)), options_(std::move(options)) {
    if (options_.cacheDir.empty()) options_.cacheDir = defaultRawCacheDir();
}

std::optional<RawFileInfo> RawFileRepository::info(const std::string& sha256) {
    auto q = run(conn_, display_, std::string(kSelect) + " WHERE sha256 = ?", {qs(sha256)}, "reading raw file " + sha256);
    if (!q.next()) return std::nullopt;
    return rowFrom(q);
}

std::vector<RawFileInfo> RawFileRepository::list() {
    auto q = run(conn_, display_, std::string(kSelect) + " ORDER BY stored_at, sha256", {}, "listing raw files");
    std::vector<RawFileInfo> out;
    while (q.next()) out.push_back(rowFrom(q));
    return out;
}

bool RawFileRepository::insertRow(const RawFileInfo& r) {
    auto q = run(conn_, display_,
                 "INSERT INTO raw_files (sha256, size_bytes, format, original_name, location, path, lo_oid, stored_at, stored_by) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                 {qs(r.sha256), QVariant::fromValue<qlonglong>(r.sizeBytes), qs(r.format), qs(r.originalName), qs(r.location),
                  r.path.empty() ? QVariant() : QVariant(qs(r.path)),
                  r.location == "database" ? QVariant::fromValue<qlonglong>(r.largeObjectOid) : QVariant(), qs(r.storedAt), qs(r.storedBy)},
                 "storing raw file " + r.sha256);
    return q.numRowsAffected() > 0;
}

RawTransfer RawFileRepository::push(const std::filesystem::path& file, std::string sha256) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) throw StoreError("raw file " + file.string() + " does not exist");
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(file));
    if (sha256.empty()) sha256 = sha256OrEmpty(file);
    if (!validSha(sha256)) throw StoreError("'" + sha256 + "' is not a lower-case hex SHA-256");
    if (!options_.sharedFolder.empty()) return pushToFolder(file, sha256, size);
    if (dialect_ == Dialect::Postgres) return pushToDatabase(file, sha256, size);
    // SQLite without a shared folder: the file stays where it is; it is verified when fetched
    const auto t0 = std::chrono::steady_clock::now();
    RawFileInfo row{sha256, size, formatOf(file), file.filename().string(), "local",
                    std::filesystem::absolute(file).lexically_normal().string(), 0, nowUtc(), osLoginName()};
    const bool inserted = insertRow(row);
    RawTransfer r{inserted ? row : *info(sha256), {}, 0, secondsSince(t0), !inserted};
    return r;
}

RawTransfer RawFileRepository::pushToDatabase(const std::filesystem::path& file, const std::string& sha256, std::int64_t size) {
    const auto t0 = std::chrono::steady_clock::now();
    Tx tx(conn_, dialect_, display_);
    // two workstations pushing the same bytes at once: the second waits, then finds them stored
    run(conn_, display_, "SELECT pg_advisory_xact_lock(hashtext(?))", {qs(sha256)}, "locking raw file " + sha256);
    if (auto existing = info(sha256)) {
        tx.commit();
        return {*existing, {}, 0, secondsSince(t0), true};
    }
    auto created = run(conn_, display_, "SELECT lo_create(0)", {}, "creating a large object for " + sha256);
    if (!created.next()) throw StoreError(display_ + ": lo_create returned nothing");
    const qlonglong oid = created.value(0).toLongLong();
    created.finish();
    void* pg = pgConnection(conn_);
    QSqlQuery put(QSqlDatabase::database(conn_, false));
    if (!pg && !put.prepare(QStringLiteral("SELECT lo_put(CAST(? AS oid), CAST(? AS bigint), ?)")))
        throw StoreError(display_ + ": preparing lo_put: " + put.lastError().text().toStdString());
    std::uint64_t written = 0;
    const std::string actual = streamHashed(
        static_cast<std::uint64_t>(size), fileReader(file),
        [&](const char* data, std::size_t n) {
            if (pg) {   // binary: the chunk as it is
                loPut(pg, oid, written, data, n, display_ + ": writing " + file.string() + " at byte " + std::to_string(written));
                written += n;
                return;
            }
            put.bindValue(0, oid);
            put.bindValue(1, QVariant::fromValue<qlonglong>(static_cast<qlonglong>(written)));
            put.bindValue(2, QByteArray::fromRawData(data, static_cast<qsizetype>(n)));
            if (!put.exec()) throw StoreError(display_ + ": writing " + file.string() + " at byte " + std::to_string(written) + ": " +
                                              put.lastError().text().toStdString());
            put.finish();
            written += n;
        },
        file.string());
    if (actual != sha256) throw ChecksumMismatch(file.string(), sha256, actual);   // the rollback drops the large object
    RawFileInfo row{sha256, size, formatOf(file), file.filename().string(), "database", "", oid, nowUtc(), osLoginName()};
    insertRow(row);
    tx.commit();
    const double s = secondsSince(t0);
    spdlog::info("store {}: raw file {} ({} bytes) stored as large object {} in {:.2f} s", display_, sha256, size, oid, s);
    return {row, {}, static_cast<std::uint64_t>(size), s, false};
}

RawTransfer RawFileRepository::pushToFolder(const std::filesystem::path& file, const std::string& sha256, std::int64_t size) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string ext = formatOf(file);
    RawFileInfo row{sha256, size, ext, file.filename().string(), "folder",
                    sha256.substr(0, 2) + "/" + sha256 + (ext.empty() ? "" : "." + ext), 0, nowUtc(), osLoginName()};
    const auto target = options_.sharedFolder / row.path;
    bool copied = false;
    if (sha256OrEmpty(target) != sha256) {   // absent, or a damaged copy: (re)write it
        copyVerified(static_cast<std::uint64_t>(size), fileReader(file), target, sha256, file.string());
        copied = true;
    }
    const bool inserted = insertRow(row);
    const double s = secondsSince(t0);
    spdlog::info("store {}: raw file {} {} shared folder {}", display_, sha256, copied ? "copied to" : "already in", target.string());
    return {inserted ? row : *info(sha256), {}, copied ? static_cast<std::uint64_t>(size) : 0, s, !copied};
}

std::filesystem::path RawFileRepository::folderPath(const RawFileInfo& i) const {
    if (options_.sharedFolder.empty())
        throw StoreError(describe(i) + " is kept in a shared folder, and none is configured on this workstation "
                                       "(set EMGWS_RAW_FOLDER or --raw-folder to where it is mounted)");
    return options_.sharedFolder / i.path;
}

std::filesystem::path RawFileRepository::cachePath(const RawFileInfo& i) const {
    // a folder per checksum holding the file under its original name (what the review tab, the
    // report and the DICOM export show); a name that is not a plain file name is replaced
    const std::string name = std::filesystem::path(i.originalName).filename().string();
    const bool plain = !name.empty() && name != "." && name != ".." && name == i.originalName && name.size() <= 200;
    return options_.cacheDir / i.sha256 / (plain ? name : "raw" + (i.format.empty() ? "" : "." + i.format));
}

ChunkReader RawFileRepository::storedReader(const RawFileInfo& i) {
    if (i.location == "folder") return fileReader(folderPath(i));
    if (i.location == "local") return fileReader(i.path);
    if (void* pg = pgConnection(conn_)) {   // binary: the chunk as it is
        const std::int64_t oid = i.largeObjectOid;
        return [pg, oid, what = display_ + ": reading " + describe(i)](std::uint64_t offset, char* out, std::size_t max) {
            return loGet(pg, oid, offset, out, max, what);
        };
    }
    auto get = std::make_shared<QSqlQuery>(QSqlDatabase::database(conn_, false));
    get->setForwardOnly(true);
    if (!get->prepare(QStringLiteral("SELECT lo_get(CAST(? AS oid), CAST(? AS bigint), CAST(? AS integer))")))
        throw StoreError(display_ + ": preparing lo_get: " + get->lastError().text().toStdString());
    const qlonglong oid = i.largeObjectOid;
    return [get, oid, what = describe(i), display = display_](std::uint64_t offset, char* out, std::size_t max) -> std::size_t {
        get->bindValue(0, oid);
        get->bindValue(1, QVariant::fromValue<qlonglong>(static_cast<qlonglong>(offset)));
        get->bindValue(2, static_cast<int>(max));
        if (!get->exec() || !get->next()) throw StoreError(display + ": reading " + what + ": " + get->lastError().text().toStdString());
        const QByteArray bytes = get->value(0).toByteArray();
        get->finish();
        const auto n = std::min<std::size_t>(static_cast<std::size_t>(bytes.size()), max);
        std::memcpy(out, bytes.constData(), n);
        return n;
    };
}

RawTransfer RawFileRepository::fetch(const std::string& sha256) {
    const auto i = info(sha256);
    if (!i)
        throw StoreError("raw file " + sha256 + " is not kept by the store " + display_ +
                         " (push it from the workstation that has it: emgws-cli recordings push FILE)");
    const auto t0 = std::chrono::steady_clock::now();
    RawTransfer r;
    r.info = *i;
    if (i->location == "local") {   // verified where it is
        const std::string actual = sha256OrEmpty(i->path);
        if (actual.empty()) throw StoreError(describe(*i) + " is missing on this workstation");
        if (actual != sha256) throw ChecksumMismatch(i->path, sha256, actual);
        r.localPath = i->path;
        r.seconds = secondsSince(t0);
        return r;
    }
    r.localPath = cachePath(*i);
    const std::string cached = sha256OrEmpty(r.localPath);
    if (cached == sha256) {
        r.fromCache = true;
        r.seconds = secondsSince(t0);
        return r;
    }
    if (!cached.empty()) {
        spdlog::warn("raw cache: {} has SHA-256 {}, not {}: fetching it again from {}", r.localPath.string(), cached, sha256, display_);
        r.cacheWasCorrupt = true;
    }
    copyVerified(static_cast<std::uint64_t>(i->sizeBytes), storedReader(*i), r.localPath, sha256, describe(*i));
    r.bytesMoved = static_cast<std::uint64_t>(i->sizeBytes);
    r.seconds = secondsSince(t0);
    spdlog::info("store {}: fetched {} ({} bytes) into {} in {:.2f} s", display_, describe(*i), i->sizeBytes, r.localPath.string(), r.seconds);
    return r;
}

RawVerification RawFileRepository::verify(const std::string& sha256) {
    const auto i = info(sha256);
    if (!i) throw StoreError("raw file " + sha256 + " is not kept by the store " + display_);
    RawVerification v{sha256, "", false, "not-cached"};
    if (i->location == "local") {
        v.storedActual = sha256OrEmpty(i->path);
    } else {
        try {
            v.storedActual = streamHashed(static_cast<std::uint64_t>(i->sizeBytes), storedReader(*i), {}, describe(*i));
        } catch (const StoreError& e) {
            spdlog::error("{}", e.what());   // unreadable or truncated: reported as a mismatch
        }
        const std::string cached = sha256OrEmpty(cachePath(*i));
        v.cacheState = cached.empty() ? "absent" : cached == sha256 ? "ok" : "corrupt";
    }
    v.storedOk = v.storedActual == sha256;
    return v;
}

}  // namespace emg::study::store
