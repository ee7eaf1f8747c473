#include "pg_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <vector>

namespace emg::study::test {

namespace fs = std::filesystem;

namespace {
std::string findBinDir() {
    std::vector<fs::path> candidates;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        const auto name = e.path().filename().string();
        const bool numeric = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); });
        if (numeric && fs::exists(e.path() / "bin" / "initdb") && fs::exists(e.path() / "bin" / "pg_ctl")) candidates.push_back(e.path() / "bin");
    }
    std::sort(candidates.begin(), candidates.end(), [](const fs::path& a, const fs::path& b) {
        return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
    });
    if (!candidates.empty()) return candidates.back().string();
    for (const char* d : {"/usr/bin", "/usr/local/bin", "/usr/local/pgsql/bin"})
        if (fs::exists(fs::path(d) / "initdb") && fs::exists(fs::path(d) / "pg_ctl")) return d;
    return {};
}

int freePort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) throw std::runtime_error("socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(s);
        throw std::runtime_error("cannot find a free port");
    }
    const int port = ntohs(a.sin_port);
    ::close(s);
    return port;
}

std::string quote(const std::string& s) { return "'" + s + "'"; }
}  // namespace

PgServer& PgServer::instance() {
    static PgServer server;
    return server;
}

std::string PgServer::run(const std::string& cmd, int* status) const {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) throw std::runtime_error("popen failed for: " + cmd);
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
    const int rc = ::pclose(p);
    const int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    if (status) *status = code;
    else if (code != 0) throw std::runtime_error("command failed (" + std::to_string(code) + "): " + cmd + "\n" + out);
    return out;
}

std::string PgServer::asPostgres(const std::string& cmd) const {
    return ::geteuid() == 0 ? "runuser -u postgres -- " + cmd : cmd;
}

PgServer::PgServer() {
    bin_ = findBinDir();
    if (bin_.empty())
        throw std::runtime_error(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package 'postgresql' "
            "(tools/install-deps.sh does; CI runs it). The PostgreSQL back end cannot be tested without them.");
    std::mt19937_64 rng{std::random_device{}()};
    dir_ = (fs::temp_directory_path() / ("emgws-pg-" + std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000000))).string();
    fs::create_directories(dir_);
    if (::geteuid() == 0) run("chown postgres:postgres " + quote(dir_));
    run(asPostgres(bin_ + "/initdb -D " + quote(dir_ + "/data") + " --auth=trust --username=postgres -E UTF8 --no-sync"));
    // Watchdog: when this process goes away (even by a crash), stop the server and remove the folder.
    run("nohup sh -c " +
        quote("while kill -0 " + std::to_string(::getpid()) + " 2>/dev/null; do sleep 1; done; " +
              asPostgres(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate stop") + "; rm -rf " + dir_) +
        " >/dev/null 2>&1 &");
    std::string lastError;
    for (int attempt = 0; attempt < 5 && !started_; ++attempt) {
        port_ = freePort();
        int status = 0;
        lastError = run(asPostgres(bin_ + "/pg_ctl -D " + quote(dir_ + "/data") + " -l " + quote(dir_ + "/server.log") + " -w -t 60 -o " +
                                   quote("-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " + dir_ +
                                         " -c fsync=off -c full_page_writes=off") +
                                   " start"),
                        &status);
        started_ = status == 0;
    }
    if (!started_) throw std::runtime_error("PostgreSQL did not start on loopback: " + lastError);
}

PgServer::~PgServer() {
    if (started_) {
        int status = 0;
        run(asPostgres(bin_ + "/pg_ctl -D " + quote(dir_ + "/data") + " -m fast -w stop"), &status);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::string PgServer::createDatabase() {
    const std::string name = "emgws_test_" + std::to_string(++dbCounter_);
    run(asPostgres(bin_ + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres " + name));
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

}  // namespace emg::study::test
