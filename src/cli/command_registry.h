#pragma once
// emgws-cli sub-commands register themselves here; each lives in its own cmd_*.cpp file.
//   static const emg::cli::CommandRegistration reg{"analyze", "measure a recording", &runAnalyze};
// A command returns the process exit code; errors go to stderr, results (JSON) to stdout.

#include <functional>
#include <string>
#include <vector>

namespace emg::cli {

using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
    std::string name;
    std::string summary;   ///< one line for `emgws-cli help`
    CommandFn run;
};

std::vector<Command>& commandTable();

struct CommandRegistration {
    CommandRegistration(std::string name, std::string summary, CommandFn fn) {
        commandTable().push_back({std::move(name), std::move(summary), fn});
    }
};

}  // namespace emg::cli
