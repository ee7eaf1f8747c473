#include "command_registry.h"

#include <iostream>

namespace {
int runVersion(const std::vector<std::string>&) {
    std::cout << "emgws-cli 0.1.0\n";
    return 0;
}
const emg::cli::CommandRegistration reg{"version", "print the version", &runVersion};
}  // namespace
