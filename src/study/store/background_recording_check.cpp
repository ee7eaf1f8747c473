// BackgroundRecordingCheck (recording_check.h): one worker thread with its own store connection.
#include <emg/study/recording_check.h>
#include <emg/study/session_store.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace emg::study {

namespace {

RecordingCheck runCheck(SessionStore& store, const std::string& recordingId) {
    RecordingCheck r;
    r.recordingId = recordingId;
    try {
        r.path = store.verifiedRecordingPath(recordingId);
        r.outcome = RecordingCheck::Outcome::Verified;
    } catch (const ChecksumMismatch& e) {
        r.outcome = RecordingCheck::Outcome::Changed;
        r.changedPath = e.path();
        r.expected = e.expected();
        r.actual = e.actual();
    }
    return r;
}

}  // namespace

struct BackgroundRecordingCheck::Impl {
    OpenStore open;
    Done done;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::string> queue;
    bool busy = false, stopping = false;
    std::thread worker;

    void run() {
        std::unique_ptr<SessionStore> store;   // opened here: a QtSql connection belongs to its thread
        for (;;) {
            std::string id;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return stopping || !queue.empty(); });
                if (stopping) return;
                id = std::move(queue.front());
                queue.pop_front();
                busy = true;
            }
            const auto t0 = std::chrono::steady_clock::now();
            RecordingCheck result;
            try {
                if (!store) store = open();
                result = runCheck(*store, id);
            } catch (const std::exception& e) {
                result.recordingId = id;
                result.error = e.what();
                spdlog::error("checking recording {}: {}", id, result.error);
                store.reset();   // a lost connection is opened again for the next check
            }
            result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (done) done(result);
            {
                std::lock_guard lock(mutex);
                busy = false;
            }
            changed.notify_all();
        }
    }
};

BackgroundRecordingCheck::BackgroundRecordingCheck(OpenStore open, Done done) : impl_(std::make_unique<Impl>()) {
    impl_->open = std::move(open);
    impl_->done = std::move(done);
    impl_->worker = std::thread([impl = impl_.get()] { impl->run(); });
}

BackgroundRecordingCheck::~BackgroundRecordingCheck() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
        impl_->queue.clear();
    }
    impl_->changed.notify_all();
    impl_->worker.join();
}

void BackgroundRecordingCheck::check(const std::string& recordingId) {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->queue.push_back(recordingId);
    }
    impl_->changed.notify_all();
}

void BackgroundRecordingCheck::waitIdle() {
    std::unique_lock lock(impl_->mutex);
    impl_->changed.wait(lock, [&] { return impl_->queue.empty() && !impl_->busy; });
}

}  // namespace emg::study
