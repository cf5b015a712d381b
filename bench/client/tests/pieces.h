// Test helper: a stream of replies arriving in pieces, as a connection receives them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace client::testing {

// Feeds `stream` to `consume` in pieces cut at `cuts`: each call gets the bytes not yet
// consumed followed by the new piece, and returns how many of them it used, or nullopt to
// stop (a malformed stream).
template <class Consume>
void feed_in_pieces(const std::string& stream, const std::vector<std::size_t>& cuts, Consume consume) {
  std::string buffer;
  std::size_t from = 0;
  auto feed = [&](std::size_t to) {
    buffer.append(stream, from, to - from);
    from = to;
    const std::optional<std::size_t> used = consume(std::string_view(buffer));
    if (used) buffer.erase(0, *used);
    return used.has_value();
  };
  for (std::size_t cut : cuts) {
    if (!feed(cut)) return;
  }
  feed(stream.size());
}

}  // namespace client::testing
