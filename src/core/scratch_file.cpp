#include <emg/core/scratch_file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace emg {

std::string scratchFolder() {
    const char* t = std::getenv("TMPDIR");
    return t && *t ? std::string(t) : std::string("/tmp");
}

int openUnnamedScratchFile(const std::string& folder, const std::string& namePrefix) {
    int fd = -1;
#ifdef O_TMPFILE
    fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    if (fd < 0) {   // no O_TMPFILE here: a unique name, unlinked at once
        const std::string name = folder + "/" + namePrefix + "-XXXXXX";
        std::vector<char> buf(name.begin(), name.end());
        buf.push_back('\0');
        fd = ::mkostemp(buf.data(), O_CLOEXEC);
        if (fd >= 0) ::unlink(buf.data());
    }
    return fd;
}

}  // namespace emg
