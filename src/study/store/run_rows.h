#pragma once
// Protocol-run rows (schema version 5, internal): a sweep's samples as a float32 little-endian
// blob and back (bounded by the stored count), and the checks a sweep passes before it is stored.

#include <emg/study/session_store.h>

#include <QByteArray>

#include <string>
#include <vector>

namespace emg::study::store {

QByteArray samplesToBlob(const std::vector<float>& microvolts);
/// Throws StoreError (naming `context`) when the blob does not hold exactly `count` samples.
std::vector<float> samplesFromBlob(const QByteArray& blob, long long count, const std::string& context);
/// Throws StoreError naming what is wrong: no samples, too many, stimulus index outside the
/// sweep, a rate or stimulus outside physical sense, a malformed checksum.
void validateRunSweep(const RunSweep& sweep);
void validateRunPosition(const RunPosition& position);

}  // namespace emg::study::store
