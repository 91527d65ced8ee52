#pragma once
// Errors raised by core. Every message is meant for a person: it names what failed and why.

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

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

// What to tell a person about a failure caught at a command or job boundary: an Error's own
// message; for anything else (std::bad_alloc, std::length_error from a shape too large to hold,
// ...) "SUBJECT: PROBLEM" in plain words, never the standard library's internal text.
std::string describe_failure(const std::exception& failure, std::string_view subject);

}  // namespace quantscope
