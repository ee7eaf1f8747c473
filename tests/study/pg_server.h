#pragma once
// A throw-away PostgreSQL server on loopback for the store tests (GOTCHAS.md, PostgreSQL):
// initdb into a unique temp folder (owned by postgres when we run as root), a free port,
// pg_ctl -w start, createdb per test database, stopped and removed at exit. A watchdog process
// stops the server even if this test process dies without running destructors.
// Missing binaries are a failure with a clear message, never a silent skip.

#include <string>

namespace emg::study::test {

class PgServer {
public:
    /// The process-wide server, started on first use. Throws std::runtime_error with the reason.
    static PgServer& instance();
    /// A fresh, empty database; returns its postgresql:// URL.
    std::string createDatabase();
    int port() const noexcept { return port_; }
    ~PgServer();

private:
    PgServer();
    std::string run(const std::string& cmd, int* status = nullptr) const;
    std::string asPostgres(const std::string& cmd) const;
    std::string bin_, dir_;
    int port_ = 0;
    int dbCounter_ = 0;
    bool started_ = false;
};

}  // namespace emg::study::test
