// BackgroundRawPush (raw_files.h): one worker thread with its own store connection.
#include <emg/study/raw_files.h>
#include <emg/study/session_store.h>

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace emg::study {

struct BackgroundRawPush::Impl {
    OpenStore open;
    Done done;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::pair<std::filesystem::path, std::string>> queue;
    bool busy = false, stopping = false;
    std::thread worker;

    void run() {
        std::unique_ptr<SessionStore> store;   // opened here: a QtSql connection belongs to its thread
        for (;;) {
            std::pair<std::filesystem::path, std::string> job;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty()) return;
                job = std::move(queue.front());
                queue.pop_front();
                busy = true;
            }
            RawTransfer result;
            std::string error;
            try {
                if (!store) store = open();
                result = store->pushRawFile(job.first, job.second);
            } catch (const std::exception& e) {
                error = e.what();
                spdlog::error("raw file push of {}: {}", job.first.string(), error);
                store.reset();   // a lost connection is opened again for the next file
            }
            if (done) done(job.first, result, error);
            {
                std::lock_guard lock(mutex);
                busy = false;
            }
            changed.notify_all();
        }
    }
};

BackgroundRawPush::BackgroundRawPush(OpenStore open, Done done) : impl_(std::make_unique<Impl>()) {
    impl_->open = std::move(open);
    impl_->done = std::move(done);
    impl_->worker = std::thread([impl = impl_.get()] { impl->run(); });
}

BackgroundRawPush::~BackgroundRawPush() {
    {
        std::lock_guard lock(impl_->mutex);
        if (!impl_->queue.empty()) spdlog::info("waiting for {} raw file push(es) to finish", impl_->queue.size());
        impl_->stopping = true;
    }
    impl_->changed.notify_all();
    impl_->worker.join();
}

void BackgroundRawPush::push(const std::filesystem::path& file, const std::string& sha256) {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->queue.emplace_back(file, sha256);
    }
    impl_->changed.notify_all();
}

void BackgroundRawPush::waitIdle() {
    std::unique_lock lock(impl_->mutex);
    impl_->changed.wait(lock, [&] { return impl_->queue.empty() && !impl_->busy; });
}

}  // namespace emg::study
