// SafeFileWriter: the target changes only at commit(); an abandoned write leaves no trace; a
// symlink at the target is replaced, its destination untouched.
#include "io_test_util.h"

#include <emg/io/safe_file_writer.h>

#include <catch2/catch.hpp>

using namespace emg;

namespace {
std::size_t entries(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}
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

    // a symlink at the target: replaced by the new file, the file it pointed to unchanged
    const auto other = dir / "other.txt";
    test::writeText(other, "not mine");
    const auto link = dir / "link.edf";
    std::filesystem::create_symlink(other, link);
    {
        io::SafeFileWriter w(link);
        w.write(std::string("converted"));
        w.commit();
    }
    CHECK_FALSE(std::filesystem::is_symlink(link));
    CHECK(test::fileBytes(link) == test::toBytesOf("converted"));
    CHECK(test::fileBytes(other) == test::toBytesOf("not mine"));

    // a directory, or a missing folder, is refused with the path in the message
    CHECK_THROWS_WITH(io::SafeFileWriter(dir), Catch::Contains("is a directory"));
    CHECK_THROWS_WITH(io::SafeFileWriter(dir / "missing" / "x.edf"), Catch::Contains("missing"));
    std::filesystem::remove_all(dir);
}
