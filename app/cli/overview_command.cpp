// quantscope-cli overview: every floating-point tensor of a model under one or several configs
// (core's model overview, the rows the window's Overview shows).
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli_support.h"
#include "quant_flags.h"
#include "quantscope/common/text.h"
#include "quantscope/io/source.h"
#include "quantscope/model/model_overview.h"
#include "quantscope/quant/config_list.h"

namespace quantscope::cli {

const std::string kOverviewUsage =
    std::string(
        R"(Usage: quantscope-cli overview FILE [QUANT | --configs LIST] [--sort worst|file] [--csv|--json]

Quantize every floating-point tensor of a model under one config (QUANT) or several (--configs)
and print one row per tensor: shape, parameters, then per config SQNR, MSE, max |error|, clipped
fraction and bytes after (scales included), and from the second config on the SQNR difference
to the first. Rows come worst first (lowest SQNR under the first config) unless --sort file.
Above the table, each config's model SQNR (the parameter-weighted mean of the tensors' relative
noise 10^(-SQNR/10), in dB) and total bytes. Integer and boolean tensors are left out and
counted. Tensors are read one or two at a time; progress goes to stderr after a second.

  --configs LIST    configs separated by ';', each a format and words that set its fields:
                    a granularity (per-tensor, per-channel, channel:AXIS, block:N), a scheme,
                    a calibration, a rounding, or FIELD=VALUE; e.g.
                    "int8 per-channel; fp8_e4m3; int4 block:32; nf4; mxfp4".
                    QUANT flags given too set what the items leave unset.
  --sort S          worst (default) or file (the file's order)
  --csv             columns tensor, shape, dtype, parameters, layer, bytes_before, then per
                    config sqnr_db, mse, max_abs_error, clipped_fraction, bytes_after (and
                    delta_sqnr_db), each named NAME@CONFIG when there are several, then note
  --json            {configs: [{label, description, tensors, parameters, bytes_before,
                    bytes_after, model_sqnr_db}], rows: [{tensor, shape, dtype, parameters,
                    layer, bytes_before, results: [{config, sqnr_db, mse, max_abs_error,
                    clipped_fraction, bytes_after, bits_per_value, delta_sqnr_db, note}]}]}

A tensor whose granularity does not fit (per channel on a 1-D norm) is quantized per tensor
and noted. A tensor that cannot be read is reported on stderr, the others are still shown, and
the exit code is 1.

)") +
    file_help() + "\n" + std::string(kQuantHelp);

namespace {

std::string bytes_text(std::int64_t bytes) {
    std::ostringstream out;
    if (bytes >= 10'000'000'000) {
        out << std::fixed << std::setprecision(2) << static_cast<double>(bytes) / 1e9 << " GB";
    } else if (bytes >= 10'000'000) {
        out << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1e6 << " MB";
    } else {
        out << bytes << " B";
    }
    return out.str();
}

void print_text(const Source& source, const OverviewResult& result,
                const std::vector<OverviewRow>& rows, const std::vector<QuantConfig>& configs) {
    std::cout << visible_text(source.path()) << " (" << source.format_name() << ", "
              << source.tensors().size() << " tensors): " << result.rows.size() << " quantized, "
              << result.skipped.size() << " left out\n";
    for (std::size_t c = 0; c < configs.size(); ++c) {
        const OverviewTotals totals = overview_totals(rows, c);
        std::cout << "[" << c + 1 << "] " << std::left << std::setw(24) << config_label(configs[c])
                  << std::right << " model SQNR " << format_number(totals.model_sqnr_db, 4)
                  << " dB  " << bytes_text(totals.bytes_before) << " -> "
                  << bytes_text(totals.bytes_after);
        if (totals.worst) {
            std::cout << "  worst " << visible_text(rows[*totals.worst].name);
        }
        std::cout << '\n';
    }
    std::size_t name_width = 6;
    for (const OverviewRow& row : rows) {
        name_width = std::max(name_width, visible_text(row.name).size());
    }
    name_width = std::min<std::size_t>(name_width, 60);
    std::cout << std::left << std::setw(static_cast<int>(name_width)) << "tensor" << std::right
              << std::setw(14) << "shape" << std::setw(12) << "parameters";
    for (std::size_t c = 0; c < configs.size(); ++c) {
        const std::string tag = "[" + std::to_string(c + 1) + "]";
        std::cout << std::setw(12) << "sqnr" + tag << std::setw(11) << "mse" << std::setw(11)
                  << "max|e|" << std::setw(9) << "clipped" << std::setw(12) << "bytes";
        if (c > 0) {
            std::cout << std::setw(9) << "delta";
        }
    }
    std::cout << '\n';
    for (const OverviewRow& row : rows) {
        std::cout << std::left << std::setw(static_cast<int>(name_width)) << visible_text(row.name)
                  << std::right << std::setw(14) << shape_to_string(row.shape) << std::setw(12)
                  << row.parameters;
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            const OverviewCell& cell = row.cells[c];
            std::cout << std::setw(12) << format_number(cell.metrics.sqnr_db, 4) << std::setw(11)
                      << format_number(cell.metrics.mse, 3) << std::setw(11)
                      << format_number(cell.metrics.max_abs_error, 3) << std::setw(9)
                      << format_number(cell.metrics.clipped_fraction * 100, 2) + "%"
                      << std::setw(12) << cell.storage.bytes;
            if (c > 0) {
                const double a = cell.metrics.sqnr_db;
                const double b = row.cells[0].metrics.sqnr_db;
                std::cout << std::setw(9) << format_number(a == b ? 0.0 : a - b, 3);
            }
        }
        if (!row.error.empty()) {
            std::cout << "  error: " << visible_text(row.error);
        }
        for (const OverviewCell& cell : row.cells) {
            if (!cell.note.empty()) {
                std::cout << "  (" << visible_text(cell.note) << ")";
                break;
            }
        }
        std::cout << '\n';
    }
    for (const auto& [index, reason] : result.skipped) {
        std::cout << "left out: " << visible_text(source.tensors()[index].name) << " ("
                  << visible_text(reason) << ")\n";
    }
}

}  // namespace

int run_overview(const std::vector<std::string_view>& args) {
    std::optional<std::string> file;
    std::optional<std::string> config_list;
    ConfigFieldValues fields;
    bool csv = false;
    bool json = false;
    bool file_order = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kOverviewUsage;
            return kExitOk;
        } else if (a == "--csv") {
            csv = true;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--configs") {
            config_list = next_value(args, i, kOverviewUsage);
        } else if (a == "--sort") {
            const std::string order = next_value(args, i, kOverviewUsage);
            if (order != "worst" && order != "file") {
                throw Usage{"--sort takes worst or file, got '" + order + "'", kOverviewUsage};
            }
            file_order = order == "file";
        } else if (take_config_flag(args, i, kOverviewUsage, fields)) {
            continue;
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kOverviewUsage};
        } else if (file) {
            throw Usage{"overview takes one FILE, got a second: " + std::string(a), kOverviewUsage};
        } else {
            file = std::string(a);
        }
    }
    if (!file) {
        throw Usage{"overview needs a FILE", kOverviewUsage};
    }
    current_file() = *file;
    if (csv && json) {
        throw Usage{"choose one of --csv and --json", kOverviewUsage};
    }
    std::vector<QuantConfig> configs;
    if (config_list) {
        const QuantConfig base =
            parse_or_usage([&] { return config_from_fields(fields); }, kOverviewUsage);
        configs =
            parse_or_usage([&] { return parse_config_list(*config_list, base); }, kOverviewUsage);
    } else {
        configs.push_back(config_from_flags(fields, kOverviewUsage));
    }
    const auto source = parse_or_usage([&] { return open_source(*file); }, kOverviewUsage);

    OverviewOptions options;
    options.configs = configs;
    const auto start = std::chrono::steady_clock::now();
    bool reported = false;
    options.on_progress = [&](const OverviewProgress& p) {
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(1)) {
            std::cerr << "\roverview: tensor " << p.tensors_done << "/" << p.tensors_total
                      << std::flush;
            reported = true;
        }
    };
    const OverviewResult result = run_overview(*source, options);
    if (reported) {
        std::cerr << '\n';
    }
    std::vector<OverviewRow> rows = result.rows;
    if (!file_order) {
        sort_overview_worst_first(rows);
    }
    if (csv) {
        std::cout << overview_csv(rows, configs);
    } else if (json) {
        std::cout << overview_json(rows, configs);
    } else {
        print_text(*source, result, rows, configs);
    }
    int status = kExitOk;
    for (const OverviewRow& row : result.rows) {
        if (!row.error.empty()) {
            std::cerr << "quantscope-cli: " << visible_text(row.error) << '\n';
            status = kExitDataError;
        }
    }
    return status;
}

}  // namespace quantscope::cli
