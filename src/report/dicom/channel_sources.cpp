#include "channel_sources.h"

#include <algorithm>
#include <iterator>
#include <cctype>
#include <string_view>

namespace emg::report::dicom {

namespace {

struct SourceRow {
    std::string_view ours;      ///< our name (myotome map, protocols)
    std::string_view code, left, right;   ///< MDC codes; an empty side code falls back to `code`
    std::string_view meaning;   ///< the code meaning of `code` (", left"/", right" appended for a side code)
};

// PS3.16 CID 3031 "Lead Location Near or in Muscle" (MDC codes).
constexpr SourceRow kMuscles[] = {
    {"rhomboid major", "7:444", "7:445", "7:446", "Musculus rhomboideus major"},
    {"serratus anterior", "7:544", "7:545", "7:546", "Musculus serratus anterior"},
    {"supraspinatus", "7:608", "7:609", "7:610", "Musculus supraspinatus"},
    {"infraspinatus", "7:612", "7:613", "7:614", "Musculus infraspinatus"},
    {"deltoid", "7:604", "7:605", "7:606", "Musculus deltoideus"},
    {"biceps brachii", "7:628", "7:629", "7:630", "Musculus biceps brachii"},
    {"brachioradialis", "7:692", "7:693", "7:694", "Musculus brachioradialis"},
    {"pronator teres", "7:660", "7:661", "7:662", "Musculus pronator teres"},
    {"flexor carpi radialis", "7:664", "7:665", "7:666", "Musculus flexor carpi radialis"},
    {"extensor carpi radialis longus", "7:696", "7:697", "7:698", "Musculus extensor carpi radialis longus"},
    {"triceps", "7:640", "7:641", "7:642", "Musculus triceps brachii"},
    {"anconeus", "7:656", "7:657", "7:658", "Musculus anconeus"},
    {"extensor digitorum communis", "7:704", "7:705", "7:706", "Musculus extensor digitorum"},
    {"extensor indicis proprius", "7:732", "7:733", "7:734", "Musculus extensor indicis"},
    {"flexor pollicis longus", "7:684", "7:685", "7:686", "Musculus flexor pollicis longus"},
    {"pronator quadratus", "7:688", "7:689", "7:690", "Musculus pronator quadratus"},
    {"flexor carpi ulnaris", "7:672", "7:673", "7:674", "Musculus flexor carpi ulnaris"},
    {"flexor digitorum profundus 4-5", "7:680", "7:681", "7:682", "Musculus flexor digitorum profundus"},
    {"abductor pollicis brevis", "7:740", "7:741", "7:742", "Musculus abductor pollicis brevis"},
    {"first dorsal interosseous", "7:772", "7:773", "7:774", "Musculi interossei dorsales"},
    {"abductor digiti minimi", "7:756", "7:757", "7:758", "Musculus abductor digiti minimi"},
    {"iliopsoas", "7:792", "7:793", "7:794", "Musculus iliopsoas"},
    {"adductor longus", "7:856", "7:857", "7:858", "Musculus adductor longus"},
    {"rectus femoris", "7:836", "7:837", "7:838", "Musculus rectus femoris"},
    {"vastus lateralis", "7:840", "7:841", "7:842", "Musculus vastus lateralis"},
    {"vastus medialis", "7:848", "7:849", "7:850", "Musculus vastus medialis"},
    {"tensor fasciae latae", "7:808", "7:809", "7:810", "Musculus tensor fasciae latae"},
    {"gluteus medius", "7:800", "7:801", "7:802", "Musculus gluteus medius"},
    {"gluteus maximus", "7:796", "7:797", "7:798", "Musculus gluteus maximus"},
    {"biceps femoris short head", "7:880", "7:881", "7:882", "Musculus biceps femoris Caput breve"},
    {"biceps femoris long head", "7:876", "7:877", "7:878", "Musculus biceps femoris Caput longum"},
    {"semitendinosus", "7:884", "7:885", "7:886", "Musculus semitendinosus"},
    {"tibialis anterior", "7:892", "7:893", "7:894", "Musculus tibialis anterior"},
    {"extensor hallucis longus", "7:900", "7:901", "7:902", "Musculus extensor hallucis longus"},
    {"extensor digitorum brevis", "7:956", "7:957", "7:958", "Musculus extensor digitorum brevis"},
    {"peroneus longus", "7:908", "7:909", "7:910", "Musculus peroneus longus"},
    {"tibialis posterior", "7:944", "7:945", "7:946", "Musculus tibialis posterior"},
    {"flexor digitorum longus", "7:948", "7:949", "7:950", "Musculus flexor digitorum longus"},
    {"medial gastrocnemius", "7:928", "7:929", "7:930", "Musculus gastrocnemius Caput mediale"},
    {"lateral gastrocnemius", "7:924", "7:925", "7:926", "Musculus gastrocnemius Caput laterale"},
    {"soleus", "7:932", "7:933", "7:934", "Musculus soleus"},
    {"abductor hallucis", "7:960", "7:961", "7:962", "Musculus abductor hallucis"},
    {"abductor digiti quinti pedis", "7:972", "7:973", "", "Musculus abductor digiti minimi"},
};

// PS3.16 CID 3032 "Lead Location Near Peripheral Nerve" (MDC codes). Radial sensory NCS record
// over the superficial branch; the median-ulnar palmar comparison over the median nerve.
constexpr SourceRow kNerves[] = {
    {"median", "7:120", "7:121", "7:122", "Nervus medianus"},
    {"ulnar", "7:132", "7:133", "7:134", "Nervus ulnaris"},
    {"radial", "7:152", "7:153", "7:154", "Nervus radialis Ramus superficialis"},
    {"sural", "7:232", "7:233", "7:234", "Nervus surealis"},
    {"superficial peroneal", "7:224", "7:225", "7:226", "Nervus fibularis superficialis"},
    {"saphenous", "7:200", "7:201", "7:202", "Nervus saphenus"},
    {"lateral antebrachial cutaneous", "7:112", "7:113", "7:114", "Nervus cutaneus antebrachii lateralis"},
    {"medial antebrachial cutaneous", "7:116", "7:117", "7:118", "Nervus cutaneus antebrachii medialis"},
    {"peroneal", "7:216", "7:217", "7:218", "Nervus fibularis communis"},
    {"tibial", "7:228", "7:229", "7:230", "Nervus tibialis"},
    {"femoral", "7:196", "7:197", "7:198", "Nervus femoralis"},
    {"musculocutaneous", "7:108", "7:109", "7:110", "Nervus musculocutaneus"},
    {"axillary", "7:160", "7:161", "7:162", "Nervus axillaris"},
    {"median-ulnar palmar", "7:120", "7:121", "7:122", "Nervus medianus"},
};

std::string lower(const std::string& s) {
    std::string out;
    for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto b = out.find_first_not_of(' ');
    return b == std::string::npos ? std::string{} : out.substr(b, out.find_last_not_of(' ') - b + 1);
}

template <typename Table>
CodedConcept lookUp(const Table& table, const std::string& name, study::Side side, const char* localPrefix) {
    const std::string key = lower(name);
    const auto it = std::find_if(std::begin(table), std::end(table), [&](const SourceRow& r) { return r.ours == key; });
    if (it == std::end(table)) {   // not in the context group: the local scheme, meaning = our name
        std::string value = localPrefix;
        for (char c : key) value += (std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '-');
        return {value.substr(0, 16), "99EMGWS", key.empty() ? std::string("unspecified") : key};
    }
    const std::string_view sideCode = side == study::Side::Left ? it->left : side == study::Side::Right ? it->right : std::string_view{};
    if (sideCode.empty()) return {std::string(it->code), "MDC", std::string(it->meaning)};
    return {std::string(sideCode), "MDC", std::string(it->meaning) + (side == study::Side::Left ? ", left" : ", right")};
}

}  // namespace

CodedConcept muscleSource(const std::string& muscle, study::Side side) { return lookUp(kMuscles, muscle, side, "M-"); }
CodedConcept nerveSource(const std::string& nerve, study::Side side) { return lookUp(kNerves, nerve, side, "N-"); }
CodedConcept microvoltUnit() { return {"uV", "UCUM", "microvolt"}; }

}  // namespace emg::report::dicom
