#include "quantscope/common/generators.h"

#include <charconv>
#include <cmath>
#include <map>
#include <numbers>
#include <random>

#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"

namespace quantscope {
namespace {

// Values beyond this would make a generator allocate more than a desktop can hold.
constexpr double kMaxCount = 1ULL << 31;

std::vector<GeneratorInfo> make_generators() {
    // Locals, not namespace-scope globals: generators() may run during static initialization.
    const GeneratorParameter kCount{"n", 100000, "number of values"};
    const GeneratorParameter kSeed{"seed", 1, "random seed (same seed, same values)"};
    return {
        {"gaussian",
         "normal distribution",
         {kCount, {"mean", 0, "mean"}, {"std", 1, "standard deviation"}, kSeed}},
        {"laplace",
         "Laplace distribution (heavier tails, typical of weights)",
         {kCount, {"mean", 0, "location"}, {"scale", 1, "scale b (std = b*sqrt(2))"}, kSeed}},
        {"uniform",
         "uniform distribution on [low, high)",
         {kCount, {"low", -1, "lower bound"}, {"high", 1, "upper bound"}, kSeed}},
        {"student-t",
         "Student's t distribution (heavy tails for small dof)",
         {kCount, {"dof", 3, "degrees of freedom"}, {"scale", 1, "scale"}, kSeed}},
        {"mixture",
         "Gaussian with injected outliers (activations with a few huge channels)",
         {kCount,
          {"std", 1, "standard deviation of the bulk"},
          {"outliers", 0.001, "fraction of values that are outliers"},
          {"outlier-scale", 20, "outlier magnitude in units of std"},
          kSeed}},
        {"matrix",
         "rows x cols Gaussian matrix; outlier columns hold values outlier-scale times larger "
         "(LLM.int8() activations: a few feature columns dominate every row, in the same "
         "columns whatever the seed)",
         {{"rows", 256, "number of rows (tokens)"},
          {"cols", 1024, "number of columns (features)"},
          {"std", 1, "standard deviation of the bulk"},
          {"outlier-columns", 0, "number of outlier columns, at seeded positions"},
          {"outlier-scale", 20, "standard deviation of the outlier columns in units of std"},
          kSeed}},
        {"sine",
         "sine wave, optionally with Gaussian noise",
         {{"frequency", 440, "frequency in Hz"},
          {"amplitude", 1, "peak amplitude"},
          {"rate", 48000, "sample rate in Hz"},
          {"duration", 0.1, "duration in seconds"},
          {"phase", 0, "phase in radians"},
          {"noise", 0, "standard deviation of added noise"},
          kSeed}},
        {"sample", "the built-in sample: 65536 Gaussian values with 8 outliers", {}},
    };
}

struct ParsedSpec {
    const GeneratorInfo* info = nullptr;
    std::map<std::string, double> values;  // every parameter, defaults filled in
};

double parse_number(std::string_view text, std::string_view spec, std::string_view key) {
    double value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
        throw UsageError("generator '" + std::string(spec) + "': parameter '" + std::string(key) +
                         "' needs a finite number, got '" + std::string(text) + "'");
    }
    return value;
}

ParsedSpec parse_spec(std::string_view spec) {
    const std::size_t colon = spec.find(':');
    const std::string_view name = spec.substr(0, colon);
    ParsedSpec parsed;
    for (const GeneratorInfo& info : generators()) {
        if (info.name == name) {
            parsed.info = &info;
        }
    }
    if (parsed.info == nullptr) {
        std::string known;
        for (const GeneratorInfo& info : generators()) {
            known += (known.empty() ? "" : ", ") + info.name;
        }
        throw UsageError("unknown generator '" + std::string(name) + "' (known: " + known + ")");
    }
    for (const GeneratorParameter& p : parsed.info->parameters) {
        parsed.values[p.name] = p.default_value;
    }
    std::string_view rest = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            throw UsageError("generator '" + std::string(spec) + "': expected key=value, got '" +
                             std::string(item) + "'");
        }
        const std::string key(item.substr(0, eq));
        auto it = parsed.values.find(key);
        if (it == parsed.values.end()) {
            std::string known;
            for (const GeneratorParameter& p : parsed.info->parameters) {
                known += (known.empty() ? "" : ", ") + p.name;
            }
            throw UsageError("generator '" + std::string(name) + "' has no parameter '" + key +
                             "' (it takes: " + (known.empty() ? "none" : known) + ")");
        }
        it->second = parse_number(item.substr(eq + 1), spec, key);
    }
    return parsed;
}

void require(bool ok, std::string_view name, const std::string& what) {
    if (!ok) {
        throw UsageError("generator '" + std::string(name) + "': " + what);
    }
}

std::string canonical_spec(const ParsedSpec& parsed) {
    std::string text = parsed.info->name;
    char sep = ':';
    for (const GeneratorParameter& p : parsed.info->parameters) {
        char buffer[64];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, parsed.values.at(p.name));
        text += sep + p.name + "=" + std::string(buffer, end);
        sep = ',';
    }
    return text;
}

std::size_t checked_count(const ParsedSpec& parsed, double count) {
    const std::string& name = parsed.info->name;
    require(count >= 0 && count <= kMaxCount && std::floor(count) == count, name,
            "n must be a whole number from 0 to 2^31");
    return static_cast<std::size_t>(count);
}

// Values a generator makes between looks at the caller's cancel flag (cancel.h).
constexpr std::size_t kCancelCheck = 1 << 16;

template <typename Distribution>
FloatBuffer draw(std::size_t n, std::uint64_t seed, Distribution distribution) {
    std::mt19937_64 engine(seed);
    FloatBuffer values(n);
    const std::atomic<bool>* cancel = current_cancel_flag();
    for (std::size_t i = 0; i < n; ++i) {
        if (i % kCancelCheck == 0) {
            throw_if_cancelled(cancel);
        }
        values[i] = static_cast<float>(distribution(engine));
    }
    return values;
}

// Row-major rows x cols. The outlier columns depend on cols and their count only, not on the
// seed: outlier features sit in the same dimensions for every input, so a calibration set drawn
// with another seed has them where the activations do.
FloatBuffer generate_matrix(const ParsedSpec& parsed) {
    const auto& v = parsed.values;
    const std::string& name = parsed.info->name;
    const double rows = v.at("rows");
    const double cols = v.at("cols");
    require(rows >= 1 && cols >= 1 && std::floor(rows) == rows && std::floor(cols) == cols, name,
            "rows and cols must be whole numbers of at least 1");
    require(rows * cols <= kMaxCount, name, "rows x cols must be at most 2^31");
    const double stddev = v.at("std");
    require(stddev > 0, name, "std must be positive");
    const double outliers = v.at("outlier-columns");
    require(outliers >= 0 && outliers <= cols && std::floor(outliers) == outliers, name,
            "outlier-columns must be a whole number from 0 to cols");
    require(v.at("outlier-scale") > 0, name, "outlier-scale must be positive");
    const auto r = static_cast<std::size_t>(rows);
    const auto c = static_cast<std::size_t>(cols);
    std::mt19937_64 columns(0x5eedc01u);
    std::vector<double> column_std(c, stddev);
    std::vector<std::size_t> order(c);
    for (std::size_t j = 0; j < c; ++j) {
        order[j] = j;
    }
    for (std::size_t j = 0; j < static_cast<std::size_t>(outliers); ++j) {
        std::uniform_int_distribution<std::size_t> pick(j, c - 1);
        std::swap(order[j], order[pick(columns)]);
        column_std[order[j]] = stddev * v.at("outlier-scale");
    }
    std::mt19937_64 engine(static_cast<std::uint64_t>(std::fabs(v.at("seed"))));
    std::normal_distribution<double> unit(0.0, 1.0);
    FloatBuffer values(r * c);
    const std::atomic<bool>* cancel = current_cancel_flag();
    for (std::size_t i = 0; i < r * c; ++i) {
        if (i % kCancelCheck == 0) {
            throw_if_cancelled(cancel);
        }
        values[i] = static_cast<float>(unit(engine) * column_std[i % c]);
    }
    return values;
}

FloatBuffer generate_values(const ParsedSpec& parsed) {
    const auto& v = parsed.values;
    const std::string& name = parsed.info->name;
    if (name == "sample") {
        return builtin_sample().values;
    }
    const std::uint64_t seed = static_cast<std::uint64_t>(std::fabs(v.at("seed")));
    if (name == "sine") {
        const double rate = v.at("rate");
        const double duration = v.at("duration");
        require(rate > 0 && rate <= 1e7, name, "rate must be in (0, 1e7] Hz");
        require(duration >= 0, name, "duration must not be negative");
        const std::size_t n = checked_count(parsed, std::round(rate * duration));
        const double omega = 2 * std::numbers::pi * v.at("frequency") / rate;
        const double amplitude = v.at("amplitude");
        const double phase = v.at("phase");
        const double noise = v.at("noise");
        require(noise >= 0, name, "noise must not be negative");
        std::mt19937_64 engine(seed);
        std::normal_distribution<double> gauss(0.0, noise > 0 ? noise : 1.0);
        FloatBuffer values(n);
        const std::atomic<bool>* cancel = current_cancel_flag();
        for (std::size_t i = 0; i < n; ++i) {
            if (i % kCancelCheck == 0) {
                throw_if_cancelled(cancel);
            }
            double x = amplitude * std::sin(omega * static_cast<double>(i) + phase);
            if (noise > 0) {
                x += gauss(engine);
            }
            values[i] = static_cast<float>(x);
        }
        return values;
    }
    if (name == "matrix") {
        return generate_matrix(parsed);
    }
    const std::size_t n = checked_count(parsed, v.at("n"));
    if (name == "gaussian") {
        require(v.at("std") > 0, name, "std must be positive");
        return draw(n, seed, std::normal_distribution<double>(v.at("mean"), v.at("std")));
    }
    if (name == "laplace") {
        const double mean = v.at("mean");
        const double scale = v.at("scale");
        require(scale > 0, name, "scale must be positive");
        // Inverse CDF: x = mean - b * sign(u) * ln(1 - 2|u|), u uniform on (-1/2, 1/2).
        return draw(n, seed,
                    [mean, scale, uniform = std::uniform_real_distribution<double>(-0.5, 0.5)](
                        std::mt19937_64& e) mutable {
                        const double u = uniform(e);
                        return mean - scale * std::copysign(1.0, u) * std::log1p(-2 * std::fabs(u));
                    });
    }
    if (name == "uniform") {
        require(v.at("high") > v.at("low"), name, "high must be greater than low");
        return draw(n, seed, std::uniform_real_distribution<double>(v.at("low"), v.at("high")));
    }
    if (name == "student-t") {
        require(v.at("dof") > 0, name, "dof must be positive");
        require(v.at("scale") > 0, name, "scale must be positive");
        const double scale = v.at("scale");
        return draw(n, seed,
                    [scale, t = std::student_t_distribution<double>(v.at("dof"))](
                        std::mt19937_64& e) mutable { return scale * t(e); });
    }
    // mixture
    const double stddev = v.at("std");
    const double fraction = v.at("outliers");
    const double outlier_scale = v.at("outlier-scale");
    require(stddev > 0, name, "std must be positive");
    require(fraction >= 0 && fraction <= 1, name, "outliers must be a fraction in [0, 1]");
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> bulk(0.0, stddev);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    FloatBuffer values(n);
    const std::atomic<bool>* cancel = current_cancel_flag();
    for (std::size_t i = 0; i < n; ++i) {
        if (i % kCancelCheck == 0) {
            throw_if_cancelled(cancel);
        }
        float& x = values[i];
        if (unit(engine) < fraction) {
            // Outliers: magnitude between 0.5x and 1x the outlier scale, random sign.
            const double magnitude = outlier_scale * stddev * (0.5 + 0.5 * unit(engine));
            x = static_cast<float>(unit(engine) < 0.5 ? -magnitude : magnitude);
        } else {
            x = static_cast<float>(bulk(engine));
        }
    }
    return values;
}

}  // namespace

const std::vector<GeneratorInfo>& generators() {
    static const std::vector<GeneratorInfo> list = make_generators();
    return list;
}

Tensor generate(std::string_view spec) {
    const ParsedSpec parsed = parse_spec(spec);
    Tensor tensor;
    tensor.values = generate_values(parsed);
    tensor.info.name = parsed.info->name == "sample" ? "sample" : canonical_spec(parsed);
    tensor.info.dtype = "float32";
    tensor.info.count = static_cast<std::int64_t>(tensor.values.size());
    tensor.info.shape = {tensor.info.count};
    if (parsed.info->name == "matrix") {
        tensor.info.shape = {static_cast<std::int64_t>(parsed.values.at("rows")),
                             static_cast<std::int64_t>(parsed.values.at("cols"))};
    }
    tensor.info.bytes = tensor.info.count * static_cast<std::int64_t>(sizeof(float));
    return tensor;
}

std::string reseeded_spec(std::string_view spec, std::uint64_t offset) {
    ParsedSpec parsed = parse_spec(spec);
    if (parsed.values.contains("seed")) {
        parsed.values["seed"] = std::fabs(parsed.values["seed"]) + static_cast<double>(offset);
    }
    return parsed.info->name == "sample" ? "sample" : canonical_spec(parsed);
}

double generator_sample_rate(std::string_view spec) {
    const ParsedSpec parsed = parse_spec(spec);
    return parsed.info->name == "sine" ? parsed.values.at("rate") : 0.0;
}

Tensor builtin_sample() {
    constexpr std::size_t kCountValues = 65536;
    std::mt19937_64 engine(7);
    std::normal_distribution<double> gauss(0.0, 1.0);
    FloatBuffer values(kCountValues);
    for (float& x : values) {
        x = static_cast<float>(gauss(engine));
    }
    // A handful of large outliers at fixed, spread positions: both signs, 12 to 20 sigma.
    constexpr float kOutliers[] = {14.5f, -12.0f, 20.0f, -16.25f, 13.0f, -18.5f, 12.75f, 15.5f};
    for (std::size_t k = 0; k < std::size(kOutliers); ++k) {
        values[(k * 7919 + 1237) % kCountValues] = kOutliers[k];
    }
    Tensor tensor;
    tensor.values = std::move(values);
    tensor.info = {"sample",
                   "float32",
                   {static_cast<std::int64_t>(kCountValues)},
                   static_cast<std::int64_t>(kCountValues),
                   static_cast<std::int64_t>(kCountValues * sizeof(float))};
    return tensor;
}

}  // namespace quantscope
