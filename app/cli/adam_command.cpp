// adam: the demo model trained with Adam, its moments stored in FP32, linear int8 and the
// dynamic map (core's adam_comparison.h): the loss, the state errors and the bytes of each.

#include <cmath>
#include <iomanip>
#include <iostream>

#include "cli_support.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/train/adam_comparison.h"

namespace quantscope::cli {

const std::string kAdamUsage =
    R"(Usage: quantscope-cli adam [--epochs N] [--seed S] [--lr LR] [--task blobs|spiral] [--json|--csv]

The training demo's MLP trained three times with Adam on the same batches from the same
weights, its two moments stored between steps in FP32, as linear int8 (m int8, v uint8, absmax
per block of 2048) and as 8-bit Adam's dynamic map (m dynamic8, v udynamic8, absmax per block of
2048). Each step dequantizes the state, updates it with the gradient, moves the weights with the
updated float state and requantizes it, as bitsandbytes' 8-bit Adam does.

Per run: the last batch's loss, the test accuracy, and the mean over steps of
  m error, v error   relative RMS of storing the moment: sqrt(sum (x - stored)^2 / sum x^2),
                     x the float state the step computed
  v zeroed           the fraction of non-zero v stored as 0 (the update then divides m by eps)
  m drift, v drift   the stored state against a float copy fed the same gradients, never
                     quantized (relative RMS)
and the bytes m and v take: 8 per parameter in FP32; in 8 bits 2 per parameter plus one FP32
absmax per block of 2048 values of each tensor, for each moment.

Options:
  --epochs N            epochs of 57 batches of 32 (default 6: 342 steps)
  --seed S              the task's points, the initial weights and the batch order (default 1)
  --lr LR               Adam's learning rate (default 0.003; b1 0.9, b2 0.999, eps 1e-8)
  --task blobs|spiral   the generated task (default blobs: 4 Gaussian clusters)
  --csv                 one row per run and step: step, states, loss, m_error, v_error,
                        v_zeroed, m_drift, v_drift
  --json                {"task", "epochs", "steps", "learning_rate", "seed", "parameters",
                        "runs": [{"states", "label", "final_loss", "test_accuracy", "test_loss",
                        "m_error", "v_error", "v_zeroed", "m_drift", "v_drift", "state_bytes",
                        "bytes_per_parameter", "loss": [...], "m_error_steps": [...],
                        "v_error_steps": [...], "v_zeroed_steps": [...]}]}
)";

namespace {

void write_series(JsonWriter& w, std::string_view key, const std::vector<double>& series) {
    w.key(key).begin_array();
    for (const double v : series) {
        w.value(v);
    }
    w.end_array();
}

}  // namespace

int run_adam(const std::vector<std::string_view>& args) {
    TaskSpec task = adam_demo_task();
    TrainSettings settings = adam_demo_settings();
    AdamSettings adam = adam_demo_optimizer();
    bool json = false;
    bool csv = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kAdamUsage;
            return kExitOk;
        }
        if (a == "--json") {
            json = true;
        } else if (a == "--csv") {
            csv = true;
        } else if (a == "--epochs") {
            const double e = parse_double(next_value(args, i, kAdamUsage), "--epochs", kAdamUsage);
            if (e < 1 || e > 1000 || std::floor(e) != e) {
                throw Usage{"--epochs needs a whole number from 1 to 1000", kAdamUsage};
            }
            settings.epochs = static_cast<int>(e);
        } else if (a == "--seed") {
            const double s = parse_double(next_value(args, i, kAdamUsage), "--seed", kAdamUsage);
            if (s < 0 || s > 9007199254740992.0 || std::floor(s) != s) {
                throw Usage{"--seed needs a whole number of at least 0", kAdamUsage};
            }
            task.seed = static_cast<std::uint64_t>(s);
            settings.seed = task.seed;
        } else if (a == "--lr") {
            adam.learning_rate = parse_double(next_value(args, i, kAdamUsage), "--lr", kAdamUsage);
            if (!(adam.learning_rate > 0)) {
                throw Usage{"--lr needs a number above 0", kAdamUsage};
            }
            settings.learning_rate = adam.learning_rate;
        } else if (a == "--task") {
            const std::string name = next_value(args, i, kAdamUsage);
            const auto kind = parse_task_kind(name);
            if (!kind) {
                throw Usage{"unknown task '" + name + "' (known: blobs, spiral)", kAdamUsage};
            }
            task.kind = *kind;
        } else {
            throw Usage{"unknown option " + std::string(a), kAdamUsage};
        }
    }
    if (json && csv) {
        throw Usage{"--json and --csv exclude each other", kAdamUsage};
    }
    const AdamComparison result =
        parse_or_usage([&] { return run_adam_comparison(task, settings, adam); }, kAdamUsage);
    const std::size_t steps = result.runs.empty() ? 0 : result.runs[0].step_losses.size();

    if (csv) {
        std::cout << "step,states,loss,m_error,v_error,v_zeroed,m_drift,v_drift\n";
        for (const AdamRun& run : result.runs) {
            for (std::size_t t = 0; t < run.step_losses.size(); ++t) {
                std::cout << t + 1 << ',' << to_string(run.format) << ','
                          << format_number(run.step_losses[t], 9) << ','
                          << format_number(run.first_error[t], 6) << ','
                          << format_number(run.second_error[t], 6) << ','
                          << format_number(run.second_zeroed[t], 6) << ','
                          << format_number(run.first_drift[t], 6) << ','
                          << format_number(run.second_drift[t], 6) << '\n';
            }
        }
        return kExitOk;
    }
    if (json) {
        JsonWriter w;
        w.begin_object();
        w.key("task").value(to_string(task.kind));
        w.key("epochs").value(settings.epochs);
        w.key("steps").value(static_cast<std::int64_t>(steps));
        w.key("learning_rate").value(adam.learning_rate);
        w.key("seed").value(static_cast<std::int64_t>(task.seed));
        w.key("parameters").value(result.runs.empty() ? 0 : result.runs[0].parameters);
        w.key("runs").begin_array();
        for (const AdamRun& run : result.runs) {
            w.begin_object();
            w.key("states").value(to_string(run.format));
            w.key("label").value(state_format_label(run.format));
            w.key("final_loss").value(run.step_losses.empty() ? 0.0 : run.step_losses.back());
            w.key("test_accuracy").value(run.final.accuracy);
            w.key("test_loss").value(run.final.loss);
            w.key("m_error").value(AdamRun::mean(run.first_error));
            w.key("v_error").value(AdamRun::mean(run.second_error));
            w.key("v_zeroed").value(AdamRun::mean(run.second_zeroed));
            w.key("m_drift").value(AdamRun::mean(run.first_drift));
            w.key("v_drift").value(AdamRun::mean(run.second_drift));
            w.key("state_bytes").value(run.state_bytes);
            w.key("bytes_per_parameter").value(run.bytes_per_parameter());
            write_series(w, "loss", run.step_losses);
            write_series(w, "m_error_steps", run.first_error);
            write_series(w, "v_error_steps", run.second_error);
            write_series(w, "v_zeroed_steps", run.second_zeroed);
            w.end_object();
        }
        w.end_array();
        w.end_object();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    std::cout << "task              " << to_string(task.kind) << ", " << steps << " steps ("
              << settings.epochs << " epochs), Adam lr " << format_number(adam.learning_rate)
              << ", seed " << task.seed << '\n'
              << "parameters        " << (result.runs.empty() ? 0 : result.runs[0].parameters)
              << " (MLP " << mlp_shape(make_task(task), settings).inputs << "-" << settings.hidden
              << "-" << task.classes << ")\n"
              << "errors            mean over the steps; relative RMS of the stored state\n\n";
    std::cout << std::left << std::setw(13) << "states" << std::right << std::setw(11)
              << "final loss" << std::setw(10) << "accuracy" << std::setw(10) << "m error"
              << std::setw(10) << "v error" << std::setw(10) << "v zeroed" << std::setw(10)
              << "m drift" << std::setw(10) << "v drift" << std::setw(12) << "state bytes"
              << std::setw(12) << "bytes/param" << '\n';
    for (const AdamRun& run : result.runs) {
        std::cout << std::left << std::setw(13) << state_format_label(run.format) << std::right
                  << std::setw(11)
                  << format_number(run.step_losses.empty() ? 0.0 : run.step_losses.back(), 4)
                  << std::setw(10) << format_number(run.final.accuracy, 4) << std::setw(10)
                  << format_number(AdamRun::mean(run.first_error), 3) << std::setw(10)
                  << format_number(AdamRun::mean(run.second_error), 3) << std::setw(10)
                  << format_number(AdamRun::mean(run.second_zeroed), 3) << std::setw(10)
                  << format_number(AdamRun::mean(run.first_drift), 3) << std::setw(10)
                  << format_number(AdamRun::mean(run.second_drift), 3) << std::setw(12)
                  << run.state_bytes << std::setw(12) << format_number(run.bytes_per_parameter(), 5)
                  << '\n';
    }
    return kExitOk;
}

}  // namespace quantscope::cli
