// ASCII authentication's password check (server/auth_file.h) against a full file of eight
// entries: a wrong password that differs from the right one at its first byte, at its last
// byte, the right one, and an unknown user. Constant time means these agree to within the
// noise: a brute force learns nothing from how long a wrong guess takes. (An unknown user
// whose name has another length than every entry's is quicker: the names' lengths are all
// it can tell. The server adds a round trip of tens of microseconds around this.)
//   build/microbench/memstripe_auth_bench --benchmark_enable_random_interleaving=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "server/auth_file.h"

namespace {

using memstripe::server::AuthFile;

constexpr int kEntries = AuthFile::kMaxEntries;
// As long as an entry allows: a comparison that stopped at the first difference would
// make "first byte wrong" several times faster than "last byte wrong".
const std::string kPassword(240, 'p');

std::string user(int i) { return "user" + std::to_string(i); }

// The file, written once; the entries are read from it as the server reads them.
const AuthFile& auth_file() {
  static const AuthFile* file = [] {
    char path[] = "/tmp/memstripe-auth-bench-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) std::abort();
    ::close(fd);
    {
      std::ofstream out(path);
      for (int i = 0; i < kEntries; ++i) out << user(i) << ':' << kPassword << '\n';
    }
    auto* f = new AuthFile(path);
    const std::string error = f->load();
    std::remove(path);
    if (!error.empty()) std::abort();
    return f;
  }();
  return *file;
}

enum Guess : int { kFirstByteWrong, kLastByteWrong, kRight, kUnknownUser };

void BM_AuthCheck(benchmark::State& state) {
  const AuthFile& file = auth_file();
  std::string password = kPassword;
  std::string name = user(kEntries - 1);  // the last entry: every one is compared anyway
  switch (state.range(0)) {
    case kFirstByteWrong: password.front() = 'x'; break;
    case kLastByteWrong: password.back() = 'x'; break;
    case kRight: break;
    case kUnknownUser: name = "nobody"; break;
  }
  const bool expected = state.range(0) == kRight;
  for (auto _ : state) {
    benchmark::DoNotOptimize(name.data());
    benchmark::DoNotOptimize(password.data());
    const bool ok = file.check(name, password);
    if (ok != expected) state.SkipWithError("wrong answer");
    benchmark::DoNotOptimize(ok);
  }
  static const char* const kNames[] = {"first byte wrong", "last byte wrong", "right", "unknown user"};
  state.SetLabel(kNames[state.range(0)]);
}
BENCHMARK(BM_AuthCheck)->DenseRange(kFirstByteWrong, kUnknownUser)->Repetitions(10)->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();
