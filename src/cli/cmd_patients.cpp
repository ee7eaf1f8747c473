// emgws-cli patients add|list|show: the store's patients as JSON.
#include "cmd_store_options.h"
#include "command_registry.h"

#include <emg/study/json.h>

#include <iostream>

namespace {

using namespace emg::study;

constexpr const char* kUsage =
    "usage: emgws-cli patients add --id ID [--name NAME] [--birth-date YYYY-MM-DD] [--sex female|male|other|unknown]\n"
    "                              [--height-cm H] [--symptom-side left|right|bilateral|unspecified] [--db URL]\n"
    "       emgws-cli patients add --json FILE [--db URL]     (import a patient JSON object or array)\n"
    "       emgws-cli patients list [--db URL]\n"
    "       emgws-cli patients show ID [--db URL]\n"
    "--db: sqlite:PATH or postgresql://user@host:port/db (default: the user's SQLite store)\n";

int runPatients(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cerr << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string sub = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "add") {
        const auto a = emg::cli::parseArgs(rest, {"id", "name", "birth-date", "sex", "height-cm", "symptom-side", "json"});
        std::vector<Patient> toSave;
        if (auto file = a.get("json")) {
            const auto j = readJsonFile(*file);
            if (j.is_array())
                for (std::size_t i = 0; i < j.size(); ++i) toSave.push_back(patientFromJson(j[i], "patients[" + std::to_string(i) + "]"));
            else
                toSave.push_back(patientFromJson(j));
        } else {
            Patient p;
            p.id = a.require("id");
            p.name = a.get("name").value_or("");
            p.birthDate = a.get("birth-date").value_or("");
            p.sex = parseSex(a.get("sex").value_or("unknown"));
            p.heightCm = a.number("height-cm");
            p.symptomSide = parseSide(a.get("symptom-side").value_or("unspecified"));
            validate(p);
            toSave.push_back(p);
        }
        auto store = emg::cli::openStore(a);
        nlohmann::json out = nlohmann::json::array();
        for (const auto& p : toSave) {
            store->savePatient(p);
            out.push_back(toJson(p));
        }
        emg::cli::printJson((out.size() == 1 ? out[0] : out).dump(2));
        return 0;
    }
    if (sub == "list") {
        const auto a = emg::cli::parseArgs(rest, {});
        nlohmann::json out = nlohmann::json::array();
        for (const auto& p : emg::cli::openStore(a)->patients()) out.push_back(toJson(p));
        emg::cli::printJson(out.dump(2));
        return 0;
    }
    if (sub == "show") {
        const auto a = emg::cli::parseArgs(rest, {});
        if (a.positional.size() != 1) throw std::invalid_argument("patients show needs one patient id");
        auto p = emg::cli::openStore(a)->patient(a.positional[0]);
        if (!p) {
            std::cerr << "emgws-cli patients: no patient '" << a.positional[0] << "'\n";
            return 1;
        }
        emg::cli::printJson(toJson(*p).dump(2));
        return 0;
    }
    std::cerr << "emgws-cli patients: unknown sub-command '" << sub << "'\n" << kUsage;
    return 2;
}

const emg::cli::CommandRegistration reg{"patients", "add, list and show patients in the study store", &runPatients};

}  // namespace
