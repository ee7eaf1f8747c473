#include "edflib_strict.h"

#ifdef EMGWS_HAVE_EDFLIB
#include <edflib.h>
#endif

namespace emg::test {

EdflibResult edflibRead(const std::filesystem::path& file) {
    EdflibResult r;
#ifdef EMGWS_HAVE_EDFLIB
    r.available = true;
    edf_hdr_struct hdr{};
    if (edfopen_file_readonly(file.c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS) != 0) {
        r.filetype = hdr.filetype;
        r.discontinuous = hdr.filetype == EDFLIB_FILE_IS_DISCONTINUOUS;
        return r;
    }
    r.opened = true;
    r.filetype = hdr.filetype;
    r.recordDuration100ns = hdr.datarecord_duration;
    r.records = hdr.datarecords_in_file;
    r.startSubsecond100ns = hdr.starttime_subsecond;
    r.startDay = hdr.startdate_day;
    r.startMonth = hdr.startdate_month;
    r.startYear = hdr.startdate_year;
    r.startHour = hdr.starttime_hour;
    r.startMinute = hdr.starttime_minute;
    r.startSecond = hdr.starttime_second;
    r.patientCode = hdr.patientcode;
    r.patientName = hdr.patient_name;
    r.patient = hdr.patient;
    r.sex = hdr.gender;
    r.patientAdditional = hdr.patient_additional;
    r.recording = hdr.recording;
    for (int i = 0; i < hdr.edfsignals; ++i) {
        const auto& p = hdr.signalparam[i];
        EdflibSignal s;
        s.label = p.label;
        s.transducer = p.transducer;
        s.dimension = p.physdimension;
        s.prefilter = p.prefilter;
        s.physMin = p.phys_min;
        s.physMax = p.phys_max;
        s.digMin = p.dig_min;
        s.digMax = p.dig_max;
        s.samplesPerRecord = p.smp_in_datarecord;
        s.digital.resize(static_cast<std::size_t>(p.smp_in_file));
        const int n = edfread_digital_samples(hdr.handle, i, static_cast<int>(s.digital.size()), s.digital.data());
        s.digital.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        r.signals.push_back(std::move(s));
    }
    for (long long k = 0; k < hdr.annotations_in_file; ++k) {
        edf_annotation_struct a{};
        if (edf_get_annotation(hdr.handle, static_cast<int>(k), &a) != 0) break;
        r.annotations.push_back({a.onset, a.duration_l, a.annotation});
    }
    edfclose_file(hdr.handle);
#else
    (void)file;
#endif
    return r;
}

}  // namespace emg::test
