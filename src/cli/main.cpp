// emgws-cli: the engine's headless face. Every capability lives in the engine; this only
// parses arguments and dispatches to the registered sub-commands (cmd_*.cpp).
#include "command_registry.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <new>
#include <string_view>

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
// The arguments that are not options: the files a command works on, named in a last-resort message.
std::string operands(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& a : args)
        if (!a.empty() && a[0] != '-') out += (out.empty() ? "'" : ", '") + a + "'";
    return out.empty() ? std::string("the input") : out;
}

// Words no user should read: what() of the standard library's and the JSON library's own
// exceptions ("std::bad_alloc", "vector::_M_range_check", "[json.exception.type_error.316] ...").
bool libraryWords(std::string_view m) {
    for (std::string_view w : {"std::", "_M_", "basic_string", "vector::", "[json.", "bad_alloc", "bad_array", "stoi", "stod",
                               "stol", "map::at", "bitset", "nan ", "(nan", "-nan", " nan"})
        if (m.find(w) != std::string_view::npos) return true;
    return m.empty();
}

// One line: newlines and tabs folded.
std::string oneLine(std::string m) {
    for (char& c : m)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return m;
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
            // Commands print their own clear messages; this is the last resort: one line naming
            // the files, never the text of an exception the standard or a library made up.
            try {
                return c.run(args);
            } catch (const std::bad_alloc&) {
                std::cerr << "emgws-cli " << name << ": error: not enough memory to process " << operands(args) << "\n";
            } catch (const std::exception& e) {
                const std::string m = oneLine(e.what());
                if (libraryWords(m))
                    std::cerr << "emgws-cli " << name << ": error: cannot process " << operands(args)
                              << ": an internal check failed (please report this with the file)\n";
                else
                    std::cerr << "emgws-cli " << name << ": error: " << m << "\n";
            } catch (...) {
                std::cerr << "emgws-cli " << name << ": error: cannot process " << operands(args) << ": unknown failure\n";
            }
            return 1;
        }
    }
    std::cerr << "emgws-cli: unknown command '" << name << "'\n";
    printUsage();
    return 2;
}
