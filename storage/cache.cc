#include "storage/cache.h"

#include "storage/engine.h"

namespace memstripe::storage {

Cache::Cache(const CacheConfig& config, Clock& clock) : engine_(std::make_unique<Engine>(config, clock)) {}
Cache::~Cache() = default;

AllocResult Cache::allocate(std::string_view key, std::uint32_t flags, std::int64_t exptime,
                            std::size_t value_length, const AllocOptions& options) {
  return engine_->allocate(key, flags, exptime, value_length, options.binary_key, options.drop_old_if_refused);
}
StoreResult Cache::store(StoreMode mode, NewItem&& item, const StoreOptions& options) {
  return engine_->store(mode, std::move(item), options);
}
ReadResult Cache::read(std::string_view key, const ReadOptions& options) { return engine_->read(key, options); }
ItemDescription Cache::describe(std::string_view key) { return engine_->describe(key); }
bool Cache::touch(std::string_view key, std::int64_t exptime) { return engine_->touch(key, exptime); }
RemoveStatus Cache::remove(std::string_view key, const RemoveOptions& options) {
  return engine_->remove(key, options);
}
ArithResult Cache::arithmetic(std::string_view key, const ArithOptions& options) {
  return engine_->arithmetic(key, options);
}
void Cache::flush(std::int64_t delay_exptime) { engine_->flush(delay_exptime); }
void Cache::set_memory_limit(std::size_t bytes) { engine_->set_memory_limit(bytes); }
std::size_t Cache::sweep_expired(std::size_t max_items) { return engine_->sweep_expired(max_items); }
CacheStats Cache::stats() const { return engine_->stats(); }
std::vector<SizeClassStats> Cache::size_class_stats() const { return engine_->size_class_stats(); }
void Cache::reset_stats() { engine_->reset_stats(); }
void Cache::for_each_item(const std::function<bool(const ItemInfo&)>& visit) const {
  engine_->for_each_item(visit);
}
std::size_t Cache::max_value_length(std::size_t key_length, std::uint32_t flags) const noexcept {
  return engine_->max_value_length(key_length, flags);
}
const CacheConfig& Cache::config() const noexcept { return engine_->config(); }
Clock& Cache::clock() const noexcept { return engine_->clock(); }

}  // namespace memstripe::storage
