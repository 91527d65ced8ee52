#include "quantscope/plan/plan_io.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "../io/json.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/common/text.h"
#include "quantscope/io/load_error.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope {

std::string plan_to_json(const Plan& plan, const std::vector<PlanCurvePoint>& curve) {
    JsonWriter w;
    w.begin_object();
    w.key("objective").value(to_string(plan.objective));
    w.key("budget_bytes").value(plan.budget_bytes);
    w.key("total_bytes").value(plan.total_bytes);
    w.key("total_parameters").value(plan.total_parameters);
    w.key("min_bytes").value(plan.min_bytes);
    w.key("model_sqnr_db").value(plan.model_sqnr_db);
    w.key("worst_sqnr_db").value(plan.worst_sqnr_db);
    w.key("gap_db").value(plan.gap_db);
    w.key("exact").value(plan.exact);
    w.key("method").value(plan.method);
    w.key("configs").begin_array();
    for (const std::string& c : plan.configs) {
        w.value(c);
    }
    w.end_array();
    w.key("keep").begin_array();
    for (const KeepRule& k : plan.keep) {
        w.begin_object().key("pattern").value(k.pattern).key("config").value(k.config);
        w.end_object();
    }
    w.end_array();
    w.key("tensors").begin_array();
    for (const PlanEntry& e : plan.entries) {
        w.begin_object();
        w.key("name").value(e.tensor);
        w.key("parameters").value(e.parameters);
        w.key("config").value(e.config);
        w.key("bytes").value(e.bytes);
        w.key("sqnr_db").value(e.sqnr_db);
        w.key("mse").value(e.mse);
        w.key("kept").value(e.kept);
        w.end_object();
    }
    w.end_array();
    if (!curve.empty()) {
        w.key("curve").begin_array();
        for (const PlanCurvePoint& p : curve) {
            w.begin_object();
            w.key("budget_bytes").value(p.budget_bytes);
            w.key("total_bytes").value(p.total_bytes);
            w.key("model_sqnr_db").value(p.model_sqnr_db);
            w.key("worst_sqnr_db").value(p.worst_sqnr_db);
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
    return w.text() + "\n";
}

namespace {

class Reader {
public:
    explicit Reader(const std::string& file) : file_(file) {}

    [[noreturn]] void fail(const JsonValue& at, const std::string& problem) const {
        throw LoadError(file_, at.offset, problem);
    }

    const JsonValue& member(const JsonValue& object, std::string_view key) const {
        const JsonValue* v = object.find(key);
        if (v == nullptr) {
            fail(object, "plan: missing \"" + std::string(key) + "\"");
        }
        return *v;
    }

    std::string text(const JsonValue& object, std::string_view key) const {
        const JsonValue& v = member(object, key);
        if (v.kind != JsonValue::Kind::String) {
            fail(v, "plan: \"" + std::string(key) + "\" is not a string");
        }
        return v.text;
    }

    std::int64_t integer(const JsonValue& object, std::string_view key) const {
        const JsonValue& v = member(object, key);
        const std::optional<std::int64_t> n =
            v.kind == JsonValue::Kind::Number ? v.integer() : std::nullopt;
        if (!n || *n < 0) {
            fail(v, "plan: \"" + std::string(key) + "\" is not a non-negative integer");
        }
        return *n;
    }

    // A number, or "inf", "-inf" as the writer puts infinities.
    double number(const JsonValue& object, std::string_view key) const {
        const JsonValue& v = member(object, key);
        if (v.kind == JsonValue::Kind::String && (v.text == "inf" || v.text == "-inf")) {
            return v.text == "inf" ? std::numeric_limits<double>::infinity()
                                   : -std::numeric_limits<double>::infinity();
        }
        double d = 0;
        if (v.kind == JsonValue::Kind::Number) {
            const auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), d);
            if (ec == std::errc() && end == v.text.data() + v.text.size() && std::isfinite(d)) {
                return d;
            }
        }
        fail(v, "plan: \"" + std::string(key) + "\" is not a number");
    }

    bool flag(const JsonValue& object, std::string_view key) const {
        const JsonValue& v = member(object, key);
        if (v.kind != JsonValue::Kind::Bool) {
            fail(v, "plan: \"" + std::string(key) + "\" is not true or false");
        }
        return v.boolean;
    }

    const JsonValue& array(const JsonValue& object, std::string_view key) const {
        const JsonValue& v = member(object, key);
        if (v.kind != JsonValue::Kind::Array) {
            fail(v, "plan: \"" + std::string(key) + "\" is not an array");
        }
        return v;
    }

    void object(const JsonValue& v, std::string_view what) const {
        if (v.kind != JsonValue::Kind::Object) {
            fail(v, "plan: " + std::string(what) + " is not an object");
        }
    }

private:
    const std::string& file_;
};

}  // namespace

Plan plan_from_json(std::string_view text, const std::string& file) {
    const JsonValue root = parse_json(text, file, 0);
    const Reader r(file);
    r.object(root, "the file");
    Plan plan;
    const std::string objective = r.text(root, "objective");
    if (objective != "weighted" && objective != "worst") {
        r.fail(r.member(root, "objective"), "plan: unknown objective '" + objective + "'");
    }
    plan.objective = parse_plan_objective(objective);
    plan.budget_bytes = r.integer(root, "budget_bytes");
    plan.total_bytes = r.integer(root, "total_bytes");
    plan.total_parameters = r.integer(root, "total_parameters");
    plan.min_bytes = r.integer(root, "min_bytes");
    plan.model_sqnr_db = r.number(root, "model_sqnr_db");
    plan.worst_sqnr_db = r.number(root, "worst_sqnr_db");
    plan.gap_db = r.number(root, "gap_db");
    plan.exact = r.flag(root, "exact");
    plan.method = r.text(root, "method");
    for (const JsonValue& c : r.array(root, "configs").items) {
        if (c.kind != JsonValue::Kind::String) {
            r.fail(c, "plan: a config is not a string");
        }
        plan.configs.push_back(c.text);
    }
    for (const JsonValue& k : r.array(root, "keep").items) {
        r.object(k, "a keep rule");
        plan.keep.push_back({r.text(k, "pattern"), r.text(k, "config")});
    }
    std::int64_t bytes = 0;
    std::int64_t parameters = 0;
    for (const JsonValue& t : r.array(root, "tensors").items) {
        r.object(t, "a tensor");
        PlanEntry e;
        e.tensor = r.text(t, "name");
        e.parameters = r.integer(t, "parameters");
        e.config = r.text(t, "config");
        e.bytes = r.integer(t, "bytes");
        e.sqnr_db = r.number(t, "sqnr_db");
        e.mse = r.number(t, "mse");
        e.kept = r.flag(t, "kept");
        // Sums past 2^62 cannot come from a real model; refusing them keeps the sums defined.
        if (e.bytes > (std::int64_t{1} << 62) - bytes ||
            e.parameters > (std::int64_t{1} << 62) - parameters) {
            r.fail(t, "plan: the totals overflow");
        }
        bytes += e.bytes;
        parameters += e.parameters;
        plan.entries.push_back(std::move(e));
    }
    // The totals are derived: a file whose totals disagree with its rows was edited or cut.
    if (bytes != plan.total_bytes) {
        r.fail(r.member(root, "total_bytes"),
               "plan: total_bytes " + std::to_string(plan.total_bytes) +
                   " is not the sum of the tensors' bytes, " + std::to_string(bytes));
    }
    if (parameters != plan.total_parameters) {
        r.fail(r.member(root, "total_parameters"),
               "plan: total_parameters " + std::to_string(plan.total_parameters) +
                   " is not the sum of the tensors' parameters, " + std::to_string(parameters));
    }
    return plan;
}

std::string plan_to_csv(const Plan& plan) {
    std::string out = "tensor,parameters,config,bytes,sqnr_db,mse,kept\n";
    for (const PlanEntry& e : plan.entries) {
        out += csv_field(valid_utf8(e.tensor)) + ',' + std::to_string(e.parameters) + ',' +
               csv_field(valid_utf8(e.config)) + ',' + std::to_string(e.bytes) + ',' +
               exact_number_text(e.sqnr_db) + ',' + exact_number_text(e.mse) + ',' +
               (e.kept ? "true" : "false") + '\n';
    }
    return out;
}

}  // namespace quantscope
