// WFDB annotation files in MIT format: a stream of little-endian 16-bit words, each with a
// 6-bit code (top) and a 10-bit field (bottom). Codes 1-49 are annotations whose field is the
// time since the previous one in samples; 59 SKIP (a 32-bit interval follows, high word first),
// 60 NUM, 61 SUB, 62 CHN (modify the last annotation), 63 AUX (field = byte count of a text
// that follows, padded to even); word 0 ends the file.
#include <emg/io/wfdb.h>

#include <array>

namespace emg::io {

namespace {
// the standard mnemonics of codes 0..41 (ecgcodes); others are written as "code <n>"
constexpr std::array<const char*, 42> kMnemonics = {
    "",  "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "~", "",  "|", "",  "s", "T", "*",
    "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e", "n", "@", "x", "f", "(", ")", "r"};
}  // namespace

std::vector<Annotation> parseMitAnnotations(const std::uint8_t* data, std::size_t size, double frameRateHz,
                                            std::vector<std::string>& warnings) {
    std::vector<Annotation> out;
    if (!(frameRateHz > 0)) {
        warnings.push_back("annotations ignored: no sampling frequency");
        return out;
    }
    std::int64_t time = 0;
    bool lastHasAux = false;
    std::size_t pos = 0;
    while (pos + 2 <= size) {
        const unsigned word = data[pos] | (data[pos + 1] << 8);
        pos += 2;
        const unsigned code = word >> 10;
        const unsigned field = word & 0x3FF;
        if (code == 0 && field == 0) return out;  // end of file
        switch (code) {
            case 59: {  // SKIP: 32-bit interval, most significant 16-bit word first
                if (pos + 4 > size) {
                    warnings.push_back("annotation file truncated inside a SKIP");
                    return out;
                }
                const std::uint32_t hi = data[pos] | (data[pos + 1] << 8);
                const std::uint32_t lo = data[pos + 2] | (data[pos + 3] << 8);
                time += static_cast<std::int32_t>((hi << 16) | lo);
                pos += 4;
                break;
            }
            case 60: case 61: case 62:  // NUM, SUB, CHN: not kept
                break;
            case 63: {  // AUX text for the last annotation
                if (pos + field > size) {
                    warnings.push_back("annotation file truncated inside an auxiliary text");
                    return out;
                }
                std::string aux(reinterpret_cast<const char*>(data + pos), field);
                if (const auto nul = aux.find('\0'); nul != std::string::npos) aux.resize(nul);
                if (!out.empty() && !lastHasAux && !aux.empty()) {
                    out.back().text = aux;
                    lastHasAux = true;
                }
                pos += field + (field & 1);
                break;
            }
            default: {
                time += field;
                Annotation a;
                a.onsetSec = static_cast<double>(time) / frameRateHz;
                a.text = code < kMnemonics.size() && kMnemonics[code][0] ? kMnemonics[code] : "code " + std::to_string(code);
                out.push_back(std::move(a));
                lastHasAux = false;
            }
        }
    }
    if (pos != size) warnings.push_back("annotation file ends in the middle of a word");
    return out;
}

}  // namespace emg::io
