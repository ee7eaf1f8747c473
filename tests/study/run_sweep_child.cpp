// Child process of the kill-and-resume test (test_protocol_run.cpp): opens the study's protocol run,
// stores sweeps and moves by a fixed script, reports each committed step on stdout, then stores
// sweeps at one position without end until it is killed, rejecting some of them (the first
// F-wave sweep and every 4th sweep at the last position), each rejection reported once committed.
//   run_sweep_child STORE_URL STUDY_ID PROTOCOL_FILE MYOTOMES_FILE
// Sweep k holds 200 samples of value k (µV) with the stimulus at sample 20 and k mA (up to 20).
#include <emg/study/myotomes.h>
#include <emg/study/protocol_run.h>

#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <exception>

namespace st = emg::study;

namespace {
void report(const char* what, const st::ProtocolRun& run, long long id) {
    std::printf("%s %zu %zu %lld\n", what, run.position().test, run.position().site, id);
    std::fflush(stdout);
}

long long storeOne(st::ProtocolRun& run, int k) {
    st::RunSweep s;
    s.channel = "EDB";
    s.sampleRateHz = 20000.0;
    s.stimulusIndex = 20;
    s.stimulusMa = 1.0 + (k % 20);
    s.pulseWidthMs = 0.2;
    s.microvolts.assign(200, static_cast<float>(k));
    return run.storeSweep(s).id;
}
void rejectById(st::ProtocolRun& run, long long id) {
    for (const auto& s : run.sweepsAt())
        if (s.id == id) return run.setRejected(s, true);
    throw std::runtime_error("no sweep " + std::to_string(id) + " here");
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: run_sweep_child STORE_URL STUDY_ID PROTOCOL_FILE MYOTOMES_FILE\n");
        return 2;
    }
    spdlog::set_level(spdlog::level::warn);
    try {
        auto store = st::SessionStore::open(argv[1]);
        const auto protocol = st::loadProtocol(argv[3]);
        const auto myotomes = st::MyotomeMap::load(argv[4]);
        st::ProtocolRun run(*store, argv[2], protocol, st::Side::Left, &myotomes);
        int k = 0;
        // The script: 2 sweeps at each of the peroneal motor sites, Next test (F-wave), 2 sweeps, Next test.
        for (int site = 0; site < 3; ++site) {
            for (int i = 0; i < 2; ++i) report("stored", run, storeOne(run, k++));
            run.nextSite();
            report("at", run, 0);
        }
        std::int64_t firstF = 0;
        for (int i = 0; i < 2; ++i) {
            const auto id = storeOne(run, k++);
            if (i == 0) firstF = id;
            report("stored", run, id);
        }
        rejectById(run, firstF);
        report("rejected", run, firstF);
        run.nextTest();
        report("ready", run, 0);
        for (int n = 1;; ++n) {   // until killed; every 4th sweep rejected as soon as it is stored
            const auto id = storeOne(run, k++);
            report("stored", run, id);
            if (n % 4 == 0) {
                rejectById(run, id);
                report("rejected", run, id);
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "run_sweep_child: %s\n", e.what());
        return 1;
    }
}
