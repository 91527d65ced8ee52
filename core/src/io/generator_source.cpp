// gen:SPEC sources: one tensor built by generate(spec) (generators.h). The values are made at
// open time, which also validates the spec there rather than at the first read.

#include <string>

#include "loaders.h"
#include "quantscope/common/generators.h"
#include "strided_read.h"

namespace quantscope {
namespace {

class GeneratorSource final : public Source {
public:
    explicit GeneratorSource(std::string_view spec)
        : Source("gen:" + std::string(spec), "generator"), tensor_(generate(spec)) {
        add_tensor(tensor_.info);
        set_sample_rate(generator_sample_rate(spec));
        add_metadata("generator", tensor_.info.name);
    }

protected:
    FloatBuffer read_values(std::size_t) const override { return tensor_.values; }
    // Generated at open: the values are in memory already.
    FloatBuffer read_sample(std::size_t, std::int64_t stride,
                            const std::function<void(double)>&) const override {
        return take_every(tensor_.values, stride);
    }

private:
    Tensor tensor_;
};

}  // namespace

std::unique_ptr<Source> open_generator(std::string_view spec) {
    return std::make_unique<GeneratorSource>(spec);
}

}  // namespace quantscope
