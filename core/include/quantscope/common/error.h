#pragma once
// Errors raised by core. Every message is meant for a person: it names what failed and why.

#include <stdexcept>
#include <string>

namespace quantscope {

// Base of every error core throws on bad input or bad requests.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A request that makes no sense (an unknown format name, a bad parameter). Distinct from a
// data error so that the CLI can map it to its usage exit code.
class UsageError : public Error {
public:
    using Error::Error;
};

// Work stopped because its caller asked (QuantizeOptions::cancel): not a failure.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace quantscope
