// The shards' and the size classes' mutex: glibc's adaptive mutex, which spins for a
// short while before it sleeps. The locks are held for a hash lookup or a chunk's
// allocation, a few hundred nanoseconds; std::mutex puts a thread that finds one taken
// to sleep in the kernel at once, and the futex wait and wake cost more than the wait
// would have. With two threads on 16 shards, gets on uniform keys spent a tenth of their
// time there (bench/microbench/storage_bench.cc, BM_GetRandom at two threads).
#pragma once

#include <pthread.h>

namespace memstripe::storage {

class AdaptiveMutex {
 public:
  AdaptiveMutex() noexcept = default;
  ~AdaptiveMutex() { pthread_mutex_destroy(&mutex_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;

  void lock() noexcept { pthread_mutex_lock(&mutex_); }
  bool try_lock() noexcept { return pthread_mutex_trylock(&mutex_) == 0; }
  void unlock() noexcept { pthread_mutex_unlock(&mutex_); }

 private:
  pthread_mutex_t mutex_ = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
};

}  // namespace memstripe::storage
