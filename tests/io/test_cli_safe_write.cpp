// The writes that used to destroy (issue 12), run through emgws-cli as a user would:
// `report` with a symlink at OUT.pdf.part, a symlink/FIFO/device as OUT, a full disk (injected
// ENOSPC and RLIMIT_FSIZE with SIGXFSZ ignored); `convert` on a full disk. Each asserts the exit
// status, a one-line message naming the path and the reason, and the old file intact.
#include "io_test_util.h"

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifdef EMGWS_CLI_PATH
using namespace emg;

namespace {

struct Run {
    int exitCode = -1;   ///< -1: killed (timeout) or signalled
    std::string out, err;
};

struct ChildOptions {
    std::vector<std::string> env;        ///< extra "K=V"
    long fileSizeLimitBytes = 0;         ///< RLIMIT_FSIZE (SIGXFSZ ignored) when > 0
};

std::string slurp(const std::filesystem::path& p) {
    const auto b = test::fileBytes(p);
    return {b.begin(), b.end()};
}

/// Runs emgws-cli with `args` in a child (stdout/stderr to files in `dir`), killed after 30 s.
Run cli(const std::filesystem::path& dir, const std::vector<std::string>& args, const ChildOptions& o = {}) {
    const auto outPath = dir / ".stdout", errPath = dir / ".stderr";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(out, 1);
        ::dup2(err, 2);
        for (const auto& kv : o.env) ::putenv(const_cast<char*>(kv.c_str()));
        ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
        // as in a desktop session (else Qt warns about it on stderr): a private runtime folder
        const auto runtime = dir / ".runtime";
        std::filesystem::create_directories(runtime);
        std::filesystem::permissions(runtime, std::filesystem::perms::owner_all);
        ::setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
        if (o.fileSizeLimitBytes > 0) {
            std::signal(SIGXFSZ, SIG_IGN);   // stays ignored across exec: writes fail with EFBIG
            struct rlimit lim {static_cast<rlim_t>(o.fileSizeLimitBytes), static_cast<rlim_t>(o.fileSizeLimitBytes)};
            ::setrlimit(RLIMIT_FSIZE, &lim);
        }
        std::vector<char*> argv{const_cast<char*>(EMGWS_CLI_PATH)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(EMGWS_CLI_PATH, argv.data());
        ::_exit(127);
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    Run r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(outPath);
    r.err = slurp(errPath);
    std::filesystem::remove(outPath);
    std::filesystem::remove(errPath);
    std::filesystem::remove_all(dir / ".runtime");
    return r;
}

/// stderr is exactly one line (ending in a newline), without library words.
bool oneCleanLine(const std::string& err) {
    if (err.empty() || err.back() != '\n' || err.find('\n') != err.size() - 1) return false;
    return err.find("std::") == std::string::npos && err.find("_M_") == std::string::npos && err.find("nan") == std::string::npos;
}

std::size_t entries(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

/// A minimal valid report document (docs/report.md).
void writeReportJson(const std::filesystem::path& p) {
    test::writeText(p, R"J({"title":"Electrodiagnostic report","patient":[["Name","Doe, Jane"],["ID","P-0042"]],
      "tables":[{"title":"Motor nerve conduction","header":["Nerve / site","Onset latency (ms)","Amplitude (mV)"],
                 "rows":[["L peroneal, ankle -> EDB","4.6",{"text":"2.1","abnormal":true}]]}],
      "impression":"Left L5 radiculopathy."})J");
}

}  // namespace

TEST_CASE("report: a symlink at OUT.pdf.part is not followed, a symlink/FIFO/device as OUT is refused", "[io][cli][safe-write]") {
    const auto dir = test::ioTempDir("cli-safe-report");
    writeReportJson(dir / "r.json");
    const auto victim = dir / "victim.txt";
    test::writeText(victim, "someone else's file");

    // the old fixed temporary name is a trap: the report succeeds, the trap and its target untouched
    std::filesystem::create_symlink(victim, dir / "out.pdf.part");
    auto r = cli(dir, {"report", (dir / "r.json").string(), (dir / "out.pdf").string()});
    CHECK(r.exitCode == 0);
    CHECK(slurp(dir / "out.pdf").rfind("%PDF-", 0) == 0);
    CHECK(slurp(victim) == "someone else's file");
    CHECK(std::filesystem::is_symlink(dir / "out.pdf.part"));

    // a symlink as OUT: refused, the link and the file it names left as they are
    std::filesystem::create_symlink(victim, dir / "link.pdf");
    r = cli(dir, {"report", (dir / "r.json").string(), (dir / "link.pdf").string()});
    CHECK(r.exitCode == 1);
    CHECK(oneCleanLine(r.err));
    CHECK_THAT(r.err, Catch::Contains((dir / "link.pdf").string()) && Catch::Contains("symbolic link"));
    CHECK(std::filesystem::is_symlink(dir / "link.pdf"));
    CHECK(slurp(victim) == "someone else's file");

    // a FIFO as OUT: refused at once (no hang, no reader needed), still a FIFO
    const auto fifo = dir / "pipe.pdf";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    r = cli(dir, {"report", (dir / "r.json").string(), fifo.string()});
    CHECK(r.exitCode == 1);
    CHECK(oneCleanLine(r.err));
    CHECK_THAT(r.err, Catch::Contains(fifo.string()) && Catch::Contains("FIFO"));
    CHECK(std::filesystem::is_fifo(fifo));

    // a device as OUT: /dev/null, refused at the lstat step, still the same device
    struct stat before {}, after {};
    REQUIRE(::lstat("/dev/null", &before) == 0);
    r = cli(dir, {"report", (dir / "r.json").string(), "/dev/null"});
    CHECK(r.exitCode == 1);
    CHECK(oneCleanLine(r.err));
    CHECK_THAT(r.err, Catch::Contains("/dev/null") && Catch::Contains("device"));
    REQUIRE(::lstat("/dev/null", &after) == 0);
    CHECK(S_ISCHR(after.st_mode));
    CHECK(after.st_rdev == before.st_rdev);
    CHECK(after.st_ino == before.st_ino);

    // nothing else appeared: r.json, victim, the trap, out.pdf, link.pdf, pipe.pdf
    CHECK(entries(dir) == 6);
    std::filesystem::remove_all(dir);
}

TEST_CASE("report on a full disk exits non-zero, names the reason and keeps the previous report", "[io][cli][safe-write]") {
    const auto dir = test::ioTempDir("cli-safe-report-full");
    writeReportJson(dir / "r.json");
    const auto pdf = dir / "report.pdf";
    auto r = cli(dir, {"report", (dir / "r.json").string(), pdf.string()});
    REQUIRE(r.exitCode == 0);
    const auto previous = test::fileBytes(pdf);
    REQUIRE(previous.size() > 1000);   // a real PDF, not an empty file

    // ENOSPC through the write helper's injection seam
    r = cli(dir, {"report", (dir / "r.json").string(), pdf.string()}, {{"EMGWS_FAIL_WRITE=1"}, 0});
    CHECK(r.exitCode == 1);
    CHECK(oneCleanLine(r.err));
    CHECK_THAT(r.err, Catch::Contains(pdf.string()) && Catch::Contains("No space left on device"));
    CHECK(r.out.empty());
    CHECK(test::fileBytes(pdf) == previous);

    // EFBIG: the file size limit below the PDF's size, SIGXFSZ ignored
    r = cli(dir, {"report", (dir / "r.json").string(), pdf.string()}, {{}, 512});
    CHECK(r.exitCode == 1);
    CHECK(oneCleanLine(r.err));
    CHECK_THAT(r.err, Catch::Contains(pdf.string()) && Catch::Contains("File too large"));
    CHECK(test::fileBytes(pdf) == previous);
    CHECK(entries(dir) == 2);   // r.json and report.pdf: no temporary file left behind
    std::filesystem::remove_all(dir);
}

TEST_CASE("convert on a full disk exits non-zero, names the reason and keeps the old output", "[io][cli][safe-write]") {
    const auto dir = test::ioTempDir("cli-safe-convert");
    Recording rec;
    rec.channels.push_back(test::syntheticChannel("EMG1", 4000.0, 20.0, 2000.0, 7));
    io::writeRecording(rec, dir / "in.edf", io::FileFormat::EdfPlus);
    const auto out = dir / "out.bdf";
    test::writeText(out, "the previous, valid conversion");
    const auto previous = test::fileBytes(out);

    // the 1st write is the header, the 2nd the data
    for (const char* nth : {"EMGWS_FAIL_WRITE=1", "EMGWS_FAIL_WRITE=2"}) {
        const auto r = cli(dir, {"convert", (dir / "in.edf").string(), out.string()}, {{nth}, 0});
        INFO(nth);
        CHECK(r.exitCode == 1);
        CHECK(oneCleanLine(r.err));
        CHECK_THAT(r.err, Catch::Contains(out.string()) && Catch::Contains("No space left on device"));
        CHECK(test::fileBytes(out) == previous);
    }
    // EFBIG: 20 s × 4000 Hz × 3 bytes ≈ 240 kB of BDF against a 64 kB limit
    auto r = cli(dir, {"convert", (dir / "in.edf").string(), out.string()}, {{}, 65536});
    CHECK(r.exitCode == 1);
    CHECK(oneCleanLine(r.err));
    CHECK_THAT(r.err, Catch::Contains(out.string()) && Catch::Contains("File too large"));
    CHECK(test::fileBytes(out) == previous);
    CHECK(entries(dir) == 2);

    // a FIFO or a device as OUT: refused before anything is read or written
    const auto fifo = dir / "pipe.bdf";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    r = cli(dir, {"convert", (dir / "in.edf").string(), fifo.string()});
    CHECK(r.exitCode == 1);
    CHECK(oneCleanLine(r.err));
    CHECK_THAT(r.err, Catch::Contains(fifo.string()) && Catch::Contains("FIFO"));
    CHECK(std::filesystem::is_fifo(fifo));
    r = cli(dir, {"convert", (dir / "in.edf").string(), "/dev/null"});
    CHECK(r.exitCode != 0);
    CHECK(oneCleanLine(r.err));
    CHECK_THAT(r.err, Catch::Contains("/dev/null"));

    // and with room on the disk the same command replaces the old file with a real BDF+
    r = cli(dir, {"convert", (dir / "in.edf").string(), out.string()});
    CHECK(r.exitCode == 0);
    CHECK(test::fileBytes(out).size() > 200000);
    std::filesystem::remove_all(dir);
}
#endif
