// Text from files into UTF-8 (emg/core/file_text.h): UTF-8 kept byte for byte, Latin-1 /
// Windows-1252 read as such, malformed sequences never passed on.
#include <emg/core/file_text.h>

#include <catch2/catch.hpp>

TEST_CASE("file text: UTF-8 is recognised, malformed sequences are not", "[core][text]") {
    CHECK(emg::isUtf8("post exercise"));
    CHECK(emg::isUtf8("nach Belastung (\xC3\x9C" "bung)"));          // Ü
    CHECK(emg::isUtf8("\xE2\x82\xAC 5 \xF0\x9F\x98\x80"));            // € and a 4-byte character
    CHECK_FALSE(emg::isUtf8("nach Belastung (\xDC" "bung)"));       // Latin-1 Ü
    CHECK_FALSE(emg::isUtf8("\xC3"));                                // cut short
    CHECK_FALSE(emg::isUtf8("\xC0\xAF"));                            // overlong '/'
    CHECK_FALSE(emg::isUtf8("\xED\xA0\x80"));                        // a surrogate
    CHECK_FALSE(emg::isUtf8("\xF4\x90\x80\x80"));                    // above U+10FFFF
}

TEST_CASE("file text: UTF-8 is kept as it is, Latin-1 and Windows-1252 become UTF-8", "[core][text]") {
    CHECK(emg::utf8FromFileText("Stim wrist 25 mA") == "Stim wrist 25 mA");
    CHECK(emg::utf8FromFileText("\xC3\x9C" "bung") == "\xC3\x9C" "bung");
    CHECK(emg::utf8FromFileText("\xDC" "bung") == "\xC3\x9C" "bung");                       // Latin-1 Ü
    CHECK(emg::utf8FromFileText("Ellbogen \xFC" "ber") == "Ellbogen \xC3\xBC" "ber");       // ü
    CHECK(emg::utf8FromFileText("\x80 \x96") == "\xE2\x82\xAC \xE2\x80\x93");               // Windows-1252 € and –
    CHECK(emg::utf8FromFileText("a\x81z") == "a\xEF\xBF\xBDz");                             // undefined there: U+FFFD
    CHECK(emg::isUtf8(emg::utf8FromFileText("\xC3")));
}
