#include "lodestone/rules/keyword_matcher.hpp"

#include <algorithm>
#include <cassert>
#include <deque>

namespace lodestone::rules {
std::uint32_t KeywordMatcher::add(std::string_view pattern) {
  assert(!compiled_);
  const auto id = static_cast<std::uint32_t>(pattern_count_++);
  lengths_.push_back(pattern.size());
  if (pattern.empty()) return id;  // never matches
  std::uint32_t s = 0;
  for (char ch : pattern) {
    const unsigned char c = fold(static_cast<unsigned char>(ch));
    auto& out = building_edges_[s];
    auto it = std::find_if(out.begin(), out.end(), [&](const Edge& e) { return e.byte == c; });
    if (it != out.end()) {
      s = it->target;
      continue;
    }
    const auto next = static_cast<std::uint32_t>(nodes_.size());
    out.push_back({c, next});
    nodes_.emplace_back();
    building_edges_.emplace_back();
    building_out_.emplace_back();
    s = next;
  }
  building_out_[s].push_back(id);
  return id;
}

std::uint32_t KeywordMatcher::edge(std::uint32_t state, unsigned char byte) const {
  const State& st = nodes_[state];
  const Edge* begin = edges_.data() + st.first_edge;
  const Edge* end = begin + st.edge_count;
  const Edge* it = std::lower_bound(begin, end, byte, [](const Edge& e, unsigned char b) { return e.byte < b; });
  return it != end && it->byte == byte ? it->target : 0;
}

void KeywordMatcher::compile() {
  assert(!compiled_);
  // Flatten the trie's edges, sorted per state for binary search.
  for (std::uint32_t s = 0; s < nodes_.size(); ++s) {
    auto& out = building_edges_[s];
    std::sort(out.begin(), out.end(), [](const Edge& a, const Edge& b) { return a.byte < b.byte; });
    nodes_[s].first_edge = static_cast<std::uint32_t>(edges_.size());
    nodes_[s].edge_count = static_cast<std::uint32_t>(out.size());
    edges_.insert(edges_.end(), out.begin(), out.end());
  }
  for (unsigned b = 0; b < 256; ++b) root_next_[b] = edge(0, static_cast<unsigned char>(b));
  // Failure links breadth-first; each state's outputs include those of its failure state.
  std::vector<std::vector<std::uint32_t>> out = std::move(building_out_);
  std::deque<std::uint32_t> queue;
  for (const Edge& e : building_edges_[0]) {
    nodes_[e.target].fail = 0;
    queue.push_back(e.target);
  }
  std::vector<std::uint32_t> order;
  while (!queue.empty()) {
    const std::uint32_t s = queue.front();
    queue.pop_front();
    order.push_back(s);
    for (const Edge& e : building_edges_[s]) {
      std::uint32_t f = nodes_[s].fail;
      while (f != 0 && edge(f, e.byte) == 0) f = nodes_[f].fail;
      const std::uint32_t candidate = edge(f, e.byte);
      nodes_[e.target].fail = candidate == e.target ? 0 : candidate;
      queue.push_back(e.target);
    }
  }
  // In breadth-first order a state's failure state is complete before the state itself.
  for (std::uint32_t s : order) {
    const auto& inherited = out[nodes_[s].fail];
    out[s].insert(out[s].end(), inherited.begin(), inherited.end());
  }
  for (std::uint32_t s = 0; s < nodes_.size(); ++s) {
    nodes_[s].first_output = static_cast<std::uint32_t>(outputs_.size());
    nodes_[s].output_count = static_cast<std::uint32_t>(out[s].size());
    outputs_.insert(outputs_.end(), out[s].begin(), out[s].end());
  }
  building_edges_.clear();
  building_edges_.shrink_to_fit();
  building_out_.clear();
  compiled_ = true;
}

std::uint32_t KeywordMatcher::step(std::uint32_t state, unsigned char byte) const {
  while (state != 0) {
    if (const std::uint32_t next = edge(state, byte)) return next;
    state = nodes_[state].fail;
  }
  return root_next_[byte];
}

std::vector<std::uint32_t> KeywordMatcher::find(std::string_view text) const {
  std::vector<std::uint32_t> found;
  find_into(text, found);
  return found;
}

void KeywordMatcher::find_into(std::string_view text, std::vector<std::uint32_t>& found) const {
  assert(compiled_ || pattern_count_ == 0);
  if (!compiled_) return;
  std::uint32_t s = 0;
  for (char ch : text) {
    s = step(s, fold(static_cast<unsigned char>(ch)));
    const State& st = nodes_[s];
    found.insert(found.end(), outputs_.begin() + st.first_output, outputs_.begin() + st.first_output + st.output_count);
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
}

}  // namespace lodestone::rules
