#pragma once
// An unnamed scratch file for samples that do not fit in memory: created in $TMPDIR (or /tmp),
// never visible under a name (O_TMPFILE, or a unique mkostemp name unlinked at once), gone when
// its descriptor is closed.
#include <string>

namespace emg {

/// $TMPDIR when set and not empty, otherwise /tmp.
std::string scratchFolder();

/// A read-write descriptor of a new unnamed file in `folder`; `namePrefix` names the short-lived
/// mkostemp file where O_TMPFILE is not available. Returns −1 with errno set on failure.
int openUnnamedScratchFile(const std::string& folder, const std::string& namePrefix);

}  // namespace emg
