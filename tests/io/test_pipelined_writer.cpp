// PipelinedWriter with direct writes: whatever the sizes of the pieces submitted (smaller than a
// 4096-byte block, a block and one byte, ...), the file holds exactly the bytes submitted, in order,
// on ext4 under /tmp (O_DIRECT taken) and on tmpfs /dev/shm (O_DIRECT refused before Linux 6.6);
// a conversion written to tmpfs has the same bytes as one written to /tmp.
#include "io_test_util.h"
#include "pipelined_writer.h"

#include <emg/io/file_convert.h>
#include <emg/io/safe_file_writer.h>

#include <catch2/catch.hpp>

#include <cstring>

#include <sys/vfs.h>

using namespace emg;
namespace fs = std::filesystem;

namespace {
// Writes `pieces` (byte counts) of a known sequence through a PipelinedWriter; returns what it wrote.
std::vector<std::uint8_t> writeInPieces(const fs::path& target, const std::vector<std::size_t>& pieces, std::size_t chunkBytes,
                                        bool& direct) {
    std::vector<std::uint8_t> expected;
    io::SafeFileWriter out(target);
    {
        io::detail::PipelinedWriter pipe(out, chunkBytes);
        direct = out.directWrites();
        std::uint32_t x = 99;
        for (const std::size_t n : pieces) {
            std::uint8_t* p = pipe.acquire();
            for (std::size_t k = 0; k < n; ++k) {
                x = x * 1103515245u + 12345u;
                p[k] = static_cast<std::uint8_t>(x >> 23);
                expected.push_back(p[k]);
            }
            pipe.submit(n);
        }
        pipe.finish();
    }
    out.commit();
    return expected;
}
}  // namespace

TEST_CASE("PipelinedWriter: pieces of any size reach the file exactly, on ext4 and tmpfs", "[io][safe-write][convert]") {
    const std::vector<std::size_t> pieces = {2560, 1, 4095, 4096, 4097, 0, 100000, 3, 65536, 8191, 12289, 7};
    const fs::path dir = test::ioTempDir("pipelined");
    std::vector<fs::path> folders = {dir};
    std::error_code ec;
    const fs::path shm = fs::path("/dev/shm") / ("emgws-pipelined-" + std::to_string(::getpid()));
    if (fs::is_directory("/dev/shm", ec) && fs::create_directories(shm, ec)) folders.push_back(shm);
    for (const auto& folder : folders) {
        INFO(folder);
        bool direct = false;
        const auto expected = writeInPieces(folder / "out.bin", pieces, 100000, direct);
        CHECK(expected.size() == 2560 + 1 + 4095 + 4096 + 4097 + 100000 + 3 + 65536 + 8191 + 12289 + 7);
        CHECK(test::fileBytes(folder / "out.bin") == expected);
        struct statfs fsInfo {};
        if (::statfs(folder.c_str(), &fsInfo) == 0 && fsInfo.f_type == 0xEF53) CHECK(direct);   // ext4 takes O_DIRECT (tmpfs since Linux 6.6)
    }
    // a conversion EDF+ -> BDF+ into each folder: identical files
    if (folders.size() == 2) {
        std::string h;
        auto pad = [](std::string s, std::size_t w) {
            s.resize(w, ' ');
            return s;
        };
        h = pad("0", 8) + pad("X M 01-JAN-1970 Test", 80) + pad("Startdate 01-JAN-2024 X X X", 80) + "01.01.24" + "12.00.00" +
            pad("768", 8) + pad("EDF+C", 44) + pad("40", 8) + pad("1", 8) + pad("2", 4) + pad("EMG ch1", 16) + pad("EDF Annotations", 16) +
            pad("", 160) + pad("uV", 8) + pad("", 8) + pad("-3276.8", 8) + pad("-1", 8) + pad("3276.7", 8) + pad("1", 8) + pad("-32768", 8) +
            pad("-32768", 8) + pad("32767", 8) + pad("32767", 8) + pad("", 160) + pad("1001", 8) + pad("16", 8) + pad("", 64);
        std::vector<std::uint8_t> edf(h.begin(), h.end());
        for (int r = 0; r < 40; ++r) {
            for (int k = 0; k < 1001; ++k) {
                const auto v = static_cast<std::uint16_t>(static_cast<std::int16_t>((r * 1001 + k) * 37 % 65536 - 32768));
                edf.push_back(static_cast<std::uint8_t>(v & 0xFF));
                edf.push_back(static_cast<std::uint8_t>(v >> 8));
            }
            std::string tal = "+" + std::to_string(r) + "\x14\x14";
            tal.resize(32, '\0');
            edf.insert(edf.end(), tal.begin(), tal.end());
        }
        test::writeBytes(dir / "in.edf", edf);
        io::ConvertOptions o;
        o.target = io::FileFormat::BdfPlus;
        io::convertFile(dir / "in.edf", dir / "out.bdf", o);
        io::convertFile(dir / "in.edf", shm / "out.bdf", o);
        const auto a = test::fileBytes(dir / "out.bdf");
        CHECK(a.size() == 768 + 40 * (1001 * 3 + 33));   // 32 annotation bytes -> 11 samples of 3
        CHECK((a == test::fileBytes(shm / "out.bdf")));
    }
    fs::remove_all(dir);
    fs::remove_all(shm, ec);
}
