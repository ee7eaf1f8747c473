#include <emg/study/resources.h>
#include <emg/study/types.h>

#include <cstdlib>

namespace emg::study {

std::filesystem::path resourceDir() {
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("EMGWS_RESOURCE_DIR"); env && *env) {
        if (!fs::is_directory(env)) throw FormatError(std::string("EMGWS_RESOURCE_DIR=") + env + " is not a directory");
        return env;
    }
    // An installed tree moved elsewhere (cmake --install --prefix DIR, a package): share/emgws
    // beside the executable's bin/ comes before the source tree and the configured prefix.
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec && exe.parent_path().filename() == "bin") {
        const fs::path beside = exe.parent_path().parent_path() / "share" / "emgws";
        if (fs::is_regular_file(beside / "myotomes.json", ec)) return beside;
    }
    for (const char* dir : {EMGWS_SOURCE_RESOURCE_DIR, EMGWS_INSTALLED_RESOURCE_DIR})
        if (fs::is_regular_file(fs::path(dir) / "myotomes.json")) return dir;
    throw FormatError(std::string("no resources folder found (set EMGWS_RESOURCE_DIR; looked in ") + EMGWS_SOURCE_RESOURCE_DIR +
                      " and " + EMGWS_INSTALLED_RESOURCE_DIR + ")");
}

}  // namespace emg::study
