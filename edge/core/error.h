// Errors as values at library boundaries: a stable machine code plus a human message.
// Expected failures (bad input, disk full, unknown device) travel as Result<T>; never as
// exceptions.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>

namespace storeedge {

struct Error {
  // A two-argument constructor (not an aggregate) keeps Result<std::string> unambiguous.
  Error() = default;
  Error(std::string c, std::string m) : code(std::move(c)), message(std::move(m)) {}
  std::string code;     // stable, snake_case, part of the API (e.g. "not_found", "disk_full")
  std::string message;  // for humans; never contains secrets
};

// Thrown only by Result::value() on misuse; boundaries check has_value() first.
class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(const Error& e) : std::runtime_error(e.code + ": " + e.message) {}
};

[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw ErrorException(e);
}

template <class T>
using Result = boost::system::result<T, Error>;

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace storeedge
