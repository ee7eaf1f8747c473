#pragma once
// The BioSemi ActiveTwo USB2 receiver's wire protocol, as facts and pure functions (no libusb, no
// Qt). Sources for every fact are cited in docs/biosemi.md. In short: the receiver streams
// little-endian 32-bit words on bulk IN 0x82; each sample frame (one time point) starts with the
// sync word 0xFFFFFF00, then the Status word, then one word per channel; a 24-bit value sits in
// the upper three bytes of its word. The host starts and stops the stream with a 64-byte write
// on bulk OUT 0x01 whose first byte is 0xFF (start) or 0x00 (stop).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emg::biosemi {

inline constexpr std::uint16_t kVendorId = 0x0547;    ///< ActiveTwo USB2 receiver (EZ-USB based)
inline constexpr std::uint16_t kProductId = 0x1005;
inline constexpr int kConfiguration = 1;
inline constexpr int kInterface = 0;
inline constexpr std::uint8_t kBulkOutEndpoint = 0x01;
inline constexpr std::uint8_t kBulkInEndpoint = 0x82;
inline constexpr std::size_t kCommandBytes = 64;      ///< every OUT command is one 64-byte write
inline constexpr std::uint8_t kCommandStart = 0xFF;   ///< first byte: start the stream (handshake on)
inline constexpr std::uint8_t kCommandStop = 0x00;    ///< first byte: stop the stream (handshake off)
inline constexpr std::size_t kTransferBytes = 64 * 1024;

inline constexpr std::uint32_t kSyncWord = 0xFFFFFF00u;
inline constexpr std::size_t kWordBytes = 4;
inline constexpr double kMicrovoltsPerCount = 1.0 / 32.0;  ///< 31.25 nV per bit of the 24-bit value
inline constexpr int kMaxSpeedMode = 8;                    ///< 0..7 as switched on the AD box, 8 = AIB mode
inline constexpr int kExChannels = 8;                      ///< EX1..EX8, the external (e.g. bipolar EMG) inputs

/// One command write (64 bytes, first byte the command).
std::array<std::uint8_t, kCommandBytes> command(std::uint8_t first);

/// Status word bits (the 24-bit Status value, i.e. the word shifted right by 8).
namespace status_bits {
inline constexpr std::uint32_t kTriggerMask = 0xFFFFu;   ///< bits 0..15: trigger inputs 1..16
inline constexpr std::uint32_t kNewEpoch = 1u << 16;
inline constexpr std::uint32_t kSpeed0 = 1u << 17, kSpeed1 = 1u << 18, kSpeed2 = 1u << 19;
inline constexpr std::uint32_t kCmsInRange = 1u << 20;
inline constexpr std::uint32_t kSpeed3 = 1u << 21;
inline constexpr std::uint32_t kBatteryLow = 1u << 22;
inline constexpr std::uint32_t kMk2 = 1u << 23;
}  // namespace status_bits

struct Status {
    std::uint16_t triggers = 0;   ///< trigger inputs 1..16 in bits 0..15
    bool newEpoch = false;
    int speedMode = 0;            ///< 0..15 (bits 17,18,19 then 21); 9..15 are not defined
    bool cmsInRange = false;
    bool batteryLow = false;
    bool mk2 = false;
};

/// The 24-bit Status value carried in a Status word (upper three bytes).
constexpr std::uint32_t statusValue(std::uint32_t word) noexcept { return word >> 8; }
Status decodeStatus(std::uint32_t statusValue) noexcept;
/// The Status value for given fields (the tests' and the fixture generator's inverse).
std::uint32_t encodeStatus(const Status& s) noexcept;

/// The signed 24-bit sample in the upper three bytes of a data word.
constexpr std::int32_t sampleOf(std::uint32_t word) noexcept { return static_cast<std::int32_t>(word) >> 8; }
/// A data word for a signed 24-bit sample (low byte zero, as the receiver sends it).
constexpr std::uint32_t wordOf(std::int32_t sample) noexcept { return static_cast<std::uint32_t>(sample) << 8; }

/// What one speed mode of one model sends per frame.
struct Layout {
    bool mk2 = false;
    int speedMode = 0;
    std::uint32_t rateHz = 0;
    std::uint16_t frameWords = 0;   ///< sync + Status + channels
    std::uint16_t electrodes = 0;   ///< A1.. channels, words 2 .. 2+electrodes
    std::uint16_t extras = 0;       ///< words after the electrodes: EX1..EX8 first, then sensors
    [[nodiscard]] std::size_t frameBytes() const noexcept { return std::size_t{frameWords} * kWordBytes; }
    [[nodiscard]] std::uint16_t exChannels() const noexcept { return extras >= kExChannels ? kExChannels : 0; }
};

/// The layout of speed mode `mode` (0..8) on a Mk1 or Mk2; nullopt for modes not defined.
std::optional<Layout> layoutFor(bool mk2, int mode) noexcept;
/// The layout a Status value announces.
inline std::optional<Layout> layoutFor(const Status& s) noexcept { return layoutFor(s.mk2, s.speedMode); }

/// Word index (from the frame's start) of a named channel in `layout`: "A1".."H32" (32 per bank
/// letter, as BioSemi labels its electrodes), "EX1".."EX8". nullopt if the name is not there.
std::optional<std::uint16_t> wordIndexOf(const Layout& layout, const std::string& name);
/// Channel names in frame order: electrodes then EX1..EX8 (sensors are not named).
std::vector<std::string> channelNames(const Layout& layout);

/// How the decoder derives one output channel from a frame.
struct ChannelSource {
    enum class Kind : std::uint8_t { Monopolar, Bipolar, Status } kind = Kind::Monopolar;
    std::uint16_t word = 0;       ///< the channel's word (Monopolar, Bipolar's +)
    std::uint16_t minusWord = 0;  ///< Bipolar's - word
};

/// Parses a channel label in `layout`: "A5" (monopolar, against CMS), "EX1-EX2" (bipolar: the
/// difference of two channels, the montage for surface EMG pairs), "Status" (the Status value
/// itself, as BDF files keep it). Throws std::invalid_argument naming the label and the reason.
ChannelSource parseChannel(const Layout& layout, const std::string& label);

/// The first frame found in `bytes` whose sync word is followed, one frame later, by another
/// sync word with the same layout: its layout and byte offset. nullopt if there is none.
struct FoundLayout {
    Layout layout;
    std::size_t offset = 0;
    Status status;
};
std::optional<FoundLayout> findLayout(const std::uint8_t* bytes, std::size_t size) noexcept;

inline std::uint32_t loadWord(const std::uint8_t* p) noexcept {
    return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}

}  // namespace emg::biosemi
