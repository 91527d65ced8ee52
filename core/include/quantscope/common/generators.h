#pragma once
// Seeded, reproducible synthetic tensors and signals, addressable by a short spec string so that
// the GUI and the CLI name them the same way:
//   gaussian:n=1000000,mean=0,std=1,seed=1
//   laplace:n=...,mean=0,scale=1          uniform:n=...,low=-1,high=1
//   student-t:n=...,dof=3                 mixture:n=...,std=1,outliers=0.001,outlier-scale=20
//   sine:frequency=440,amplitude=1,rate=48000,duration=1,noise=0
//   matrix:rows=256,cols=1024,std=1,outlier-columns=4,outlier-scale=20   a 2-D [rows, cols]
//                                         tensor (LLM.int8()-style activations, or weights)
//   sample                                the built-in sample (Gaussian with a few outliers)
// Every generator takes seed=S (default 1); the same spec always gives the same values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/common/tensor.h"

namespace quantscope {

struct GeneratorParameter {
    std::string name;
    double default_value;
    std::string description;
};

struct GeneratorInfo {
    std::string name;  // "gaussian", "sine", ...
    std::string description;
    std::vector<GeneratorParameter> parameters;
};

// Every generator with its parameters and defaults, for help texts and the GUI.
const std::vector<GeneratorInfo>& generators();

// Builds the tensor a spec describes (without the "gen:" prefix). Throws UsageError on an
// unknown generator, an unknown parameter, or a value out of range. The tensor's name is the
// canonical spec, its dtype "float32", its shape [n].
Tensor generate(std::string_view spec);

// The canonical spec of another sample of the same distribution: the seed plus `offset`
// (a calibration set beside generated activations). Throws UsageError as generate() does.
std::string reseeded_spec(std::string_view spec, std::uint64_t offset);

// Sample rate in Hz for specs that describe a signal (sine), 0 otherwise.
double generator_sample_rate(std::string_view spec);

// The built-in sample the GUI opens on: 65536 Gaussian values (std 1, seed 7) with 8 outliers
// of magnitude 12 to 20, the textbook case where one outlier ruins per-tensor min-max INT8.
Tensor builtin_sample();

}  // namespace quantscope
