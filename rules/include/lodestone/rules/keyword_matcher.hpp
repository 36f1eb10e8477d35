#pragma once
// Aho-Corasick over UTF-8 bytes: every pattern found anywhere in a text, in one pass linear in
// the text. Chinese has no word boundaries, so patterns match as plain substrings; ASCII
// letters match regardless of case ("Lynas" finds "LYNAS"). Compiled once per rules reload.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lodestone::rules {

class KeywordMatcher {
 public:
  // Adds a pattern and returns its id (ids count up from 0). Call compile() before find().
  std::uint32_t add(std::string_view pattern);
  void compile();

  // Ids of the patterns that occur in `text`, ascending, each once.
  [[nodiscard]] std::vector<std::uint32_t> find(std::string_view text) const;
  // Same, appending to `found` (which may already hold ids from another text); sorted, unique.
  void find_into(std::string_view text, std::vector<std::uint32_t>& found) const;

  // Calls fn(pattern_id, end) for every occurrence, `end` being the offset just past it, in
  // order of `end`.
  template <class Fn>
  void for_each_match(std::string_view text, Fn&& fn) const {
    if (!compiled_) return;
    std::uint32_t s = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      s = step(s, fold(static_cast<unsigned char>(text[i])));
      const State& st = nodes_[s];
      for (std::uint32_t k = 0; k < st.output_count; ++k) fn(outputs_[st.first_output + k], i + 1);
    }
  }
  [[nodiscard]] std::size_t pattern_length(std::uint32_t id) const { return lengths_[id]; }

  [[nodiscard]] std::size_t pattern_count() const { return pattern_count_; }
  [[nodiscard]] std::size_t state_count() const { return nodes_.size(); }

 private:
  struct Edge {
    unsigned char byte;
    std::uint32_t target;
  };
  struct State {
    std::uint32_t first_edge = 0;  // into edges_ (after compile)
    std::uint32_t edge_count = 0;
    std::uint32_t fail = 0;
    std::uint32_t first_output = 0;  // into outputs_ (after compile)
    std::uint32_t output_count = 0;
  };
  static unsigned char fold(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c;
  }
  [[nodiscard]] std::uint32_t step(std::uint32_t state, unsigned char byte) const;
  [[nodiscard]] std::uint32_t edge(std::uint32_t state, unsigned char byte) const;

  std::vector<State> nodes_{State{}};
  std::vector<std::vector<Edge>> building_edges_{{}};  // per state, while adding
  std::vector<std::vector<std::uint32_t>> building_out_{{}};
  std::vector<Edge> edges_;
  std::vector<std::uint32_t> outputs_;
  std::vector<std::size_t> lengths_;
  std::uint32_t root_next_[256] = {};
  std::size_t pattern_count_ = 0;
  bool compiled_ = false;
};

}  // namespace lodestone::rules
