#pragma once
// Messages name the file they are about: an error from deeper code that does not name it gets
// the path put in front ("PATH: ..."). Out-of-memory stays what it is (main() words it).
#include <exception>
#include <new>
#include <stdexcept>
#include <string>

namespace emg::cli {

/// Runs `fn`; a std::exception whose message lacks `path` is rethrown as std::runtime_error
/// "PATH: message" (std::bad_alloc passes through unchanged).
template <class Fn>
auto namingPath(const std::string& path, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        const std::string m = e.what();
        if (m.find(path) != std::string::npos) throw;
        throw std::runtime_error(path + ": " + m);
    }
}

}  // namespace emg::cli
