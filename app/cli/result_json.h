#pragma once
// How the CLI writes what it read and computed as JSON: shapes, configs, metrics, group
// summaries, storage, notes and metadata, each in one place for every command that prints it.

#include <string>
#include <utility>
#include <vector>

#include "quantscope/common/json_writer.h"
#include "quantscope/common/tensor.h"
#include "quantscope/quant/group_summary.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::cli {

void write_shape(JsonWriter& w, const Shape& shape);
// Every field of config_fields(), in its text form (numbers as JSON numbers).
void write_config(JsonWriter& w, const QuantConfig& c);
// QuantResult::notes: an array of sentences.
void write_notes(JsonWriter& w, const std::vector<std::string>& notes);
// Every metric of metric_descriptors(), KL's sampling floor beside it, and the NaN and Inf counts.
void write_metrics(JsonWriter& w, const Metrics& m);
// The keys scale_summary and zero_point_summary of the group parameters (group_summary.h).
void write_group_summary(JsonWriter& w, const GroupSummary& s);
void write_storage(JsonWriter& w, const Storage& s);
// metadata: {KEY: VALUE} in file order; a key the file repeats maps to the list of its values
// (GGUF and ONNX metadata_props may repeat keys, and JSON objects must not).
void write_metadata(JsonWriter& w, const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace quantscope::cli
