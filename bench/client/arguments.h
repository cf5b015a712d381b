// The command-line walk both tools share: one option at a time, its value taken from after
// '=' (long options: --keys=100) or from the next argument (-c 50, --keys 100). What the
// options mean stays with each tool (loadgen/options.cc, soak/options.cc).
#pragma once

#include <string_view>

namespace client {

class Arguments {
 public:
  Arguments(int argc, char** argv) noexcept : argc_(argc), argv_(argv) {}

  // Moves to the next option; false after the last.
  bool next() noexcept;
  // The option as given, without an inline "=value".
  std::string_view option() const noexcept { return option_; }
  bool is(std::string_view name) const noexcept { return option_ == name; }
  bool is(std::string_view short_name, std::string_view long_name) const noexcept {
    return option_ == short_name || option_ == long_name;
  }
  // Takes the option's value; false when it has none (the last argument, no '=').
  bool value(std::string_view& out) noexcept;

 private:
  int argc_;
  char** argv_;
  int next_ = 1;
  std::string_view option_;
  std::string_view inline_value_;
  bool has_inline_value_ = false;
};

}  // namespace client
