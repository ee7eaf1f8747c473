// Montages for the ActiveTwo (biosemi_montage.h): the presets parse in every layout with EX
// inputs, and a montage the receiver cannot record is refused with the reason, before a start.

#include <biosemi/biosemi_montage.h>

#include <catch2/catch.hpp>

using namespace emg::biosemi;

TEST_CASE("BioSemi montage presets: every label parses in each speed mode with EX inputs", "[biosemi][montage]") {
    const auto presets = montagePresets();
    REQUIRE(presets.size() == 4);
    CHECK(defaultMontage() == std::vector<std::string>{"EX1-EX2", "EX3-EX4", "EX5-EX6", "EX7-EX8"});
    int layoutsChecked = 0;
    for (bool mk2 : {false, true})
        for (int mode = 4; mode <= 8; ++mode) {
            const Layout l = *layoutFor(mk2, mode);
            if (l.exChannels() != 8) continue;
            ++layoutsChecked;
            for (const auto& p : presets) {
                INFO(p.name << ", " << (mk2 ? "Mk2" : "Mk1") << " mode " << mode);
                // A1-A32 needs 32 electrodes: Mk1 mode 7 has 8 (+8 EX)
                const bool fits = !(p.name.rfind("A1-A32", 0) == 0 && l.electrodes < 32);
                CHECK(montageError(p.labels, l).has_value() == !fits);
            }
        }
    CHECK(layoutsChecked == 10);  // modes 4-8 of both models have EX1-EX8
}

TEST_CASE("BioSemi montage: refused with the reason when the receiver cannot record it", "[biosemi][montage]") {
    const Layout mk2mode7 = *layoutFor(true, 7);  // 32 electrodes + 8 EX
    CHECK_FALSE(montageError({"EX1-EX2", "A32", "Status"}, mk2mode7).has_value());
    const auto empty = montageError({}, mk2mode7);
    REQUIRE(empty);
    CHECK(*empty == "the montage has no channel");
    const auto twice = montageError({"EX1-EX2", "A5", "EX1-EX2"}, mk2mode7);
    REQUIRE(twice);
    CHECK(twice->find("twice") != std::string::npos);
    const auto ex9 = montageError({"EX9"}, mk2mode7);
    REQUIRE(ex9);
    CHECK(ex9->find("EX9") != std::string::npos);
    const auto b1 = montageError({"B1"}, mk2mode7);  // bank B (electrode 33) in a 32-electrode mode
    REQUIRE(b1);
    CHECK(b1->find("B1") != std::string::npos);
    CHECK_FALSE(montageError({"B1"}, *layoutFor(true, 6)));  // 64 electrodes: A1-B32
    // the check layout before a receiver is open is the one with most electrodes and EX inputs
    const Layout check = montageCheckLayout();
    CHECK(check.electrodes == 256);
    CHECK(check.exChannels() == 8);
}
