
#include "quantscope/common/json_writer.h"
#include "quantscope/common/text.h"
#include "quantscope/model/model_overview.h"
#include "quantscope/quant/config_list.h"
#include "quantscope/quant/metric_descriptors.h"

// The overview table as CSV and JSON: the one writer behind the CLI's output and the window's
// export, so that both give the same rows.

namespace quantscope {
namespace {

// The per-config columns of the table: the metrics the overview shows.
constexpr std::string_view kCellMetrics[] = {"sqnr_db", "mse", "max_abs_error", "clipped_fraction"};

double metric_value(const Metrics& m, std::string_view key) {
    return find_metric(key)->value(m);
}

// The SQNR difference to the first config; 0 when both are the same infinity.
double sqnr_delta(const OverviewRow& row, std::size_t config) {
    const double a = row.cells[config].metrics.sqnr_db;
    const double b = row.cells[0].metrics.sqnr_db;
    return a == b ? 0.0 : a - b;
}

}  // namespace

std::string overview_csv(const std::vector<OverviewRow>& rows,
                         const std::vector<QuantConfig>& configs) {
    std::string out = "tensor,shape,dtype,parameters,layer,bytes_before";
    const bool several = configs.size() > 1;
    for (std::size_t c = 0; c < configs.size(); ++c) {
        const std::string suffix = several ? "@" + config_label(configs[c]) : std::string();
        for (const std::string_view key : kCellMetrics) {
            out += "," + csv_field(std::string(key) + suffix);
        }
        out += "," + csv_field("bytes_after" + suffix);
        if (c > 0) {
            out += "," + csv_field("delta_sqnr_db" + suffix);
        }
    }
    out += ",note\n";
    for (const OverviewRow& row : rows) {
        out += csv_field(valid_utf8(row.name)) + "," + csv_field(shape_to_string(row.shape)) + "," +
               csv_field(row.dtype) + "," + std::to_string(row.parameters) + "," +
               (row.layer ? std::to_string(*row.layer) : std::string()) + "," +
               std::to_string(row.bytes_before);
        std::string note = row.error;
        for (std::size_t c = 0; c < configs.size(); ++c) {
            const bool have = c < row.cells.size();
            for (const std::string_view key : kCellMetrics) {
                out += "," + (have ? exact_number_text(metric_value(row.cells[c].metrics, key))
                                   : std::string());
            }
            out += "," + (have ? std::to_string(row.cells[c].storage.bytes) : std::string());
            if (c > 0) {
                out += "," + (have ? exact_number_text(sqnr_delta(row, c)) : std::string());
            }
            if (have && !row.cells[c].note.empty() && note.empty()) {
                note = row.cells[c].note;
            }
        }
        out += "," + csv_field(valid_utf8(note)) + "\n";
    }
    return out;
}

std::string overview_json(const std::vector<OverviewRow>& rows,
                          const std::vector<QuantConfig>& configs) {
    JsonWriter w;
    w.begin_object();
    w.key("configs").begin_array();
    for (std::size_t c = 0; c < configs.size(); ++c) {
        const OverviewTotals totals = overview_totals(rows, c);
        w.begin_object();
        w.key("label").value(config_label(configs[c]));
        w.key("description").value(describe(configs[c]));
        w.key("tensors").value(static_cast<std::int64_t>(totals.tensors));
        w.key("parameters").value(totals.parameters);
        w.key("bytes_before").value(totals.bytes_before);
        w.key("bytes_after").value(totals.bytes_after);
        w.key("model_sqnr_db").value(totals.model_sqnr_db);
        w.end_object();
    }
    w.end_array();
    w.key("rows").begin_array();
    for (const OverviewRow& row : rows) {
        w.begin_object();
        w.key("tensor").value(row.name);
        w.key("shape").begin_array();
        for (const std::int64_t d : row.shape) {
            w.value(d);
        }
        w.end_array();
        w.key("dtype").value(row.dtype);
        w.key("parameters").value(row.parameters);
        w.key("layer");
        if (row.layer) {
            w.value(*row.layer);
        } else {
            w.null();
        }
        w.key("bytes_before").value(row.bytes_before);
        if (!row.error.empty()) {
            w.key("error").value(row.error);
        }
        w.key("results").begin_array();
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            const OverviewCell& cell = row.cells[c];
            w.begin_object();
            w.key("config").value(config_label(cell.config));
            for (const std::string_view key : kCellMetrics) {
                w.key(key).value(metric_value(cell.metrics, key));
            }
            w.key("bytes_after").value(cell.storage.bytes);
            w.key("bits_per_value").value(cell.storage.bits_per_value);
            if (c > 0) {
                w.key("delta_sqnr_db").value(sqnr_delta(row, c));
            }
            if (!cell.note.empty()) {
                w.key("note").value(cell.note);
            }
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.text() + "\n";
}

}  // namespace quantscope
