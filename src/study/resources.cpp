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
    for (const char* dir : {EMGWS_SOURCE_RESOURCE_DIR, EMGWS_INSTALLED_RESOURCE_DIR})
        if (fs::is_regular_file(fs::path(dir) / "myotomes.json")) return dir;
    throw FormatError(std::string("no resources folder found (set EMGWS_RESOURCE_DIR; looked in ") + EMGWS_SOURCE_RESOURCE_DIR +
                      " and " + EMGWS_INSTALLED_RESOURCE_DIR + ")");
}

}  // namespace emg::study
