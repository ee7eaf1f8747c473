#pragma once
// The expert unit of a parsed decomposition by its id, for the decomposition tests.
#include <emg/needle/decomposition_compare.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace needle_test {
inline const emg::needle::ExpertUnit& unitById(const std::vector<emg::needle::ExpertUnit>& units, const std::string& id) {
    for (const auto& u : units)
        if (u.id == id) return u;
    FAIL("no unit " << id);
    return units.front();
}
}  // namespace needle_test
