// The cache and a plain reference model driven side by side by a random stream of
// operations; every answer is compared. Memory is ample, so nothing is evicted.
#include <array>
#include <map>
#include <random>

#include "cache_fixture.h"

namespace memstripe::storage::testing {
namespace {

struct ModelItem {
  std::string value;
  std::uint32_t flags;
  RelTime exptime;
  std::uint64_t cas;
};

class Model {
 public:
  explicit Model(Clock& clock) : clock_(clock) {}

  ModelItem* find(const std::string& key) {
    auto it = items_.find(key);
    if (it == items_.end()) return nullptr;
    RelTime e = it->second.exptime;
    if (e != 0 && e <= clock_.now()) {
      items_.erase(it);
      return nullptr;
    }
    return &it->second;
  }
  std::map<std::string, ModelItem> items_;

 private:
  Clock& clock_;
};

// Numbers as the tests store them: plain digits, maybe padded with spaces by decr.
bool parse_number(const std::string& s, std::uint64_t& out) {
  std::size_t end = s.find_first_not_of("0123456789");
  if (end == 0) return false;
  if (end != std::string::npos && s.find_first_not_of(' ', end) != std::string::npos) return false;
  out = std::stoull(s.substr(0, end));
  return true;
}

class ModelTest : public CacheTest, public ::testing::WithParamInterface<int> {};

TEST_P(ModelTest, CacheAgreesWithTheModelOnRandomOperations) {
  std::mt19937_64 rng(GetParam());
  Model model(clock_);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  auto random_key = [&] { return "k" + std::to_string(pick(40)); };
  auto random_value = [&] {
    switch (pick(4)) {
      case 0:
        return std::to_string(rng() % 1000);
      case 1:
        return std::string(pick(3000), 'a' + pick(26));
      default:
        return std::string(pick(30), 'a' + pick(26));
    }
  };
  auto random_exptime = [&]() -> std::int64_t {
    switch (pick(5)) {
      case 0:
        return 1 + pick(20);
      case 1:
        return -1;
      default:
        return 0;
    }
  };

  for (int step = 0; step < 20000; ++step) {
    std::string key = random_key();
    SCOPED_TRACE("step " + std::to_string(step) + " key " + key);
    ModelItem* m = model.find(key);
    switch (pick(12)) {
      case 0:
      case 1: {  // set / add / replace
        StoreMode mode = std::array{StoreMode::kSet, StoreMode::kAdd, StoreMode::kReplace}[pick(3)];
        std::string v = random_value();
        std::uint32_t flags = static_cast<std::uint32_t>(pick(3));
        std::int64_t e = random_exptime();
        bool expect = mode == StoreMode::kSet || (mode == StoreMode::kAdd) == (m == nullptr);
        ASSERT_EQ(store(mode, key, v, flags, e), expect ? StoreStatus::kStored : StoreStatus::kNotStored);
        if (expect) model.items_[key] = {v, flags, clock_.expiry_from(e), last_store_.cas};
        break;
      }
      case 2: {  // append / prepend
        bool append = pick(2) == 0;
        std::string v = random_value();
        StoreStatus st = store(append ? StoreMode::kAppend : StoreMode::kPrepend, key, v);
        ASSERT_EQ(st, m ? StoreStatus::kStored : StoreStatus::kNotStored);
        if (m) {
          m->value = append ? m->value + v : v + m->value;
          m->cas = last_store_.cas;
        }
        break;
      }
      case 3: {  // cas, right or wrong
        std::uint64_t cas = m ? (pick(2) ? m->cas : m->cas + 1) : 7;
        std::string v = random_value();
        StoreStatus st = store(StoreMode::kCas, key, v, 1, 0, {.compare_cas = cas});
        if (!m) {
          ASSERT_EQ(st, StoreStatus::kNotFound);
        } else if (cas == m->cas) {
          ASSERT_EQ(st, StoreStatus::kStored);
          *m = {v, 1, 0, last_store_.cas};
        } else {
          ASSERT_EQ(st, StoreStatus::kExists);
        }
        break;
      }
      case 4:
      case 5:
      case 6: {  // get
        ReadResult r = cache_.read(key);
        ASSERT_EQ(static_cast<bool>(r.item), m != nullptr);
        if (m) {
          ASSERT_EQ(r.item.value(), m->value);
          ASSERT_EQ(r.item.flags(), m->flags);
          ASSERT_EQ(r.item.cas(), m->cas);
        }
        break;
      }
      case 7:  // delete
        ASSERT_EQ(cache_.remove(key), m ? RemoveStatus::kDeleted : RemoveStatus::kNotFound);
        if (m) model.items_.erase(key);
        break;
      case 8: {  // incr / decr
        bool up = pick(2) == 0;
        std::uint64_t delta = rng() % 50;
        ArithResult r = cache_.arithmetic(key, {.increment = up, .delta = delta});
        if (!m) {
          ASSERT_EQ(r.status, ArithStatus::kNotFound);
          break;
        }
        std::uint64_t n;
        if (m->value.empty() || !parse_number(m->value, n)) {
          ASSERT_EQ(r.status, ArithStatus::kNonNumeric);
          break;
        }
        n = up ? n + delta : (delta > n ? 0 : n - delta);
        ASSERT_EQ(r.status, ArithStatus::kOk);
        ASSERT_EQ(r.value, n);
        std::string digits = std::to_string(n);
        if (digits.size() <= m->value.size()) digits.resize(m->value.size(), ' ');
        m->value = digits;
        m->cas = r.item.cas();
        break;
      }
      case 9: {  // touch
        std::int64_t e = random_exptime();
        ASSERT_EQ(cache_.touch(key, e), m != nullptr);
        if (m) m->exptime = clock_.expiry_from(e);
        break;
      }
      case 10:
        clock_.advance(static_cast<std::uint32_t>(pick(4)));
        break;
      case 11:
        if (pick(50) == 0) {
          cache_.flush();
          model.items_.clear();
        }
        break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, ModelTest, ::testing::Values(1, 2, 3, 4));

}  // namespace
}  // namespace memstripe::storage::testing
