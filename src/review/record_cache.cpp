#include "record_cache.h"

#include <algorithm>

namespace emg::review::detail {

RecordCache::RecordCache(std::size_t recordBytes, std::size_t budgetBytes)
    : recordBytes_(recordBytes), capacity_(std::max<std::size_t>(1, recordBytes ? budgetBytes / recordBytes : 1)) {}

const std::uint8_t* RecordCache::find(std::int64_t record) {
    const auto it = index_.find(record);
    if (it == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return it->second->bytes.data();
}

std::uint8_t* RecordCache::insert(std::int64_t record) {
    if (const auto it = index_.find(record); it != index_.end()) {
        entries_.splice(entries_.begin(), entries_, it->second);
        return it->second->bytes.data();
    }
    std::vector<std::uint8_t> buffer;
    if (entries_.size() >= capacity_) {
        buffer = std::move(entries_.back().bytes);
        index_.erase(entries_.back().record);
        entries_.pop_back();
    }
    buffer.resize(recordBytes_);
    entries_.push_front(Entry{record, std::move(buffer)});
    index_[record] = entries_.begin();
    return entries_.front().bytes.data();
}

void RecordCache::drop(std::int64_t record) {
    const auto it = index_.find(record);
    if (it == index_.end()) return;
    entries_.erase(it->second);
    index_.erase(it);
}

}  // namespace emg::review::detail
