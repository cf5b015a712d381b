// The fuzz targets' one assertion: an invariant that fails prints what broke and aborts,
// so libFuzzer (and the corpus replay in the normal build) records the input as a crash.
// Unlike assert(), it is never compiled out.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, ...)                                                       \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      __VA_OPT__(std::fprintf(stderr, __VA_ARGS__); std::fputc('\n', stderr);)           \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)
