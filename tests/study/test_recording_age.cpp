// The patient's age as the file states it, for the needle reference values (Buchthal's durations
// lengthen ~0.5 % a year): PhysioNet's WFDB comment "<age>: 62", an EDF+ birthdate with a known
// start date; nothing when the file does not say.
#include <emg/study/recording_age.h>

#include <catch2/catch.hpp>

using emg::study::ageFromRecording;

namespace {
emg::Recording withIds(std::string patient, std::string recording = {}, std::string start = {}) {
    emg::Recording r;
    r.patientId = std::move(patient);
    r.recordingId = std::move(recording);
    r.startDateTime = std::move(start);
    return r;
}
}  // namespace

TEST_CASE("age from a PhysioNet WFDB comment, in any case, and from the comment as EDF+ keeps it", "[study][age]") {
    std::string source;
    const auto a = ageFromRecording(withIds("<age>: 62 <sex>: M"), &source);
    REQUIRE(a);
    CHECK(*a == 62.0);
    CHECK(source == "file: '<age>: 62'");
    CHECK(ageFromRecording(withIds(" <AGE>:44 <SEX>: F")).value_or(-1) == 44.0);
    // converted to EDF+: "X M X X <age>:_57_<sex>:_M"
    CHECK(ageFromRecording(withIds("X M X X <age>:_57_<sex>:_M")).value_or(-1) == 57.0);
    // no number, or none a person has: nothing
    CHECK_FALSE(ageFromRecording(withIds("<age>: ? <sex>: ?")));
    CHECK_FALSE(ageFromRecording(withIds("<age>: 150")));
    CHECK_FALSE(ageFromRecording(withIds("EMG from 25mm concentric needle")));
}

TEST_CASE("age from an EDF+ birthdate and a start date the file knows", "[study][age]") {
    // EDF+ specification's example: born 2 May 1951, recorded 2 March 2002: 50 years 10 months, 50 completed years
    const auto a = ageFromRecording(withIds("MCH-0234567 F 02-MAY-1951 Haagse_Harry", "Startdate 02-MAR-2002 EMG561 BK/JOP Sony. MNC R Median Nerve.",
                                            "2002-03-02T14:27:00"));
    REQUIRE(a);
    CHECK(*a == 50.0);
    // a birthday exactly a year on (365 days: a day-count / 365.2425 would still say 0)
    CHECK(ageFromRecording(withIds("X F 01-MAR-2000 X", "Startdate 01-MAR-2001 X X X", "2001-03-01T00:00:00")).value_or(-1) == 1.0);
    // the day before the 51st birthday, and the birthday itself
    CHECK(ageFromRecording(withIds("X F 02-MAY-1951 X", "Startdate 01-MAY-2002 X X X", "2002-05-01T00:00:00")).value_or(-1) == 50.0);
    CHECK(ageFromRecording(withIds("X F 02-MAY-1951 X", "Startdate 02-MAY-2002 X X X", "2002-05-02T00:00:00")).value_or(-1) == 51.0);
    // the start date unknown ("Startdate X" with the 01.01.85 placeholder), the birthdate unknown, a plain EDF: nothing
    CHECK_FALSE(ageFromRecording(withIds("MCH-0234567 F 02-MAY-1951 Haagse_Harry", "Startdate X X X X", "1985-01-01T00:00:00")));
    CHECK_FALSE(ageFromRecording(withIds("MCH-0234567 F X Haagse_Harry", "Startdate 02-MAR-2002 X X X", "2002-03-02T14:27:00")));
    CHECK_FALSE(ageFromRecording(withIds("Haagse Harry 02-MAY-1951", "EMG561", "2002-03-02T14:27:00")));
    // a birthdate after the recording: nothing
    CHECK_FALSE(ageFromRecording(withIds("X F 02-MAY-2010 X", "Startdate 02-MAR-2002 X X X", "2002-03-02T14:27:00")));
}
