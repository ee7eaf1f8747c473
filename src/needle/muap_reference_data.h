#pragma once
// The text of resources/needle/muap_reference.json, embedded at build time (the engine needs
// no resource folder at run time); parsed by reference_values.cpp.

namespace emg::needle::detail {

const char* muapReferenceJson() noexcept;

}  // namespace emg::needle::detail
