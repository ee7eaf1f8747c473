#include "command_registry.h"

#include <iostream>

#include <emg/study/resources.h>

namespace {
int runVersion(const std::vector<std::string>&) {
    std::cout << "emgws-cli " << EMGWS_VERSION << "\n";
    try {
        std::cout << "resources: " << emg::study::resourceDir().string() << "\n";
    } catch (const std::exception& e) {
        std::cout << "resources: none (" << e.what() << ")\n";
    }
    return 0;
}
const emg::cli::CommandRegistration reg{"version", "print the version and the resources folder in use", &runVersion};
}  // namespace
