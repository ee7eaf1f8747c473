// SafeFileWriter: the target changes only at commit(); an abandoned or failed write leaves no
// trace and the old file as it was; a symlink, FIFO, device or directory at the target is refused
// at the lstat step (nothing opened, nothing replaced); temporary names are random.
#include "io_test_util.h"

#include <emg/io/safe_file_writer.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <functional>
#include <memory>
#include <new>
#include <set>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace emg;

namespace {
std::size_t entries(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

bool oneLine(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

std::string messageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

/// Turns the injection off however a test ends.
struct InjectionOff {
    ~InjectionOff() { io::failNthWriteForTesting(0, 0); }
};
}  // namespace

TEST_CASE("SafeFileWriter replaces the target only on commit", "[io][safe-write]") {
    const auto dir = test::ioTempDir("safe-write");
    const auto target = dir / "out.edf";
    test::writeText(target, "precious");
    {
        io::SafeFileWriter w(target);
        w.write(std::string("new bytes"));
        CHECK(std::filesystem::exists(w.temporaryPath()));
        CHECK(w.temporaryPath().parent_path() == dir);
        CHECK(test::fileBytes(target) == test::toBytesOf("precious"));
        // abandoned (as when a conversion throws): the temporary file goes, the target stays
    }
    CHECK(test::fileBytes(target) == test::toBytesOf("precious"));
    CHECK(entries(dir) == 1);
    {
        io::SafeFileWriter w(target);
        w.write(std::string("0123456789"));
        const char fix[2] = {'A', 'B'};
        w.writeAt(2, fix, 2);
        CHECK_THROWS(w.writeAt(9, fix, 2));   // beyond what was written
        w.commit();
    }
    CHECK(test::fileBytes(target) == test::toBytesOf("01AB456789"));
    CHECK(entries(dir) == 1);

    // a directory, or a missing folder, is refused with the path in the message
    CHECK_THROWS_WITH(io::SafeFileWriter(dir), Catch::Contains("is a directory") && Catch::Contains(dir.string()));
    CHECK_THROWS_WITH(io::SafeFileWriter(dir / "missing" / "x.edf"), Catch::Contains("missing") && Catch::Contains("No such file"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("SafeFileWriter refuses a symlink, a FIFO and a device at the target without touching them", "[io][safe-write]") {
    const auto dir = test::ioTempDir("safe-write-refuse");
    const auto victim = dir / "victim.txt";
    test::writeText(victim, "not mine");

    // a symlink at the target: neither followed nor replaced
    const auto link = dir / "link.edf";
    std::filesystem::create_symlink(victim, link);
    const std::string linkMsg = messageOf([&] { io::SafeFileWriter w(link); });
    CHECK_THAT(linkMsg, Catch::Contains("cannot write " + link.string()) && Catch::Contains("symbolic link"));
    CHECK(oneLine(linkMsg));
    CHECK(std::filesystem::is_symlink(link));
    CHECK(std::filesystem::read_symlink(link) == victim);
    CHECK(test::fileBytes(victim) == test::toBytesOf("not mine"));
    CHECK_THROWS_AS(io::writeFileSafely(link, "x"), io::SafeWriteRefused);
    CHECK(test::fileBytes(victim) == test::toBytesOf("not mine"));

    // a FIFO: refused at once (opening it for writing would block with no reader), still a FIFO
    const auto fifo = dir / "out.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const std::string fifoMsg = messageOf([&] { io::writeFileSafely(fifo, "data"); });
    CHECK_THAT(fifoMsg, Catch::Contains(fifo.string()) && Catch::Contains("FIFO"));
    CHECK(oneLine(fifoMsg));
    CHECK(std::filesystem::is_fifo(fifo));

    // a device node (/dev/null): refused at the lstat step, never written, still the same device
    struct stat before {}, after {};
    REQUIRE(::lstat("/dev/null", &before) == 0);
    const std::string devMsg = messageOf([&] { io::writeFileSafely("/dev/null", "data"); });
    CHECK_THAT(devMsg, Catch::Contains("/dev/null") && Catch::Contains("device"));
    CHECK(oneLine(devMsg));
    REQUIRE(::lstat("/dev/null", &after) == 0);
    CHECK(S_ISCHR(after.st_mode));
    CHECK(after.st_rdev == before.st_rdev);
    CHECK(after.st_ino == before.st_ino);

    // nothing was created beside any of them
    CHECK(entries(dir) == 3);
    std::filesystem::remove_all(dir);
}

TEST_CASE("SafeFileWriter uses random temporary names, never OUT.part, and keeps the file's mode", "[io][safe-write]") {
    const auto dir = test::ioTempDir("safe-write-names");
    const auto target = dir / "OUT.pdf";
    // a trap at the old fixed name: a symlink OUT.pdf.part pointing at someone else's file
    const auto victim = dir / "victim.txt";
    test::writeText(victim, "not mine");
    std::filesystem::create_symlink(victim, dir / "OUT.pdf.part");
    std::set<std::string> names;
    {
        io::SafeFileWriter a(target), b(target), c(target);
        for (const auto* w : {&a, &b, &c}) {
            names.insert(w->temporaryPath().filename().string());
            CHECK(w->temporaryPath().parent_path() == dir);
            CHECK(w->temporaryPath().filename() != "OUT.pdf.part");
        }
        a.write(std::string("%PDF-1.4 first"));
        a.commit();
    }
    CHECK(names.size() == 3);   // three writers at once: three different names
    CHECK(test::fileBytes(target) == test::toBytesOf("%PDF-1.4 first"));
    CHECK(test::fileBytes(victim) == test::toBytesOf("not mine"));
    CHECK(std::filesystem::is_symlink(dir / "OUT.pdf.part"));
    CHECK(entries(dir) == 3);   // OUT.pdf, victim, the untouched trap; no temporary file left

    // the replacement keeps the permissions of the file it replaces
    std::filesystem::permissions(target, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                             std::filesystem::perms::group_read);
    io::writeFileSafely(target, "second");
    struct stat st {};
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    std::filesystem::remove_all(dir);
}

TEST_CASE("SafeFileWriter on a full disk (injected ENOSPC): the old file stays, the reason is named", "[io][safe-write]") {
    InjectionOff off;
    const auto dir = test::ioTempDir("safe-write-enospc");
    const auto target = dir / "report.json";
    test::writeText(target, "{\"old\":true}");
    for (long nth : {1L, 3L}) {
        io::failNthWriteForTesting(nth, ENOSPC);
        const std::string msg = messageOf([&] {
            io::SafeFileWriter w(target);
            for (int i = 0; i < 5; ++i) w.write(std::string(1000, 'x'));
            w.commit();
        });
        CHECK_THAT(msg, Catch::Contains("cannot write " + target.string()) && Catch::Contains("No space left on device") &&
                            Catch::Contains("unchanged"));
        CHECK(oneLine(msg));
        CHECK(test::fileBytes(target) == test::toBytesOf("{\"old\":true}"));
        CHECK(entries(dir) == 1);
    }
    // a new file that fails leaves nothing at all
    io::failNthWriteForTesting(1, ENOSPC);
    CHECK_THROWS_WITH(io::writeFileSafely(dir / "new.json", "{}"), Catch::Contains("nothing was written"));
    CHECK_FALSE(std::filesystem::exists(dir / "new.json"));
    CHECK(entries(dir) == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("SafeFileWriter past RLIMIT_FSIZE (EFBIG, SIGXFSZ ignored): the old file stays", "[io][safe-write]") {
    const auto dir = test::ioTempDir("safe-write-efbig");
    const auto target = dir / "big.bdf";
    test::writeText(target, "old recording");
    int pipeFds[2];
    REQUIRE(::pipe(pipeFds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(pipeFds[0]);
        std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim {16384, 16384};
        ::setrlimit(RLIMIT_FSIZE, &lim);
        std::string msg = "no error";
        try {
            io::SafeFileWriter w(target);
            const std::string block(4096, 'd');
            for (int i = 0; i < 16; ++i) w.write(block);   // 64 KiB > 16 KiB
            w.commit();
        } catch (const std::exception& e) {
            msg = e.what();
        }
        (void)!::write(pipeFds[1], msg.data(), msg.size());
        ::_exit(0);
    }
    ::close(pipeFds[1]);
    std::string msg;
    char buf[512];
    for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<std::size_t>(n));
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK_THAT(msg, Catch::Contains("cannot write " + target.string()) && Catch::Contains("File too large"));
    CHECK(oneLine(msg));
    CHECK(test::fileBytes(target) == test::toBytesOf("old recording"));
    CHECK(entries(dir) == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("SafeFileWriter direct writes: whole aligned blocks, then an unaligned end, bytes exact, a failure still leaves the old file", "[io][safe-write]") {
    const auto dir = test::ioTempDir("safe-write-direct");
    const auto target = dir / "out.bdf";
    test::writeText(target, "precious");
    constexpr std::size_t kBlock = io::SafeFileWriter::kDirectBlockBytes;
    // 3 blocks from aligned memory, then 1000 bytes: the file must hold exactly these bytes
    std::unique_ptr<std::uint8_t[], void (*)(std::uint8_t*)> blocks(
        static_cast<std::uint8_t*>(::operator new[](3 * kBlock, std::align_val_t{kBlock})),
        [](std::uint8_t* p) { ::operator delete[](p, std::align_val_t{kBlock}); });
    std::vector<std::uint8_t> expected;
    for (std::size_t k = 0; k < 3 * kBlock; ++k) expected.push_back(blocks[k] = static_cast<std::uint8_t>(k * 13 + 7));
    std::vector<std::uint8_t> end(1000);
    for (std::size_t k = 0; k < end.size(); ++k) expected.push_back(end[k] = static_cast<std::uint8_t>(k * 5 + 1));
    {
        io::SafeFileWriter w(target);
        const bool direct = w.preferDirectWrites();   // false where the file system has no O_DIRECT (tmpfs)
        w.write(blocks.get(), 2 * kBlock);
        CHECK(w.directWrites() == direct);
        w.write(blocks.get() + 2 * kBlock, kBlock);
        w.write(end.data(), end.size());
        CHECK_FALSE(w.directWrites());   // the unaligned end turned it off for good
        CHECK(w.size() == expected.size());
        CHECK(test::fileBytes(target) == test::toBytesOf("precious"));
        w.commit();
    }
    CHECK(test::fileBytes(target) == expected);
    {
        InjectionOff off;
        io::failNthWriteForTesting(2, ENOSPC);
        io::SafeFileWriter w(target);
        w.preferDirectWrites();
        w.write(blocks.get(), kBlock);
        const std::string msg = messageOf([&] { w.write(blocks.get() + kBlock, kBlock); });
        CHECK(msg.find("No space left on device") != std::string::npos);
        CHECK(msg.find("the existing file is unchanged") != std::string::npos);
    }
    CHECK(test::fileBytes(target) == expected);
    CHECK(entries(dir) == 1);
    std::filesystem::remove_all(dir);
}
