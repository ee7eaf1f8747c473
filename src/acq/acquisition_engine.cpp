#include <emg/acq/acquisition_engine.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace emg {

AcquisitionEngine::AcquisitionEngine(double ringSeconds) : ringSeconds_(ringSeconds) {
    if (!(ringSeconds > 0.05 && ringSeconds <= 60.0))
        throw std::invalid_argument("AcquisitionEngine: ring length must be between 0.05 and 60 s");
}

AcquisitionEngine::~AcquisitionEngine() { stop(); }

void AcquisitionEngine::addConsumer(AcquisitionConsumer* consumer) {
    if (running()) throw std::logic_error("AcquisitionEngine: add consumers before start()");
    if (consumer && std::find(consumers_.begin(), consumers_.end(), consumer) == consumers_.end())
        consumers_.push_back(consumer);
}

void AcquisitionEngine::removeConsumer(AcquisitionConsumer* consumer) {
    if (running()) throw std::logic_error("AcquisitionEngine: remove consumers after stop()");
    consumers_.erase(std::remove(consumers_.begin(), consumers_.end(), consumer), consumers_.end());
}

void AcquisitionEngine::start(Device& device, const AcquisitionConfig& config) {
    if (running()) throw std::logic_error("AcquisitionEngine: already running");
    if (config.channels.empty()) throw std::invalid_argument("AcquisitionEngine: no channels configured");
    if (!(config.sampleRateHz > 0)) throw std::invalid_argument("AcquisitionEngine: sample rate must be positive");

    device.configure(config);
    config_ = device.configuration();
    device_ = &device;

    const std::size_t channels = config_.channels.size();
    const auto ringSamples = static_cast<std::size_t>(config_.sampleRateHz * ringSeconds_) * channels;
    ring_ = std::make_unique<AcquisitionRing>(std::max<std::size_t>(ringSamples, 4096));

    const std::size_t scratchFrames = static_cast<std::size_t>(config_.sampleRateHz) + 1;  // 1 s
    countsScratch_.assign(scratchFrames * channels, 0);
    uvScratch_.assign(scratchFrames * channels, 0.0f);
    pendingStimuli_.clear();
    pendingStimuli_.reserve(1024);
    blockStimuli_.clear();
    blockStimuli_.reserve(1024);
    scale_.resize(channels);
    clipLow_.resize(channels);
    clipHigh_.resize(channels);
    for (std::size_t c = 0; c < channels; ++c) {
        scale_[c] = static_cast<float>(config_.channels[c].microvoltsPerCount);
        clipLow_[c] = config_.channels[c].digitalMin;
        clipHigh_[c] = config_.channels[c].digitalMax;
    }
    expectedSampleIndex_ = -1;
    haveSequence_ = false;
    indexOffset_ = 0;
    awaitingResumeBlock_ = false;
    deviceLost_.store(false, std::memory_order_release);
    resumePending_.store(false, std::memory_order_release);
    resumeArmed_.store(false, std::memory_order_release);
    nextStatusPoll_ = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(statsMutex_);
        stats_ = EngineStats{};
        stats_.sampleRateHz = config_.sampleRateHz;
        stats_.channelCount = static_cast<std::uint16_t>(channels);
    }
    for (auto* c : consumers_) c->onStart(config_);

    stopRequested_.store(false, std::memory_order_release);
    running_.store(true, std::memory_order_release);
    thread_ = std::thread([this] { threadMain(); });
    try {
        device.start(*ring_);
    } catch (...) {
        stopRequested_.store(true, std::memory_order_release);
        thread_.join();
        running_.store(false, std::memory_order_release);
        throw;
    }
    spdlog::info("acquisition started: {} channels at {} Hz on '{}'", channels, config_.sampleRateHz,
                 device.info().name);
}

void AcquisitionEngine::stop() {
    if (!running() && !thread_.joinable()) return;
    if (device_) {
        try {
            device_->stop();
        } catch (const std::exception& e) {
            spdlog::error("device stop failed: {}", e.what());
        }
    }
    stopRequested_.store(true, std::memory_order_release);
    if (thread_.joinable()) thread_.join();
    running_.store(false, std::memory_order_release);
    for (auto* c : consumers_) c->onStop();
    const auto s = stats();
    spdlog::info("acquisition stopped: {} frames, {} lost in {} gaps, {} dropped on ring overflow, {} clipped samples",
                 s.frames, s.framesLostGap, s.gaps, s.framesDroppedRingFull, s.clippedSamples);
}

EngineStats AcquisitionEngine::stats() const {
    std::lock_guard lock(statsMutex_);
    EngineStats s = stats_;
    if (ring_) {
        s.framesDroppedRingFull = ring_->droppedFrames();
        s.stimuliDropped = ring_->droppedEvents();
    }
    return s;
}

void AcquisitionEngine::threadMain() {
    using namespace std::chrono_literals;
    for (;;) {
        const bool stopping = stopRequested_.load(std::memory_order_acquire);
        const bool got = drainOnce();
        if (!got) {
            if (stopping) break;  // the device has stopped and the ring is empty
            if (resumePending_.load(std::memory_order_acquire)) armResume();
            superviseDevice();
            std::this_thread::sleep_for(500us);
        }
    }
}

void AcquisitionEngine::superviseDevice() {
    const auto now = std::chrono::steady_clock::now();
    if (now < nextStatusPoll_ || deviceLost_.load(std::memory_order_acquire) || !device_) return;
    nextStatusPoll_ = now + std::chrono::milliseconds(50);
    const DeviceStatus st = device_->status();
    if (st.state != DeviceState::Disconnected && st.state != DeviceState::Error) return;
    {
        std::lock_guard lock(statsMutex_);
        stats_.deviceLost = true;
        stats_.deviceMessage = st.lastError.empty() ? std::string("device ") + toString(st.state) : st.lastError;
        lostAt_ = now;
    }
    deviceLost_.store(true, std::memory_order_release);
    spdlog::error("acquisition device lost at sample {}: {}; recorded data is kept, waiting for it to return",
                  expectedSampleIndex_, st.lastError);
}

void AcquisitionEngine::armResume() {
    // The device is stopped and the ring is empty: events still pending belong to the old clock
    // and can no longer meet a block.
    if (!pendingStimuli_.empty()) {
        spdlog::warn("{} stimulus event(s) after the last block before the device was lost are dropped",
                     pendingStimuli_.size());
        std::lock_guard lock(statsMutex_);
        stats_.stimuliDropped += pendingStimuli_.size();
    }
    pendingStimuli_.clear();
    awaitingResumeBlock_ = true;
    resumePending_.store(false, std::memory_order_release);
    resumeArmed_.store(true, std::memory_order_release);
}

bool AcquisitionEngine::tryResume() {
    if (!running() || !deviceLost_.load(std::memory_order_acquire) || !device_) return false;
    try {
        device_->stop();
    } catch (const std::exception& e) {
        spdlog::warn("stopping the lost device: {}", e.what());
    }
    bool back = false;
    try {
        back = device_->reopen();
    } catch (const std::exception& e) {
        spdlog::warn("device not back yet: {}", e.what());
    }
    if (!back) return false;

    // let the acquisition thread drain what is left and arm itself for the new sample clock
    resumeArmed_.store(false, std::memory_order_release);
    resumePending_.store(true, std::memory_order_release);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!resumeArmed_.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() > deadline) {
            resumePending_.store(false, std::memory_order_release);
            spdlog::error("acquisition thread did not arm for resume; stop and start again");
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::chrono::steady_clock::time_point lostAt;
    {
        std::lock_guard lock(statsMutex_);
        lostAt = lostAt_;
    }
    const double awaySec = std::chrono::duration<double>(std::chrono::steady_clock::now() - lostAt).count();
    resumeLostFrames_.store(static_cast<std::int64_t>(awaySec * config_.sampleRateHz), std::memory_order_release);
    try {
        device_->start(*ring_);
    } catch (const std::exception& e) {
        spdlog::error("device came back but would not start: {}", e.what());
        return false;
    }
    deviceLost_.store(false, std::memory_order_release);
    {
        std::lock_guard lock(statsMutex_);
        stats_.deviceLost = false;
        stats_.deviceMessage.clear();
        ++stats_.reconnects;
    }
    spdlog::info("acquisition device back after {:.2f} s; the run continues on the same sample clock", awaySec);
    return true;
}

bool AcquisitionEngine::drainOnce() {
    StimulusEvent ev;
    while (ring_->popStimulus(ev)) pendingStimuli_.push_back(rebase(ev));

    BlockHeader header;
    if (!ring_->popHeader(header)) return false;
    if (awaitingResumeBlock_) {
        // first block after a resume: the device's clock restarted; continue ours after the time away
        awaitingResumeBlock_ = false;
        const std::int64_t resumeAt = expectedSampleIndex_ < 0
                                          ? header.firstSampleIndex
                                          : expectedSampleIndex_ + resumeLostFrames_.load(std::memory_order_acquire);
        indexOffset_ = resumeAt - header.firstSampleIndex;
        for (auto& e : pendingStimuli_) e.sampleIndex += indexOffset_;  // popped before this header
        haveSequence_ = false;
    }
    header.firstSampleIndex += indexOffset_;
    const std::size_t n = static_cast<std::size_t>(header.sampleFrames) * header.channelCount;
    auto spans = ring_->peekSamples(n);
    if (spans.size() < n) {
        // cannot happen with a correct producer (samples are committed before the header)
        spdlog::critical("acquisition ring inconsistent: header announces {} samples, {} present", n, spans.size());
        ring_->releaseSamples(spans.size());
        return true;
    }
    // events pushed with this block's samples are visible now
    while (ring_->popStimulus(ev)) pendingStimuli_.push_back(rebase(ev));
    deliver(header, spans);
    ring_->releaseSamples(n);
    return true;
}

void AcquisitionEngine::deliver(const BlockHeader& header, TwoSpans<const std::int32_t> samples) {
    const std::size_t channels = scale_.size();
    if (header.channelCount != channels) {
        spdlog::error("block with {} channels while {} are configured; block discarded", header.channelCount, channels);
        std::lock_guard lock(statsMutex_);
        stats_.framesLostGap += header.sampleFrames;
        ++stats_.gaps;
        expectedSampleIndex_ = header.firstSampleIndex + header.sampleFrames;
        return;
    }
    const std::size_t n = samples.size();
    if (countsScratch_.size() < n) {  // larger block than planned: grow once (acquisition thread only)
        countsScratch_.resize(n);
        uvScratch_.resize(n);
    }
    std::copy(samples.first.begin(), samples.first.end(), countsScratch_.begin());
    std::copy(samples.second.begin(), samples.second.end(),
              countsScratch_.begin() + static_cast<std::ptrdiff_t>(samples.first.size()));

    std::uint64_t clipped = 0;
    const std::int32_t* in = countsScratch_.data();
    float* out = uvScratch_.data();
    for (std::size_t f = 0; f < header.sampleFrames; ++f) {
        for (std::size_t c = 0; c < channels; ++c) {
            const std::int32_t v = in[f * channels + c];
            out[f * channels + c] = static_cast<float>(v) * scale_[c];
            clipped += (v <= clipLow_[c]) | (v >= clipHigh_[c]);
        }
    }

    std::int64_t gapFrames = 0;
    std::int64_t gapStart = 0;
    if (expectedSampleIndex_ >= 0 && header.firstSampleIndex != expectedSampleIndex_) {
        gapStart = expectedSampleIndex_;
        gapFrames = header.firstSampleIndex - expectedSampleIndex_;
    }
    bool seqGap = false;
    if (haveSequence_ && header.sequence != expectedSequence_) seqGap = true;
    haveSequence_ = true;
    expectedSequence_ = header.sequence + 1;
    expectedSampleIndex_ = header.firstSampleIndex + header.sampleFrames;

    // stimuli belonging to this block (and any stale ones before it)
    blockStimuli_.clear();
    const std::int64_t end = header.firstSampleIndex + header.sampleFrames;
    auto it = std::stable_partition(pendingStimuli_.begin(), pendingStimuli_.end(),
                                    [end](const StimulusEvent& e) { return e.sampleIndex < end; });
    blockStimuli_.assign(pendingStimuli_.begin(), it);
    pendingStimuli_.erase(pendingStimuli_.begin(), it);

    if (gapFrames != 0) {
        spdlog::warn("sample gap: {} frames missing at sample {} (block sequence {})", gapFrames, gapStart, header.sequence);
        for (auto* c : consumers_) c->onGap(gapStart, gapFrames);
    }
    if (header.flags & kBlockSamplesMissing)
        spdlog::warn("device marked lost samples in block {} at sample {}", header.sequence, header.firstSampleIndex);

    SampleBlockView view;
    view.firstSampleIndex = header.firstSampleIndex;
    view.frames = header.sampleFrames;
    view.channelCount = header.channelCount;
    view.counts = countsScratch_.data();
    view.microvolts = uvScratch_.data();
    view.stimuli = blockStimuli_.data();
    view.stimulusCount = static_cast<std::uint32_t>(blockStimuli_.size());
    for (auto* c : consumers_) c->onBlock(view);

    std::lock_guard lock(statsMutex_);
    ++stats_.blocks;
    stats_.frames += header.sampleFrames;
    stats_.clippedSamples += clipped;
    stats_.stimuli += blockStimuli_.size();
    if (gapFrames != 0) {
        ++stats_.gaps;
        if (gapFrames > 0) stats_.framesLostGap += static_cast<std::uint64_t>(gapFrames);
    }
    if (seqGap) ++stats_.sequenceGaps;
    stats_.lastSampleIndex = end - 1;
}

}  // namespace emg
