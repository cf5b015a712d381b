#include "server/maintenance_cadence.h"

#include <gtest/gtest.h>

namespace memstripe::server {
namespace {

using std::chrono::milliseconds;

TEST(MaintenanceCadence, StartsIdleAtOnceASecondWithTheLargestSweep) {
  MaintenanceCadence c(true);
  EXPECT_EQ(c.interval(), milliseconds(1000));
  EXPECT_EQ(c.sweep_chunks(), MaintenanceCadence::kMaxSweep);
}

TEST(MaintenanceCadence, ActivityMakesItRunEveryMillisecondWithASmallSlice) {
  MaintenanceCadence c(true);
  c.observe(100);
  EXPECT_EQ(c.interval(), milliseconds(1));
  EXPECT_EQ(c.sweep_chunks(), MaintenanceCadence::kSweepPerMillisecond);
  c.observe(250);
  EXPECT_EQ(c.interval(), milliseconds(1));
}

TEST(MaintenanceCadence, QuietRunsDoubleTheWaitUpToOneSecond) {
  MaintenanceCadence c(true);
  c.observe(7);
  milliseconds expected{1};
  for (int run = 0; run < 9; ++run) {
    c.observe(7);
    expected *= 2;
    EXPECT_EQ(c.interval(), expected);
    if (run == 6) {
      EXPECT_EQ(c.sweep_chunks(), MaintenanceCadence::kSweepPerMillisecond * 128);
    }
  }
  EXPECT_EQ(c.interval(), milliseconds(512));
  EXPECT_EQ(c.sweep_chunks(), MaintenanceCadence::kMaxSweep);  // 64 per ms, capped from 256 ms on
  c.observe(7);
  EXPECT_EQ(c.interval(), milliseconds(1000));
  c.observe(7);
  EXPECT_EQ(c.interval(), milliseconds(1000));
  EXPECT_EQ(c.sweep_chunks(), MaintenanceCadence::kMaxSweep);
  c.observe(8);  // a client speaks again
  EXPECT_EQ(c.interval(), milliseconds(1));
}

TEST(MaintenanceCadence, CountersResetByStatsResetStillCountAsActivity) {
  MaintenanceCadence c(true);
  c.observe(5000);
  c.observe(5000);
  EXPECT_EQ(c.interval(), milliseconds(2));
  c.observe(3);  // `stats reset` zeroed the count, then a client sent a few bytes
  EXPECT_EQ(c.interval(), milliseconds(1));
}

TEST(MaintenanceCadence, WithoutTheFastCadenceItStaysAtOnceASecond) {
  MaintenanceCadence c(false);
  c.observe(1);
  c.observe(2);
  EXPECT_EQ(c.interval(), milliseconds(1000));
  EXPECT_EQ(c.sweep_chunks(), MaintenanceCadence::kMaxSweep);
}

}  // namespace
}  // namespace memstripe::server
