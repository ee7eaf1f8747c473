#pragma once
// The raw_files table and the bytes behind it (internal to emg_store, schema version 6): push into
// a PostgreSQL large object, a shared folder or a local-path row; fetch into the cache; verify.
// Works on the store's own QtSql connection (same thread), outside any of the store's transactions.

#include "schema.h"

#include <emg/study/raw_files.h>

#include <QString>

#include <optional>
#include <string>
#include <vector>

namespace emg::study::store {

class RawFileRepository {
public:
    RawFileRepository(QString connection, Dialect dialect, std::string display, RawFileOptions options);

    RawTransfer push(const std::filesystem::path& file, std::string sha256);
    std::optional<RawFileInfo> info(const std::string& sha256);
    std::vector<RawFileInfo> list();
    RawTransfer fetch(const std::string& sha256);
    RawVerification verify(const std::string& sha256);
    /// Where a fetched copy of `info` lives in the cache.
    std::filesystem::path cachePath(const RawFileInfo& info) const;

private:
    RawTransfer pushToDatabase(const std::filesystem::path& file, const std::string& sha256, std::int64_t size);
    RawTransfer pushToFolder(const std::filesystem::path& file, const std::string& sha256, std::int64_t size);
    /// Inserts the row unless the checksum is already there; true when inserted.
    bool insertRow(const RawFileInfo& row);
    /// Reads the stored bytes of `info` chunk by chunk.
    std::function<std::size_t(std::uint64_t, char*, std::size_t)> storedReader(const RawFileInfo& info);
    std::filesystem::path folderPath(const RawFileInfo& info) const;

    QString conn_;
    Dialect dialect_;
    std::string display_;
    RawFileOptions options_;
};

}  // namespace emg::study::store
