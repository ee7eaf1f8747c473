#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

int main(int argc, char* argv[]) {
    // Tests exercise error paths on purpose; keep the log to warnings and above.
    spdlog::set_level(spdlog::level::warn);
    return Catch::Session().run(argc, argv);
}
