#pragma once
// The fault-injection seam shared by SafeFileWriter and the recorder (EdfRecorder): tests make
// the Nth write of the process fail (failNthWriteForTesting, or EMGWS_FAIL_WRITE in a child).

namespace emg::io::detail {

/// Counts one write; returns the errno it must fail with (ENOSPC, EIO, ...) or 0 to write for real.
int injectedWriteFailure();

}  // namespace emg::io::detail
