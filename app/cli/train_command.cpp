// quantscope-cli train: the training demo (core's train/): PTQ against QAT over a list of weight
// configs, or weights stored in a low-precision float format updated with nearest against
// stochastic rounding.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli_support.h"
#include "quant_flags.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/quant/config_list.h"
#include "quantscope/train/ptq_qat.h"
#include "quantscope/train/update_comparison.h"

namespace quantscope::cli {

const std::string kTrainUsage =
    R"(Usage: quantscope-cli train [--formats LIST] [TASK] [TRAINING] [--csv|--json]
       quantscope-cli train --updates FORMAT [TASK] [TRAINING] [--csv|--json]

Train a small model (a two-layer MLP, 2 inputs, tanh hidden units, softmax) on a generated
classification task, seeded and deterministic (docs/design.md "Training demo").

PTQ against QAT (the default): the model is trained in float32, then for each config
  PTQ   its weight matrices are quantized under the config and it is evaluated as it is;
  QAT   it is fine-tuned with the forward pass on fake-quantized weights (the straight-through
        estimator passes the gradient to the float weights) and evaluated quantized.
Test accuracy and loss of each, one row per config.

  --formats LIST    the weight configs, ';'-separated as overview --configs (default
                    "int2; int3; int4; int5; int6; int7; int8; nf4; fp4_e2m1; mxfp4"); an item may
                    add words: "int4 per-channel; int4 block:16; nf4"
  --granularity G   --calibration C   --rounding R
                    the defaults of every item (per tensor, minmax, nearest-even)

Low-precision updates (--updates FORMAT, a float format: bf16, fp16, fp8_e4m3, fp8_e5m2...):
the same training with the weights stored in FORMAT, rounded after every step with
nearest-even and, separately, with stochastic rounding, beside float32. Per epoch: the mean
training loss of each run and the fraction of non-zero updates smaller than half an ULP of
the stored weight (the ones nearest rounding loses).

TASK:
  --task T          spiral (default) or blobs
  --classes N       classes (default 4)
  --samples N       points, training and test together (default 2400; a quarter is the test set)
  --noise X         Gaussian noise on each coordinate (default 0.03)
TRAINING:
  --seed N          the task's points, the initial weights and the batch order (default 1)
  --hidden N        hidden units (default 64)
  --epochs N        float training epochs (default 40)
  --lr X            SGD learning rate (default 0.1; momentum 0.9, batches of 32)
  --qat-epochs N    QAT fine-tuning epochs (default 20)
  --qat-lr X        QAT learning rate (default 0.02)

Output:
  --csv             PTQ/QAT: format,bits,ptq_accuracy,ptq_loss,qat_accuracy,qat_loss (a first
                    row fp32); updates: step,fp32_loss,nearest_loss,stochastic_loss,
                    nearest_vanishing,stochastic_vanishing
  --json            PTQ/QAT: {task, settings, fp32: {accuracy, loss}, points: [{format, config,
                    bits, ptq: {accuracy, loss}, qat: {accuracy, loss}}]}; updates: {task,
                    settings, format, runs: [{label, accuracy, loss, step_losses,
                    vanishing_fraction}]}
)";

namespace {

enum class Output { Text, Csv, Json };

int parse_count(const std::string& text, std::string_view flag, int low, int high) {
    const double v = parse_double(text, flag, kTrainUsage);
    if (v < low || v > high || std::floor(v) != v) {
        throw Usage{std::string(flag) + " needs a whole number from " + std::to_string(low) +
                        " to " + std::to_string(high) + ", got '" + text + "'",
                    kTrainUsage};
    }
    return static_cast<int>(v);
}

std::string percent(double fraction) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << 100 * fraction << " %";
    return s.str();
}

void write_task(JsonWriter& w, const TaskSpec& task, const TrainSettings& s) {
    w.key("task").begin_object();
    w.key("kind").value(to_string(task.kind));
    w.key("classes").value(task.classes);
    w.key("samples").value(task.samples);
    w.key("noise").value(task.noise);
    w.key("seed").value(static_cast<std::int64_t>(task.seed));
    w.end_object();
    w.key("settings").begin_object();
    w.key("hidden").value(s.hidden);
    w.key("epochs").value(s.epochs);
    w.key("batch_size").value(s.batch_size);
    w.key("learning_rate").value(s.learning_rate);
    w.key("momentum").value(s.momentum);
    w.key("qat_epochs").value(s.qat_epochs);
    w.key("qat_learning_rate").value(s.qat_learning_rate);
    w.end_object();
}

void write_evaluation(JsonWriter& w, std::string_view key, const Evaluation& e) {
    w.key(key).begin_object();
    w.key("accuracy").value(e.accuracy);
    w.key("loss").value(e.loss);
    w.end_object();
}

std::string describe_run(const TaskSpec& task, const TrainSettings& s) {
    const int test = static_cast<int>(std::lround(task.test_fraction * task.samples));
    return "task " + std::string(to_string(task.kind)) + ": " + std::to_string(task.classes) +
           " classes, " + std::to_string(task.samples - test) + " training / " +
           std::to_string(test) + " test points; MLP 2-" + std::to_string(s.hidden) + "-" +
           std::to_string(task.classes) + ", seed " + std::to_string(task.seed) + ", " +
           std::to_string(s.epochs) + " epochs";
}

int report_ptq_qat(const TaskSpec& task, const TrainSettings& s, const PtqQatResult& r,
                   Output output) {
    if (output == Output::Json) {
        JsonWriter w;
        w.begin_object();
        write_task(w, task, s);
        write_evaluation(w, "fp32", r.fp32);
        w.key("points").begin_array();
        for (const PtqQatPoint& p : r.points) {
            w.begin_object();
            w.key("format").value(p.label);
            w.key("config").value(config_label(p.config));
            w.key("bits").value(p.bits);
            write_evaluation(w, "ptq", p.ptq);
            write_evaluation(w, "qat", p.qat);
            w.end_object();
        }
        w.end_array();
        w.end_object();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    if (output == Output::Csv) {
        std::cout << "format,bits,ptq_accuracy,ptq_loss,qat_accuracy,qat_loss\n"
                  << "fp32,32," << format_number(r.fp32.accuracy) << ','
                  << format_number(r.fp32.loss) << ',' << format_number(r.fp32.accuracy) << ','
                  << format_number(r.fp32.loss) << '\n';
        for (const PtqQatPoint& p : r.points) {
            std::cout << '"' << config_label(p.config) << "\"," << p.bits << ','
                      << format_number(p.ptq.accuracy) << ',' << format_number(p.ptq.loss) << ','
                      << format_number(p.qat.accuracy) << ',' << format_number(p.qat.loss) << '\n';
        }
        return kExitOk;
    }
    std::cout << describe_run(task, s) << " (QAT: " << s.qat_epochs << " more)\n"
              << "fp32: test accuracy " << percent(r.fp32.accuracy) << ", loss "
              << format_number(r.fp32.loss, 4) << "\n\n";
    std::size_t width = 8;
    for (const PtqQatPoint& p : r.points) {
        width = std::max(width, config_label(p.config).size() + 2);
    }
    const int wd = static_cast<int>(width);
    std::cout << std::left << std::setw(wd) << "config" << std::right << std::setw(5) << "bits"
              << std::setw(11) << "PTQ acc" << std::setw(11) << "QAT acc" << std::setw(11)
              << "QAT-PTQ" << std::setw(11) << "PTQ loss" << std::setw(11) << "QAT loss" << '\n';
    for (const PtqQatPoint& p : r.points) {
        std::ostringstream gain;
        gain << std::showpos << std::fixed << std::setprecision(1)
             << 100 * (p.qat.accuracy - p.ptq.accuracy);
        std::cout << std::left << std::setw(wd) << config_label(p.config) << std::right
                  << std::setw(5) << p.bits << std::setw(11) << percent(p.ptq.accuracy)
                  << std::setw(11) << percent(p.qat.accuracy) << std::setw(11) << gain.str()
                  << std::setw(11) << format_number(p.ptq.loss, 4) << std::setw(11)
                  << format_number(p.qat.loss, 4) << '\n';
    }
    return kExitOk;
}

double epoch_mean(const std::vector<double>& per_step, std::size_t begin, std::size_t end) {
    double sum = 0;
    for (std::size_t i = begin; i < end && i < per_step.size(); ++i) {
        sum += per_step[i];
    }
    return end > begin ? sum / static_cast<double>(end - begin) : 0.0;
}

int report_updates(const TaskSpec& task, const TrainSettings& s, const UpdateComparison& r,
                   Output output) {
    const UpdateRun* runs[3] = {&r.fp32, &r.nearest, &r.stochastic};
    if (output == Output::Json) {
        JsonWriter w;
        w.begin_object();
        write_task(w, task, s);
        w.key("format").value(r.format);
        w.key("runs").begin_array();
        for (const UpdateRun* run : runs) {
            w.begin_object();
            w.key("label").value(run->label);
            w.key("accuracy").value(run->final.accuracy);
            w.key("loss").value(run->final.loss);
            w.key("step_losses").begin_array();
            for (double v : run->step_losses) {
                w.value(v);
            }
            w.end_array();
            w.key("vanishing_fraction").begin_array();
            for (double v : run->vanishing_fraction) {
                w.value(v);
            }
            w.end_array();
            w.end_object();
        }
        w.end_array();
        w.end_object();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    const std::size_t steps = r.fp32.step_losses.size();
    if (output == Output::Csv) {
        std::cout << "step,fp32_loss,nearest_loss,stochastic_loss,nearest_vanishing,"
                     "stochastic_vanishing\n";
        for (std::size_t i = 0; i < steps; ++i) {
            std::cout << i + 1 << ',' << format_number(r.fp32.step_losses[i]) << ','
                      << format_number(r.nearest.step_losses[i]) << ','
                      << format_number(r.stochastic.step_losses[i]) << ','
                      << format_number(r.nearest.vanishing_fraction[i]) << ','
                      << format_number(r.stochastic.vanishing_fraction[i]) << '\n';
        }
        return kExitOk;
    }
    std::cout << describe_run(task, s) << "\nweights stored in " << r.format
              << ", rounded after every step\n\n";
    for (const UpdateRun* run : runs) {
        std::cout << std::left << std::setw(24) << run->label << std::right << "test accuracy "
                  << std::setw(7) << percent(run->final.accuracy) << ", loss "
                  << format_number(run->final.loss, 4);
        if (!run->vanishing_fraction.empty()) {
            std::cout << ", updates below half an ULP "
                      << percent(epoch_mean(run->vanishing_fraction, 0,
                                            run->vanishing_fraction.size()));
        }
        std::cout << '\n';
    }
    std::cout << "\nmean training loss per epoch; vanishing: updates below half an ULP\n"
              << std::setw(6) << "epoch" << std::setw(10) << "fp32" << std::setw(10) << "nearest"
              << std::setw(12) << "stochastic" << std::setw(11) << "vanishing" << '\n';
    const std::size_t per_epoch = r.fp32.epochs.empty() ? 0 : steps / r.fp32.epochs.size();
    for (std::size_t e = 0; e < r.fp32.epochs.size(); ++e) {
        const std::size_t begin = e * per_epoch;
        const std::size_t end = begin + per_epoch;
        std::cout << std::setw(6) << e + 1 << std::setw(10)
                  << format_number(r.fp32.epochs[e].train_loss, 4) << std::setw(10)
                  << format_number(r.nearest.epochs[e].train_loss, 4) << std::setw(12)
                  << format_number(r.stochastic.epochs[e].train_loss, 4) << std::setw(11)
                  << percent(epoch_mean(r.nearest.vanishing_fraction, begin, end)) << '\n';
    }
    return kExitOk;
}

}  // namespace

int run_train(const std::vector<std::string_view>& args) {
    TaskSpec task;
    TrainSettings settings;
    Output output = Output::Text;
    std::optional<std::string> formats;
    std::optional<std::string> updates;
    ConfigFieldValues base_fields;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kTrainUsage;
            return kExitOk;
        }
        if (a == "--json") {
            output = Output::Json;
        } else if (a == "--csv") {
            output = Output::Csv;
        } else if (a == "--formats") {
            formats = next_value(args, i, kTrainUsage);
        } else if (a == "--updates") {
            updates = next_value(args, i, kTrainUsage);
        } else if (a == "--task") {
            const std::string name = next_value(args, i, kTrainUsage);
            const auto kind = parse_task_kind(name);
            if (!kind) {
                throw Usage{"unknown task '" + name + "' (known: spiral, blobs)", kTrainUsage};
            }
            task.kind = *kind;
        } else if (a == "--classes") {
            task.classes = parse_count(next_value(args, i, kTrainUsage), a, 2, 64);
        } else if (a == "--samples") {
            task.samples = parse_count(next_value(args, i, kTrainUsage), a, 4, 1000000);
        } else if (a == "--noise") {
            task.noise = parse_double(next_value(args, i, kTrainUsage), a, kTrainUsage);
        } else if (a == "--seed") {
            task.seed = static_cast<std::uint64_t>(
                parse_count(next_value(args, i, kTrainUsage), a, 0, 2147483647));
            settings.seed = task.seed;
        } else if (a == "--hidden") {
            settings.hidden = parse_count(next_value(args, i, kTrainUsage), a, 1, 4096);
        } else if (a == "--epochs") {
            settings.epochs = parse_count(next_value(args, i, kTrainUsage), a, 1, 10000);
        } else if (a == "--qat-epochs") {
            settings.qat_epochs = parse_count(next_value(args, i, kTrainUsage), a, 1, 10000);
        } else if (a == "--lr") {
            settings.learning_rate = parse_double(next_value(args, i, kTrainUsage), a, kTrainUsage);
        } else if (a == "--qat-lr") {
            settings.qat_learning_rate =
                parse_double(next_value(args, i, kTrainUsage), a, kTrainUsage);
        } else if (take_config_flag(args, i, kTrainUsage, base_fields,
                                    {"granularity", "calibration", "rounding"})) {
        } else {
            throw Usage{"unknown option " + std::string(a), kTrainUsage};
        }
    }
    if (!(settings.learning_rate > 0) || !(settings.qat_learning_rate > 0)) {
        throw Usage{"--lr and --qat-lr need a number above 0", kTrainUsage};
    }
    if (updates) {
        if (formats || !base_fields.empty()) {
            throw Usage{
                "--updates compares roundings of stored weights; --formats and the "
                "quantization flags belong to PTQ against QAT",
                kTrainUsage};
        }
        const Format format = parse_or_usage([&] { return parse_format(*updates); }, kTrainUsage);
        if (format.as_float() == nullptr) {
            throw Usage{"--updates needs a float format (bf16, fp16, fp8_e4m3, fp8_e5m2...), not " +
                            format.name(),
                        kTrainUsage};
        }
        const UpdateComparison r = parse_or_usage(
            [&] { return run_update_comparison(task, settings, format); }, kTrainUsage);
        return report_updates(task, settings, r, output);
    }
    const QuantConfig base =
        base_fields.empty() ? default_training_base() : config_from_flags(base_fields, kTrainUsage);
    std::string list;
    for (const std::string& name : default_training_formats()) {
        list += (list.empty() ? "" : "; ") + name;
    }
    const std::vector<QuantConfig> configs = parse_or_usage(
        [&] { return parse_config_list(formats.value_or(list), base); }, kTrainUsage);
    const PtqQatResult r =
        parse_or_usage([&] { return run_ptq_qat(task, settings, configs); }, kTrainUsage);
    return report_ptq_qat(task, settings, r, output);
}

}  // namespace quantscope::cli
