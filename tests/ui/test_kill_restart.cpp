// Issue 14's proof at the process level: "killing the process in the middle of that run and
// restarting loses no stored sweep and resumes at the same test and site". The real workstation
// (the emgws binary, offscreen, on its built-in simulator, with a SQLite store in a temporary
// folder) is started on a study with the lumbosacral protocol and driven through its key bindings
// by its --test-keys hook (F5 stimulate, F8 next site, F9 next test); once sweeps of two tests are
// stored it gets SIGKILL in the middle of its key list. Every sweep it had logged as stored must be
// in the store, with the position it had logged last; a second process on the same store must
// open the run at that test and site and store its next sweep there.
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace st = emg::study;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::mt19937_64 rng{std::random_device{}()};
        path = fs::temp_directory_path() / ("emgws-kill-restart-" + std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000000));
        fs::create_directories(path / "home");
        fs::create_directories(path / "run");
        ::chmod((path / "run").c_str(), 0700);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

/// One emgws process with stdout and stderr in `log`.
class Workstation {
public:
    Workstation(const TempDir& dir, const std::string& url, const std::string& studyId, const std::string& keys, int intervalMs,
                const fs::path& log)
        : log_(log) {
        std::vector<std::string> env;
        const auto replaced = [](const std::string& v) {
            for (const char* name : {"QT_QPA_PLATFORM=", "HOME=", "XDG_RUNTIME_DIR=", "XDG_CONFIG_HOME=", "XDG_DATA_HOME="})
                if (v.rfind(name, 0) == 0) return true;
            return false;
        };
        for (char** e = environ; *e; ++e)
            if (!replaced(*e)) env.emplace_back(*e);
        env.push_back("QT_QPA_PLATFORM=offscreen");
        env.push_back("HOME=" + (dir.path / "home").string());   // settings and recordings of its own
        env.push_back("XDG_RUNTIME_DIR=" + (dir.path / "run").string());
        const std::vector<std::string> args{EMGWS_GUI_PATH, "--store", url, "--study", studyId, "--test-keys", keys,
                                            "--test-key-interval-ms", std::to_string(intervalMs)};
        std::vector<char*> argv, envp;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        const int rc = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(rc == 0);
    }
    ~Workstation() { stop(SIGKILL); }
    /// Sends `signal` and waits for the process; its wait status.
    int stop(int signal) {
        if (pid_ <= 0) return status_;
        ::kill(pid_, signal);
        ::waitpid(pid_, &status_, 0);
        pid_ = -1;
        return status_;
    }
    bool running() {
        if (pid_ <= 0) return false;
        if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }
    std::string log() const {
        std::ifstream in(log_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

private:
    fs::path log_;
    pid_t pid_ = -1;
    int status_ = 0;
};

struct LoggedSweep {
    long long id = 0;
    int test = 0, site = 0;
};
struct RunLog {
    std::vector<LoggedSweep> sweeps;
    std::vector<std::pair<int, int>> positions;   ///< every "at test T site S", in order
};

RunLog parse(const std::string& log) {
    RunLog r;
    static const std::regex sweep(R"(protocol run: sweep (\d+) stored at test (\d+) site (\d+))");
    static const std::regex at(R"(protocol run: at test (\d+) site (\d+))");
    std::istringstream in(log);
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_search(line, m, sweep)) r.sweeps.push_back({std::stoll(m[1]), std::stoi(m[2]), std::stoi(m[3])});
        else if (std::regex_search(line, m, at)) r.positions.emplace_back(std::stoi(m[1]), std::stoi(m[2]));
    }
    return r;
}

/// Polls `done` every 50 ms for up to `limit`, failing when the process ends first.
template <typename F>
bool waitFor(Workstation& w, F&& done, std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        if (!w.running()) return done();
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::string repeated(const std::string& key, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += (s.empty() ? "" : ",") + key;
    return s;
}

}  // namespace

TEST_CASE("workstation process killed mid-run and restarted: no stored sweep lost, resumes at the same test and site", "[ui][run][process]") {
    TempDir dir;
    const std::string url = "sqlite:" + (dir.path / "store" / "emgws.sqlite").string();
    std::string studyId;
    {
        auto store = st::SessionStore::open(url);
        st::Patient p;
        p.id = "K1";
        p.name = "Kill, Restart";
        store->savePatient(p);
        st::Study s;
        s.patientId = "K1";
        s.date = "2026-12-03";
        s.protocolId = "lumbosacral-radiculopathy";
        studyId = store->saveStudy(s);
    }
    // three sweeps at the first site, next site, three more, next test, then stimuli until killed
    const std::string keys = "F5,F5,F5,F8,F5,F5,F5,F9," + repeated("F5", 60);
    RunLog before;
    std::size_t seenBeforeKill = 0;
    {
        Workstation first(dir, url, studyId, keys, 300, dir.path / "first.log");
        const bool reached = waitFor(
            first,
            [&] {
                const auto r = parse(first.log());
                return r.sweeps.size() >= 9 && r.sweeps.back().test >= 1;
            },
            120s);
        INFO(first.log());
        REQUIRE(reached);
        {   // what a reader sees just before the kill (WAL: the workstation keeps writing)
            auto reader = st::SessionStore::open(url);
            seenBeforeKill = reader->runSweeps(studyId).size();
        }
        const int status = first.stop(SIGKILL);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);
        before = parse(first.log());
        CHECK(first.log().find("test keys: done") == std::string::npos);   // killed in the middle of its key list
    }
    REQUIRE(before.sweeps.size() >= 9);
    REQUIRE_FALSE(before.positions.empty());
    const auto killedAt = before.positions.back();
    INFO("killed at test " << killedAt.first << " site " << killedAt.second << " after " << before.sweeps.size() << " logged sweeps");

    std::map<long long, st::RunSweep> afterKill;
    {
        auto store = st::SessionStore::open(url);
        for (auto& s : store->runSweeps(studyId)) afterKill[s.id] = std::move(s);
        const auto pos = store->runPosition(studyId);
        REQUIRE(pos);
        CHECK(pos->testIndex == killedAt.first);
        CHECK(pos->siteIndex == killedAt.second);
    }
    CHECK(afterKill.size() >= before.sweeps.size());
    CHECK(afterKill.size() >= seenBeforeKill);
    for (const auto& logged : before.sweeps) {
        INFO("sweep " << logged.id);
        const auto it = afterKill.find(logged.id);
        REQUIRE(it != afterKill.end());
        CHECK(it->second.testIndex == logged.test);
        CHECK(it->second.siteIndex == logged.site);
        CHECK_FALSE(it->second.microvolts.empty());
    }
    // per site, as many stored as it logged (three stimuli each at the first test's two sites)
    for (const auto& [test, site] : {std::pair{0, 0}, std::pair{0, 1}, killedAt}) {
        INFO("test " << test << " site " << site);
        const auto logged = std::count_if(before.sweeps.begin(), before.sweeps.end(), [&](const auto& s) { return s.test == test && s.site == site; });
        const auto kept = std::count_if(afterKill.begin(), afterKill.end(), [&](const auto& s) { return s.second.testIndex == test && s.second.siteIndex == site; });
        CHECK(logged >= 1);
        if (std::pair{test, site} == killedAt) CHECK(kept >= logged);   // one may have been stored between its row and its log line
        else CHECK(kept == logged);
    }
    // restarted on the same store and study: opens at the same test and site, the next stimulus lands there
    Workstation second(dir, url, studyId, "F5,F5", 1500, dir.path / "second.log");
    const bool stored = waitFor(second, [&] { return parse(second.log()).sweeps.size() >= 2; }, 60s);
    const std::string secondLog = second.log();
    second.stop(SIGTERM);
    INFO(secondLog);
    REQUIRE(stored);
    const auto after = parse(secondLog);
    REQUIRE_FALSE(after.positions.empty());
    CHECK(after.positions.front() == killedAt);   // the first position it shows
    for (const auto& s : after.sweeps) {
        CHECK(s.test == killedAt.first);
        CHECK(s.site == killedAt.second);
        CHECK(afterKill.count(s.id) == 0);   // new rows, after the old ones
        CHECK(s.id > afterKill.rbegin()->first);
    }
    auto store = st::SessionStore::open(url);
    const auto all = store->runSweeps(studyId);
    CHECK(all.size() == afterKill.size() + after.sweeps.size());
    for (const auto& s : all) {
        const auto it = afterKill.find(s.id);
        if (it == afterKill.end()) continue;
        CHECK(s.microvolts == it->second.microvolts);   // the old sweeps as they were
        CHECK(s.storedAt == it->second.storedAt);
    }
}
