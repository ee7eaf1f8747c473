// The confirmed impression in plain words: short sentences, everyday words, no values, no
// technical terms (the ctest checks a Flesch-Kincaid grade of 8 or less and a jargon list).
#include "patient_words.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <stdexcept>

namespace emg::report::detail {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool has(const std::string& text, const char* word) { return text.find(word) != std::string::npos; }

/// "left", "right", "both" or "" as said in the impression.
std::string sideIn(const std::string& t) {
    if (has(t, "bilateral") || has(t, "both")) return "both";
    if (has(t, "left")) return "left";
    if (has(t, "right")) return "right";
    return "";
}

std::string sidePhrase(const std::string& side, const std::string& thing) {
    if (side == "both") return "both " + (thing == "foot" ? std::string("feet") : thing + "s");
    return side.empty() ? thing : side + " " + thing;
}

/// The roots named in the impression ("L5", "S1"), upper case, in order.
std::vector<std::string> rootsIn(const std::string& original) {
    std::vector<std::string> roots;
    static const std::regex root(R"(\b([cCtTlLsS][1-8])\b)");
    for (auto it = std::sregex_iterator(original.begin(), original.end(), root); it != std::sregex_iterator(); ++it) {
        std::string r = (*it)[1].str();
        r[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(r[0])));
        if (std::find(roots.begin(), roots.end(), r) == roots.end()) roots.push_back(r);
    }
    return roots;
}

const std::string kTalk = "Your doctor will go over these results with you.";
const std::string kQuestions = "Please bring your questions to your next visit.";

PlainResult rootLesion(const std::string& t, const std::string& original) {
    const auto roots = rootsIn(original);
    const bool neck = !roots.empty() && roots.front()[0] == 'C';
    const std::string where = neck ? "neck" : "lower back";
    const std::string limb = sidePhrase(sideIn(t), neck ? "arm" : "leg");
    PlainResult r;
    const bool several = roots.size() > 1;
    std::string found = several ? "Nerves in your " + where + " are pinched or pressed where they leave the spine."
                                : "A nerve in your " + where + " is pinched or pressed where it leaves the spine.";
    if (!roots.empty()) {
        std::string names = roots.front();
        for (std::size_t i = 1; i < roots.size(); ++i) names += (i + 1 == roots.size() ? " and " : ", ") + roots[i];
        found += several ? " Doctors call them the " + names + " roots." : " Doctors call this nerve the " + names + " root.";
    }
    found += std::string(several ? " They go" : " It goes") + " to the muscles of your " + limb + ".";
    r.found = {found, "This can cause pain, numb skin or weak muscles in your " + limb + "."};
    r.next = {kTalk, "Many people get better with time, rest and exercise.",
              "Some people need a scan of the " + std::string(neck ? "neck" : "back") + ", or help with the pain. A few need an operation.",
              kQuestions};
    return r;
}

/// A plain name for a nerve and the place it is pressed, from the impression's words.
std::string nerveInWords(const std::string& t) {
    const std::string side = sideIn(t);
    if (has(t, "peroneal") || has(t, "fibular")) return "the nerve that lifts your " + sidePhrase(side, "foot") + ", near the knee";
    if (has(t, "ulnar")) return "the nerve to the little finger side of your " + sidePhrase(side, "hand") + ", near the elbow";
    if (has(t, "radial")) return "the nerve that lifts your " + sidePhrase(side, "wrist");
    if (has(t, "tibial")) return "the nerve at the back of your " + sidePhrase(side, "leg");
    if (has(t, "sciatic")) return "the large nerve at the back of your " + sidePhrase(side, "thigh");
    if (has(t, "femoral")) return "the nerve at the front of your " + sidePhrase(side, "thigh");
    if (has(t, "median")) return "the nerve to the thumb side of your " + sidePhrase(side, "hand");
    return "";
}

PlainResult oneNerve(const std::string& t, const std::string& original) {
    PlainResult r;
    if (has(t, "carpal tunnel") || (has(t, "median") && has(t, "wrist"))) {
        const std::string hand = sidePhrase(sideIn(t), "wrist");
        r.found = {"The nerve that runs through your " + hand + " to your thumb side is pressed at the wrist.",
                   "This is often called carpal tunnel. It can make your fingers numb or tingle."};
        r.next = {kTalk, "Often the first step is a brace worn at night.", "Some people need a shot or a small operation.", kQuestions};
        return r;
    }
    const std::string nerve = nerveInWords(t);
    if (nerve.empty()) throw std::invalid_argument("the confirmed impression '" + original + "' names no nerve this page can say in plain words");
    r.found = {"One nerve is not working as well as it should. It is " + nerve + ".", "It may be pressed or hurt at this spot."};
    r.next = {kTalk, "Often the first step is to keep pressure off that spot.", "Some people need a brace, a scan or an operation.", kQuestions};
    return r;
}

}  // namespace

PlainResult plainWordsFor(const std::string& impression) {
    const std::string t = lower(impression);
    PlainResult r;
    if (t.rfind("normal", 0) == 0 || has(t, "normal study") || has(t, "normal examination") || has(t, "no evidence") ||
        has(t, "no electrodiagnostic evidence")) {
        r.found = {"The tests did not show a problem with the nerves or muscles we tested."};
        r.next = {kTalk, "If you still have trouble, your doctor may look for other causes.", kQuestions};
        return r;
    }
    if (has(t, "radiculopathy") || has(t, "root lesion")) return rootLesion(t, impression);
    if (has(t, "polyneuropathy")) {
        r.found = {"The long nerves in your feet and legs are not working as well as they should.",
                   "This can cause numb feet, burning or poor balance."};
        r.next = {kTalk, "Your doctor may order blood tests to look for a cause.", "Good care of your feet is important.", kQuestions};
        return r;
    }
    if (has(t, "plexopathy") || has(t, "plexus")) {
        const bool arm = has(t, "brachial") || has(t, "arm");
        r.found = {"A group of nerves near your " + std::string(arm ? "shoulder" : "hip") + " is not working well.",
                   "These nerves go to the muscles of your " + sidePhrase(sideIn(t), arm ? "arm" : "leg") + "."};
        r.next = {kTalk, "Your doctor may order a scan to look for a cause.", kQuestions};
        return r;
    }
    if (has(t, "neuropathy") || has(t, "carpal tunnel") || has(t, "entrapment")) return oneNerve(t, impression);
    if (has(t, "myopathy")) {
        r.found = {"Some of your muscles are not working as well as they should.", "The nerves to them look healthy."};
        r.next = {kTalk, "Your doctor may order blood tests or other tests of the muscle.", kQuestions};
        return r;
    }
    if (has(t, "myasthen") || has(t, "junction")) {
        r.found = {"Your nerves and muscles are fine on their own.",
                   "But the signal from the nerve to the muscle does not pass on as well as it should."};
        r.next = {kTalk, "Your doctor may order blood tests and talk with you about medicine.", kQuestions};
        return r;
    }
    throw std::invalid_argument("the confirmed impression '" + impression +
                                "' is not one this page can say in plain words (write the patient's page by hand)");
}

}  // namespace emg::report::detail
