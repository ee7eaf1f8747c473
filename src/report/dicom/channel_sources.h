#pragma once
// What a channel of an EMG/NCS test records from, as DICOM's Channel Source code: the muscle
// under (or in) the recording electrode, from CID 3031 "Lead Location Near or in Muscle", or for
// a sensory NCS the nerve, from CID 3032 "Lead Location Near Peripheral Nerve" (PS3.16; the codes
// are MDC, ISO/IEEE 11073-10101, with their own codes for the left and right side). A muscle or
// nerve without a code in those groups gets a code of the local scheme "99EMGWS" (PS3.16 8.2:
// designators starting with "99" are local) whose meaning is its name. Qt-free, no DCMTK.
#include <emg/study/types.h>

#include <string>

namespace emg::report::dicom {

struct CodedConcept {
    std::string value;      ///< Code Value, e.g. "7:893"
    std::string scheme;     ///< Coding Scheme Designator: "MDC" or "99EMGWS"
    std::string meaning;    ///< Code Meaning, e.g. "Musculus tibialis anterior, left"
};

/// The code for a recording electrode near or in `muscle` on `side` (our names: resources/myotomes.json, protocols).
CodedConcept muscleSource(const std::string& muscle, study::Side side);
/// The code for a recording electrode near `nerve` on `side` (sensory NCS).
CodedConcept nerveSource(const std::string& nerve, study::Side side);

/// UCUM "uV" (microvolt): the unit of every voltage channel's sensitivity.
CodedConcept microvoltUnit();

}  // namespace emg::report::dicom
