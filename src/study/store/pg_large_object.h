#pragma once
// Large-object chunks over the store's own PostgreSQL connection in libpq's binary format (internal):
// QtSql would send each 1 MiB chunk hex-escaped as text (2 MiB on the wire, escaped and parsed on
// both sides); libpq's binary parameters and results carry the bytes as they are.

#include <QString>

#include <cstddef>
#include <cstdint>

namespace emg::study::store {

/// The libpq connection (PGconn*) behind the QPSQL connection `connection`; nullptr when the driver
/// does not expose one (then the callers fall back to QtSql).
void* pgConnection(const QString& connection);
/// lo_put(oid, offset, bytes) with the bytes as a binary parameter; throws StoreError.
void loPut(void* pg, std::int64_t oid, std::uint64_t offset, const char* data, std::size_t size, const std::string& what);
/// lo_get(oid, offset, max) as a binary result copied into `out`; returns the bytes read; throws StoreError.
std::size_t loGet(void* pg, std::int64_t oid, std::uint64_t offset, char* out, std::size_t max, const std::string& what);

}  // namespace emg::study::store
