// make_test_model OUT.safetensors [--layers N] [--hidden D] [--ffn F] [--vocab V] [--dtype T]
//                 [--shards N]  (then OUT is a folder)
// Writes synthetic_model.h's model: for the CLI's tests and the speed measurements.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "synthetic_model.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: make_test_model OUT [--layers N] [--hidden D] [--ffn F] "
                     "[--vocab V] [--dtype BF16|F16|F32] [--shards N]\n");
        return 2;
    }
    quantscope::test::SyntheticModel model;
    int shards = 0;
    try {
        for (int i = 2; i + 1 < argc; i += 2) {
            const std::string_view flag = argv[i];
            const std::string value = argv[i + 1];
            if (flag == "--layers") {
                model.layers = std::stoi(value);
            } else if (flag == "--hidden") {
                model.hidden = std::stoll(value);
            } else if (flag == "--ffn") {
                model.ffn = std::stoll(value);
            } else if (flag == "--vocab") {
                model.vocab = std::stoll(value);
            } else if (flag == "--dtype") {
                model.dtype = value;
            } else if (flag == "--shards") {
                shards = std::stoi(value);
            } else {
                std::fprintf(stderr, "unknown option %s\n", argv[i]);
                return 2;
            }
        }
        if (shards > 0) {
            quantscope::test::write_sharded_synthetic_model(argv[1], model, shards);
        } else {
            quantscope::test::write_synthetic_model(argv[1], model);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_test_model: %s\n", e.what());
        return 1;
    }
    return 0;
}
