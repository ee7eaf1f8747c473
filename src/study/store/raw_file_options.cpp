// Where raw files are shared and cached (raw_files.h): the environment's defaults.
#include <emg/study/raw_files.h>

#include <cstdlib>

namespace emg::study {

namespace {
const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}
}  // namespace

std::filesystem::path defaultRawCacheDir() {
    if (const char* dir = env("EMGWS_RAW_CACHE")) return dir;
    std::filesystem::path base;
    if (const char* xdg = env("XDG_CACHE_HOME")) base = xdg;
    else if (const char* home = env("HOME")) base = std::filesystem::path(home) / ".cache";
    else base = std::filesystem::temp_directory_path();
    return base / "emgws" / "raw";
}

RawFileOptions rawFileOptionsFromEnvironment() {
    RawFileOptions o;
    o.cacheDir = defaultRawCacheDir();
    if (const char* folder = env("EMGWS_RAW_FOLDER")) o.sharedFolder = folder;
    return o;
}

}  // namespace emg::study
