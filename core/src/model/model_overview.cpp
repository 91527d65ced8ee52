#include "quantscope/model/model_overview.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <mutex>
#include <new>
#include <thread>

#include "core_gate.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "quantscope/quant/ggml_config.h"
#include "quantscope/quant/quantizer.h"
#include "quantscope/quant/sweep.h"

// The streaming engine: workers take tensors in file order, read one, quantize it under each
// config, keep only the numbers and drop the values before taking the next.

namespace quantscope {

std::optional<std::int64_t> layer_index(std::string_view tensor_name) {
    std::size_t start = 0;
    while (start <= tensor_name.size()) {
        const std::size_t dot = tensor_name.find('.', start);
        const std::size_t end = dot == std::string_view::npos ? tensor_name.size() : dot;
        const std::string_view part = tensor_name.substr(start, end - start);
        std::int64_t value = 0;
        if (!part.empty() &&
            std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
            if (ec == std::errc() && ptr == part.data() + part.size()) {
                return value;
            }
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return std::nullopt;
}

std::string overview_skip_reason(const Source& source, std::size_t index) {
    const TensorInfo& info = source.tensors().at(index);
    if (!source.readable(index)) {
        const std::string& note = source.note(index);
        return note.empty() ? std::string("cannot be read") : note;
    }
    if (is_integer_dtype(info.dtype)) {
        return "integer dtype " + info.dtype + ": not quantized";
    }
    if (info.count == 0) {
        return "no values";
    }
    return {};
}

OverviewTotals overview_totals(const std::vector<OverviewRow>& rows, std::size_t config) {
    OverviewTotals totals;
    ModelSqnr sqnr;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const OverviewRow& row = rows[r];
        if (!row.error.empty() || config >= row.cells.size()) {
            continue;
        }
        const OverviewCell& cell = row.cells[config];
        ++totals.tensors;
        totals.parameters += row.parameters;
        totals.bytes_before += row.bytes_before;
        totals.bytes_after += cell.storage.bytes;
        sqnr.add(cell.metrics.sqnr_db, row.parameters);
        if (!totals.worst || overview_is_worse(row, rows[*totals.worst], config)) {
            totals.worst = r;
        }
    }
    totals.model_sqnr_db = sqnr.db();
    return totals;
}

bool overview_is_worse(const OverviewRow& a, const OverviewRow& b, std::size_t config) {
    const bool a_failed = !a.error.empty() || config >= a.cells.size();
    const bool b_failed = !b.error.empty() || config >= b.cells.size();
    if (a_failed != b_failed) {
        return a_failed;
    }
    if (!a_failed) {
        // is_worse's order, the one every table of results uses.
        SweepRow ra;
        SweepRow rb;
        ra.metrics = a.cells[config].metrics;
        rb.metrics = b.cells[config].metrics;
        if (is_worse(ra, rb)) {
            return true;
        }
        if (is_worse(rb, ra)) {
            return false;
        }
    }
    return a.tensor < b.tensor;
}

void sort_overview_worst_first(std::vector<OverviewRow>& rows, std::size_t config) {
    std::stable_sort(rows.begin(), rows.end(),
                     [config](const OverviewRow& a, const OverviewRow& b) {
                         return overview_is_worse(a, b, config);
                     });
}

namespace {

// One tensor under every config. Cancelled propagates; any other failure becomes row.error.
OverviewRow evaluate_tensor(const Source& source, std::size_t index, const OverviewOptions& options,
                            detail::CoreGate& gate) {
    const TensorInfo& info = source.tensors()[index];
    OverviewRow row;
    row.tensor = index;
    row.name = info.name;
    row.dtype = info.dtype;
    row.shape = info.shape;
    row.parameters = info.count;
    row.bytes_before = info.bytes;
    row.layer = layer_index(info.name);
    try {
        const Tensor tensor = source.read(index);
        const bool large = tensor.values.size() >= kParallelThreshold;
        const detail::GatePass pass(gate, large);
        const ValueSummary summary = summarize_values(tensor.values);
        row.cells.reserve(options.configs.size());
        for (const QuantConfig& given : options.configs) {
            OverviewCell cell;
            cell.config = ggml_config_for_shape(given, info.shape, &cell.note);
            if (std::string problem = granularity_problem(cell.config.granularity, info.shape);
                !problem.empty()) {
                cell.config.granularity = {};
                cell.note = problem + "; quantized per tensor instead";
            }
            const QuantResult result = quantize(tensor.values, info.shape, cell.config,
                                                {.cancel = options.cancel}, summary);
            cell.metrics = result.metrics;
            cell.storage = result.storage;
            row.cells.push_back(std::move(cell));
        }
    } catch (const Cancelled&) {
        throw;
    } catch (const std::bad_alloc&) {
        row.cells.clear();
        row.error = source.path() + ": tensor '" + info.name + "' (" + std::to_string(info.count) +
                    " values) does not fit in memory";
    } catch (const Error& e) {
        row.cells.clear();
        row.error = e.what();
    }
    return row;
}

}  // namespace

OverviewResult run_overview(const Source& source, const OverviewOptions& options) {
    if (options.configs.empty()) {
        throw UsageError("the overview needs at least one config");
    }
    for (const QuantConfig& config : options.configs) {
        check_config(config);
    }
    OverviewResult result;
    std::vector<std::size_t> wanted = options.tensors;
    if (wanted.empty()) {
        for (std::size_t i = 0; i < source.tensors().size(); ++i) {
            wanted.push_back(i);
        }
    }
    std::vector<std::size_t> indices;
    OverviewProgress progress;
    for (const std::size_t index : wanted) {
        if (index >= source.tensors().size()) {
            throw UsageError("tensor index " + std::to_string(index) + " out of range (" +
                             source.path() + " has " + std::to_string(source.tensors().size()) +
                             " tensors)");
        }
        if (std::string reason = overview_skip_reason(source, index); !reason.empty()) {
            result.skipped.emplace_back(index, std::move(reason));
        } else {
            indices.push_back(index);
            progress.parameters_total += source.tensors()[index].count;
        }
    }
    progress.tensors_total = indices.size();

    std::vector<std::optional<OverviewRow>> rows(indices.size());
    std::mutex mutex;  // guards rows, progress, `failure` and the callbacks
    std::exception_ptr failure;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    detail::CoreGate gate;
    auto cancelled = [&] {
        return stop.load() || (options.cancel != nullptr && options.cancel->load());
    };
    auto work = [&] {
        const CancelScope scope(options.cancel);
        while (!cancelled()) {
            const std::size_t k = next.fetch_add(1);
            if (k >= indices.size()) {
                return;
            }
            try {
                OverviewRow row = evaluate_tensor(source, indices[k], options, gate);
                const std::lock_guard<std::mutex> lock(mutex);
                ++progress.tensors_done;
                progress.parameters_done += row.parameters;
                rows[k] = std::move(row);
                if (options.on_row) {
                    options.on_row(*rows[k]);
                }
                if (options.on_progress) {
                    options.on_progress(progress);
                }
            } catch (const Cancelled&) {
                return;
            } catch (...) {
                const std::lock_guard<std::mutex> lock(mutex);
                if (!failure) {
                    failure = std::current_exception();
                }
                stop = true;
                return;
            }
        }
    };
    const unsigned wanted_threads =
        options.concurrency != 0 ? options.concurrency : std::min(2u, worker_count());
    const std::size_t threads =
        std::max<std::size_t>(1, std::min<std::size_t>(wanted_threads, indices.size()));
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < threads; ++t) {
        try {
            helpers.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // fewer threads: the caller's does the rest
        }
    }
    work();
    for (std::thread& t : helpers) {
        t.join();
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    for (std::optional<OverviewRow>& row : rows) {
        if (row) {
            result.rows.push_back(std::move(*row));
        }
    }
    result.cancelled = result.rows.size() < indices.size();
    return result;
}

}  // namespace quantscope
