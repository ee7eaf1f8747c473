#include "late_summary.h"

#include <QCoreApplication>

namespace emg::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("LateSummary", text); }
QString num(double v, int decimals) { return QString::number(v, 'f', decimals); }
QString optPercent(const std::optional<double>& v) { return v ? num(*v, 1) + " %" : QStringLiteral("–"); }

QString fwaveText(const dsp::FWaveResult& r) {
    QString t = tr("Stimuli %1 · F-waves %2 · persistence %3 %")
                    .arg(r.stimuli)
                    .arg(r.present)
                    .arg(num(r.persistencePercent, 0));
    if (r.present > 0)
        t += tr(" · F latency min %1 / mean %2 / max %3 ms · chronodispersion %4 ms")
                 .arg(num(r.minLatencyMs, 2), num(r.meanLatencyMs, 2), num(r.maxLatencyMs, 2), num(r.chronodispersionMs, 2));
    if (r.minLatencyUncertain()) t += tr("\nF min latency uncertain: %1").arg(QString::fromStdString(r.minLatencyNote));
    if (r.m.found)
        t += tr("\nM (average of the train): onset latency %1 ms · amplitude %2 µV · F search from %3 ms")
                 .arg(num(r.m.measures.onsetLatencyMs, 2), num(r.m.measures.amplitudeUv, 0), num(r.searchFromMs, 1));
    else
        t += tr("\nNo M response found on the average of the train.");
    if (!r.note.empty()) t += tr("\nNot counted: %1").arg(QString::fromStdString(r.note));
    return t;
}

QString rnsText(const dsp::RnsResult& r) {
    QString t = r.rateHz > 0.0 ? tr("Train of %1 responses at %2 Hz").arg(r.responses.size()).arg(num(r.rateHz, 1))
                               : tr("Train of %1 responses (rate not in the file)").arg(r.responses.size());
    if (!r.responses.empty() && r.responses.front().found)
        t += tr(" · 1st amplitude %1 µV, area %2 µV·ms")
                 .arg(num(r.responses.front().measures.amplitudeUv, 0), num(r.responses.front().measures.negativeAreaUvMs, 0));
    t += tr("\nDecrement 4th: amplitude %1, area %2 · 5th: amplitude %3, area %4 · largest (amplitude) %5 %")
             .arg(optPercent(r.decrement4AmplitudePercent), optPercent(r.decrement4AreaPercent),
                  optPercent(r.decrement5AmplitudePercent), optPercent(r.decrement5AreaPercent), num(r.maxDecrementAmplitudePercent, 1));
    if (!r.note.empty()) t += tr("\nNote: %1").arg(QString::fromStdString(r.note));
    return t;
}

QString hreflexText(const dsp::HReflexResult& r) {
    QString t = tr("Sweeps %1 · Hmax %2 µV · Mmax %3 µV (peak to peak) · H/M ratio %4")
                    .arg(r.sweeps.size())
                    .arg(num(r.hMaxUv, 0), num(r.mMaxUv, 0), num(r.hmRatio, 2));
    t += r.hLatencyMs ? tr(" · H latency %1 ms").arg(num(*r.hLatencyMs, 2)) : tr(" · no H onset found");
    if (r.hLatencyUncertain()) t += tr(" (uncertain)\nH latency uncertain: %1").arg(QString::fromStdString(r.hLatencyNote));
    return t;
}

QString supramaxText(const dsp::SupramaxResult& r) {
    QString t = tr("Intensities %1").arg(r.points.size());
    if (r.plateauReached)
        t += tr(" · plateau from %1 mA at %2 µV · recommended supramaximal intensity %3 mA (×1.2)")
                 .arg(num(r.plateauIntensityMa, 1), num(r.plateauAmplitudeUv, 0), num(r.recommendedMa, 1));
    else
        t += tr(" · no plateau yet: raise the intensity");
    return t;
}

}  // namespace

QString lateSummaryText(const study::LateAnalysis& a) {
    if (!a.error.empty()) return tr("Not measured: %1").arg(QString::fromStdString(a.error));
    QString t;
    if (a.fwave) t = fwaveText(*a.fwave);
    if (a.rns) t = rnsText(*a.rns);
    if (a.hreflex) t = hreflexText(*a.hreflex);
    if (a.supramax) t = supramaxText(*a.supramax);
    if (!a.stimuliNote.empty()) t += tr("\nStimuli: %1").arg(QString::fromStdString(a.stimuliNote));
    if (!a.prepared.filterDescription.empty()) t += tr("\nFilter: %1").arg(QString::fromStdString(a.prepared.filterDescription));
    return t;
}

}  // namespace emg::ui
