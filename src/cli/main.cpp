// emgws-cli: the engine's headless face. Every capability lives in the engine; this only
// parses arguments and dispatches to the registered sub-commands (cmd_*.cpp).
#include "command_registry.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

namespace emg::cli {
std::vector<Command>& commandTable() {
    static std::vector<Command> table;
    return table;
}
}  // namespace emg::cli

namespace {
void printUsage() {
    auto cmds = emg::cli::commandTable();
    std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::cerr << "usage: emgws-cli COMMAND [ARGS...]\n\ncommands:\n";
    for (const auto& c : cmds) std::cerr << "  " << c.name << std::string(c.name.size() < 12 ? 12 - c.name.size() : 1, ' ') << c.summary << "\n";
    std::cerr << "\n'emgws-cli COMMAND --help' describes one command.\n";
}
}  // namespace

int main(int argc, char* argv[]) {
    // Logs go to stderr so stdout carries only the command's result (JSON).
    auto logger = spdlog::stderr_color_mt("emgws-cli");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::warn);
    if (const char* lvl = std::getenv("EMGWS_LOG")) spdlog::set_level(spdlog::level::from_str(lvl));

    if (argc < 2 || std::string(argv[1]) == "help" || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        printUsage();
        return argc < 2 ? 2 : 0;
    }
    const std::string name = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& c : emg::cli::commandTable()) {
        if (c.name == name) {
            try {
                return c.run(args);
            } catch (const std::exception& e) {
                std::cerr << "emgws-cli " << name << ": error: " << e.what() << "\n";
                return 1;
            }
        }
    }
    std::cerr << "emgws-cli: unknown command '" << name << "'\n";
    printUsage();
    return 2;
}
