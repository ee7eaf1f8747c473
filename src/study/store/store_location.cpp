// Store URLs, the default SQLite location, file checksums.
#include <emg/study/session_store.h>

#include <QCryptographicHash>
#include <QFile>

#include <cstdlib>
#include <regex>

#include <pwd.h>
#include <unistd.h>

namespace emg::study {

ChecksumMismatch::ChecksumMismatch(std::string path, std::string expected, std::string actual)
    : StoreError("checksum mismatch for " + path + ": stored SHA-256 " + expected + ", file now has " + actual +
                 " (the raw data file was modified or replaced)"),
      path_(std::move(path)),
      expected_(std::move(expected)),
      actual_(std::move(actual)) {}

StudyLocked::StudyLocked(std::string studyId, std::string signedBy, std::string signedAt)
    : StoreError("study " + studyId + " was signed by " + signedBy + " at " + signedAt +
                 "; it can no longer change: add an addendum instead (emgws-cli studies addendum). Nothing was stored."),
      studyId_(std::move(studyId)),
      signedBy_(std::move(signedBy)),
      signedAt_(std::move(signedAt)) {}

std::string osLoginName() {
    passwd entry{};
    passwd* pw = nullptr;
    char buf[4096];
    if (getpwuid_r(geteuid(), &entry, buf, sizeof buf, &pw) == 0 && pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
    for (const char* var : {"LOGNAME", "USER"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return "unknown";
}

namespace {
std::string percentDecode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}
}  // namespace

StoreLocation parseStoreUrl(const std::string& url) {
    StoreLocation loc;
    if (url.empty()) {
        loc.sqlitePath = defaultSqlitePath();
        return loc;
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        loc.backend = StoreBackend::Postgres;
        // postgresql://[user[:password]@]host[:port]/database[?k=v&k=v]
        static const std::regex re(R"(^postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]+\]|[^:/?]+)(?::(\d+))?/([^?/]+)(?:\?(.*))?$)");
        std::smatch m;
        if (!std::regex_match(url, m, re))
            throw StoreError("bad PostgreSQL URL '" + url + "' (expected postgresql://user[:password]@host[:port]/database)");
        loc.user = percentDecode(m[1]);
        loc.password = percentDecode(m[2]);
        loc.host = m[3];
        if (m[4].matched) {
            const long port = std::stol(m[4]);
            if (port < 1 || port > 65535) throw StoreError("bad port in PostgreSQL URL '" + url + "'");
            loc.port = static_cast<int>(port);
        }
        loc.database = percentDecode(m[5]);
        std::string opts = m[6];
        for (auto& c : opts)
            if (c == '&') c = ';';
        loc.options = percentDecode(opts);
        return loc;
    }
    std::string path = url;
    if (path.rfind("sqlite://", 0) == 0) path = path.substr(9);
    else if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
    else if (path.find("://") != std::string::npos) throw StoreError("unknown store URL '" + url + "' (use sqlite:PATH or postgresql://...)");
    if (path.empty()) throw StoreError("store URL '" + url + "' names no file");
    loc.sqlitePath = path;
    return loc;
}

std::string StoreLocation::display() const {
    if (backend == StoreBackend::Sqlite) return "sqlite:" + sqlitePath.string();
    return "postgresql://" + (user.empty() ? "" : user + "@") + host + ":" + std::to_string(port) + "/" + database;
}

std::filesystem::path defaultSqlitePath() {
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home) base = std::filesystem::path(home) / ".local" / "share";
    else base = std::filesystem::temp_directory_path();
    return base / "emgws" / "emgws.sqlite";
}

std::string sha256OfFile(const std::filesystem::path& file) {
    QFile f(QString::fromStdString(file.string()));
    if (!f.open(QIODevice::ReadOnly)) throw StoreError("cannot read " + file.string() + ": " + f.errorString().toStdString());
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!h.addData(&f)) throw StoreError("read error while hashing " + file.string());
    return h.result().toHex().toStdString();
}

}  // namespace emg::study
