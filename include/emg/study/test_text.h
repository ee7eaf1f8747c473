#pragma once
// A test's texts as a study stores them: UTF-8. Names a file gave (a channel label, a stimulus
// site, an RNS phase, a muscle from a header comment) may come in Latin-1 from other systems; the
// study's JSON and a PostgreSQL text column refuse those bytes, so a save would fail.

#include <emg/study/tests.h>

namespace emg::study {

/// Every text of `test` read into UTF-8 (emg/core/file_text.h: UTF-8 kept as it is, other bytes as
/// Windows-1252). The raw data link's path stays as it is (a file's name is its bytes).
void textAsUtf8(Test& test);

}  // namespace emg::study
