#pragma once
// A small LRU cache of whole EDF/BDF data records, bounded in bytes (at least one record is
// kept). Buffers of evicted records are reused, so steady paging allocates nothing.
#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

namespace emg::review::detail {

class RecordCache {
public:
    RecordCache(std::size_t recordBytes, std::size_t budgetBytes);

    /// The cached bytes of `record`, or nullptr; a hit becomes the most recently used.
    const std::uint8_t* find(std::int64_t record);
    /// Room for `record` (evicting the least recently used as needed); the caller fills
    /// recordBytes bytes and the entry is kept. If the fill fails, call drop(record).
    std::uint8_t* insert(std::int64_t record);
    void drop(std::int64_t record);

    std::size_t bytes() const noexcept { return entries_.size() * recordBytes_; }
    std::size_t capacityRecords() const noexcept { return capacity_; }

private:
    struct Entry {
        std::int64_t record;
        std::vector<std::uint8_t> bytes;
    };
    std::size_t recordBytes_;
    std::size_t capacity_;
    std::list<Entry> entries_;   // front = most recently used
    std::unordered_map<std::int64_t, std::list<Entry>::iterator> index_;
};

}  // namespace emg::review::detail
