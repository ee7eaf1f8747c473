#pragma once
// Device list, channel count and sample rate, Run, Record and "Open recording…".

#include <QWidget>

#include <vector>

class QComboBox;
class QSpinBox;
class QPushButton;

namespace emg::ui {

class AcquisitionControls : public QWidget {
    Q_OBJECT
public:
    explicit AcquisitionControls(QWidget* parent = nullptr);

    void setDevices(const QStringList& labels, int current);
    int currentDevice() const;
    /// Rates offered by the device (Hz) and its channel limit; keeps the current choice if possible.
    void setDeviceCapabilities(const std::vector<double>& ratesHz, int maxChannels, bool adjustable);
    void setChannelCount(int channels);
    void setSampleRate(double hz);
    int channelCount() const;
    double sampleRateHz() const;
    /// Reflect the session's state without emitting the toggles.
    void setRunning(bool running);
    void setRecording(bool recording);

signals:
    void deviceSelected(int index);
    void runToggled(bool run);
    void recordToggled(bool record);
    void openRecordingRequested();
    void acquisitionSettingsChanged();

private:
    QComboBox* devices_;
    QSpinBox* channels_;
    QComboBox* rates_;
    QPushButton* run_;
    QPushButton* record_;
};

}  // namespace emg::ui
