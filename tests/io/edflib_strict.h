#pragma once
// EDFlib (Debian libedf1/libedf-dev) as a strict, independent reader for the io tests: it refuses
// any header byte outside printable ASCII, malformed numbers, EDF+ patient/recording fields not in
// the standard's form, files whose size is not header + records, and (EDF+C) records whose
// time-keeping TALs are not exactly one record duration apart. Compiled when the library is
// found (EMGWS_HAVE_EDFLIB); otherwise `available` is false and the tests say they skipped it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emg::test {

struct EdflibSignal {
    std::string label, transducer, dimension, prefilter;
    double physMin = 0, physMax = 0;
    int digMin = 0, digMax = 0;
    int samplesPerRecord = 0;
    std::vector<int> digital;   ///< every sample of the file
};

struct EdflibAnnotation {
    long long onset100ns = 0, duration100ns = -1;
    std::string text;
};

struct EdflibResult {
    bool available = false;       ///< false: EDFlib not built in
    bool opened = false;
    int filetype = 0;             ///< 0 EDF, 1 EDF+, 2 BDF, 3 BDF+, or EDFlib's negative error code
    bool discontinuous = false;   ///< EDFlib refused only because the file is EDF+D/BDF+D (its header passed)
    long long recordDuration100ns = 0, records = 0;
    long long startSubsecond100ns = 0;
    int startDay = 0, startMonth = 0, startYear = 0, startHour = 0, startMinute = 0, startSecond = 0;
    std::string patientCode, patientName, patient, recording;
    std::string sex, patientAdditional;   ///< EDF+ only: EDFlib's "Male"/"Female" and the patient field's further subfields
    std::vector<EdflibSignal> signals;
    std::vector<EdflibAnnotation> annotations;
};

EdflibResult edflibRead(const std::filesystem::path& file);

}  // namespace emg::test
