#pragma once
// The model overview (docs/design.md "Model overview"): every floating-point tensor of an open
// model under one or more configs, one row per tensor, delivered as tensors finish.
//
// The engine reads one tensor at a time from the source (a memory map for model files), runs
// quantize() on it under each config -- the same call, metrics and storage as the analysis
// tabs -- and drops the values before it reads more. Up to `concurrency` tensors are in flight
// at once (two on two cores), so peak memory is about the largest tensors in flight (their
// float32 values and one dequantized copy) plus the rows.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/common/tensor.h"
#include "quantscope/io/source.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quant_config.h"
#include "quantscope/quant/storage.h"

namespace quantscope {

// The layer a tensor belongs to by its name: the first dot-separated part that is a whole
// number ("model.layers.12.mlp.up_proj.weight" -> 12, "blk.3.attn_q.weight" -> 3,
// "transformer.h.7.attn.c_attn.weight" -> 7); nullopt when no part is ("lm_head.weight").
std::optional<std::int64_t> layer_index(std::string_view tensor_name);

// Why the overview leaves a tensor out (an integer or boolean dtype, a dtype the loader only
// lists, no values), or an empty string when it evaluates it.
std::string overview_skip_reason(const Source& source, std::size_t index);

// One tensor under one config.
struct OverviewCell {
    // quantize()'s metrics: sqnr_db, mse, max_abs_error, clipped_fraction, ...
    Metrics metrics;
    // quantize()'s storage (storage.h): bytes after, scales included.
    Storage storage;
    // The config the tensor ran under: the given one; llama.cpp's fallback type when the
    // given ggml type's blocks do not divide its rows (ggml_config_for_shape()); or per tensor
    // when its granularity does not fit the tensor (per channel on a 1-D bias,
    // granularity_problem()). `note` says which.
    QuantConfig config;
    std::string note;
};

struct OverviewRow {
    std::size_t tensor = 0;  // index into Source::tensors()
    std::string name;
    std::string dtype;  // as stored
    Shape shape;
    std::int64_t parameters = 0;
    std::int64_t bytes_before = 0;  // as stored in the file
    std::optional<std::int64_t> layer;
    // One per config, in the order given; empty when `error` is set.
    std::vector<OverviewCell> cells;
    // A tensor that could not be read or quantized (a LoadError's message); the overview goes on.
    std::string error;
};

// docs/design.md "Model SQNR": the parameter-weighted mean of the tensors' relative noise
// (noise power over signal power, 10^(-SQNR/10)), in dB:
//   model SQNR = -10 log10( sum_i n_i 10^(-SQNR_i / 10) / sum_i n_i ),  n_i = parameters.
// Each tensor counts by its size whatever its scale; a tensor without error adds 0; one whose
// SQNR is -Inf makes the model's -Inf. The one definition for the overview and the planner.
double relative_noise(double sqnr_db);
struct ModelSqnr {
    double weighted_noise = 0;  // sum n_i 10^(-SQNR_i / 10)
    std::int64_t parameters = 0;

    void add(double sqnr_db, std::int64_t tensor_parameters);
    // +Inf when every tensor is exact or there is none.
    double db() const;
};

// The rows' totals under one config.
struct OverviewTotals {
    std::size_t tensors = 0;
    std::int64_t parameters = 0;
    std::int64_t bytes_before = 0;
    std::int64_t bytes_after = 0;
    double model_sqnr_db = 0;  // ModelSqnr over the rows
    // The row index (into the rows given) of the lowest SQNR, when there is a row.
    std::optional<std::size_t> worst;
};
// Rows with an error count in none of the totals.
OverviewTotals overview_totals(const std::vector<OverviewRow>& rows, std::size_t config);

struct OverviewProgress {
    std::size_t tensors_done = 0;
    std::size_t tensors_total = 0;
    std::int64_t parameters_done = 0;
    std::int64_t parameters_total = 0;
};

struct OverviewOptions {
    std::vector<QuantConfig> configs;  // at least one
    // Which tensors, as indices into Source::tensors(); empty: every tensor the overview does
    // not skip, in file order.
    std::vector<std::size_t> tensors;
    // Tensors in flight at once; 0: min(2, worker_count()).
    unsigned concurrency = 0;
    // Checked between tensors and inside each (CancelScope, QuantizeOptions::cancel); may be
    // null. Once set, run_overview stops and returns the rows finished so far.
    const std::atomic<bool>* cancel = nullptr;
    // Called once per finished row, in the order tensors finish, never two at once (from the
    // engine's threads); then `progress`. Either may be empty.
    std::function<void(const OverviewRow&)> on_row;
    std::function<void(const OverviewProgress&)> on_progress;
};

struct OverviewResult {
    std::vector<OverviewRow> rows;  // in file order
    // Tensors left out and why (overview_skip_reason), in file order.
    std::vector<std::pair<std::size_t, std::string>> skipped;
    bool cancelled = false;
};

// Throws UsageError for no configs, a config check_config refuses or a tensor index out of
// range; a tensor that fails to read gives a row with `error` set.
OverviewResult run_overview(const Source& source, const OverviewOptions& options);

// Worst first under config `config`: lower SQNR, then higher MSE (is_worse's order), rows with
// an error first, then file order.
bool overview_is_worse(const OverviewRow& a, const OverviewRow& b, std::size_t config);
void sort_overview_worst_first(std::vector<OverviewRow>& rows, std::size_t config = 0);

// The table as text, one line per row in the order given, the same columns for the CLI and the
// window's export: name, shape, dtype, parameters, layer, bytes before, then per config its
// SQNR, MSE, max abs error, clipped fraction, bytes after and, from the second config on, the
// SQNR difference to the first.
std::string overview_csv(const std::vector<OverviewRow>& rows,
                         const std::vector<QuantConfig>& configs);
// {"configs": [...], "totals": [...], "rows": [...]}; infinities as "inf" / "-inf".
std::string overview_json(const std::vector<OverviewRow>& rows,
                          const std::vector<QuantConfig>& configs);

}  // namespace quantscope
