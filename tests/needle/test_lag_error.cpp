// The template distance the sorter matches every candidate by (signal_tools.h: bestLagError and
// bestLagErrorBelow) against a plain sum of squares written out here: the same lag and error, for
// windows inside the signal and at its ends (zero-padded), double and float signals, and a bound.
#include <emg/needle/signal_tools.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace emg::needle;

namespace {
double plainError(const std::vector<double>& x, std::ptrdiff_t start, const std::vector<double>& t) {
    double e = 0.0;
    for (std::size_t k = 0; k < t.size(); ++k) {
        const std::ptrdiff_t i = start + static_cast<std::ptrdiff_t>(k);
        const double v = i >= 0 && i < static_cast<std::ptrdiff_t>(x.size()) ? x[static_cast<std::size_t>(i)] : 0.0;
        e += (v - t[k]) * (v - t[k]);
    }
    return e;
}
}  // namespace

TEST_CASE("Template distance: the best lag and its error as a plain sum of squares gives them", "[needle][lag_error]") {
    std::mt19937 rng(11);
    std::normal_distribution<double> noise(0.0, 20.0);
    std::vector<double> x(4000);
    for (auto& v : x) v = noise(rng);
    // a template of 313 samples (6.5 ms at 48 kHz: not a multiple of the 16-sample blocks), planted at 3 places
    std::vector<double> t(313);
    for (std::size_t k = 0; k < t.size(); ++k) t[k] = 800.0 * std::sin(0.05 * static_cast<double>(k)) * std::exp(-0.01 * static_cast<double>(k));
    const std::size_t before = 100;
    for (const std::size_t at : {40, 2000, 3900})   // the first and last windows reach past the signal's ends
        for (std::size_t k = 0; k < t.size(); ++k)
            if (at - before + k < x.size()) x[at - before + k] += t[k];
    std::vector<float> xf(x.begin(), x.end());
    std::vector<double> xr(xf.begin(), xf.end());   // the float signal's values, as doubles
    std::size_t checked = 0;
    for (const std::ptrdiff_t centre : {37, 40, 44, 1990, 2000, 2007, 3896, 3900, 3905}) {
        const int maxLag = 10;
        double best = std::numeric_limits<double>::infinity();
        int bestLag = 0;
        for (int lag = -maxLag; lag <= maxLag; ++lag) {
            const double e = plainError(x, centre + lag - static_cast<std::ptrdiff_t>(before), t);
            if (e < best) { best = e; bestLag = lag; }
        }
        INFO("centre " << centre);
        int lag = 99;
        const double e = bestLagError(std::span<const double>(x), centre, std::span<const double>(t), before, maxLag, lag);
        CHECK(lag == bestLag);
        CHECK(e == Approx(best).epsilon(1e-12));
        // bounded: the same below the bound, +infinity when even the best is above it
        CHECK(bestLagErrorBelow(std::span<const double>(x), centre, std::span<const double>(t), before, maxLag, best * 1.0001, lag) ==
              Approx(best).epsilon(1e-12));
        CHECK(lag == bestLag);
        CHECK(std::isinf(bestLagErrorBelow(std::span<const double>(x), centre, std::span<const double>(t), before, maxLag, best * 0.9999, lag)));
        // float signal: the same as the double path on its values
        double bestF = std::numeric_limits<double>::infinity();
        int bestLagF = 0;
        for (int l = -maxLag; l <= maxLag; ++l) {
            const double ef = plainError(xr, centre + l - static_cast<std::ptrdiff_t>(before), t);
            if (ef < bestF) { bestF = ef; bestLagF = l; }
        }
        CHECK(bestLagError(std::span<const float>(xf), centre, std::span<const double>(t), before, maxLag, lag) == Approx(bestF).epsilon(1e-12));
        CHECK(lag == bestLagF);
        ++checked;
    }
    CHECK(checked == 9);
}
