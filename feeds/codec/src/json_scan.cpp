#include "json_scan.hpp"

#include <simdjson.h>

#include <stdexcept>

namespace lodestone::feeds::detail {
namespace {

constexpr std::size_t kMaxSlots = 64;  // as in json_scan_engine.cpp

void insert(JsonKeyNode& node, const JsonPath& path, std::size_t depth, int slot) {
  for (auto& child : node.children) {
    if (child.key == path[depth]) {
      if (depth + 1 == path.size()) {
        if (child.slot < 0 && child.children.empty()) child.slot = slot;
        if (child.slot != slot) throw std::invalid_argument("JSON path listed twice or under a leaf: " + path[depth]);
        return;
      }
      if (child.slot >= 0) throw std::invalid_argument("JSON path goes below a leaf: " + path[depth]);
      insert(child, path, depth + 1, slot);
      return;
    }
  }
  node.children.push_back(JsonKeyNode{path[depth], -1, {}});
  if (depth + 1 == path.size()) {
    node.children.back().slot = slot;
  } else {
    insert(node.children.back(), path, depth + 1, slot);
  }
}

}  // namespace

struct JsonScanner::Engine {
  engine::Engine* impl = engine::make_engine();
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine() { engine::free_engine(impl); }
};

JsonScanner::JsonScanner(JsonScanSpec spec) : engine_(std::make_unique<Engine>()) {
  plan_.spec = std::move(spec);
  if (plan_.spec.item_fields.size() > kMaxSlots || plan_.spec.root_fields.size() > kMaxSlots) {
    throw std::invalid_argument("too many JSON fields in one mapping");
  }
  for (std::size_t i = 0; i < plan_.spec.root_fields.size(); ++i) {
    const auto& p = plan_.spec.root_fields[i];
    if (p.empty()) throw std::invalid_argument("empty JSON path");
    insert(plan_.root_tree, p, 0, static_cast<int>(i));
  }
  if (!plan_.spec.items.empty()) insert(plan_.root_tree, plan_.spec.items, 0, JsonKeyNode::kItems);
  for (std::size_t i = 0; i < plan_.spec.item_fields.size(); ++i) {
    const auto& p = plan_.spec.item_fields[i];
    if (p.empty()) throw std::invalid_argument("empty JSON path");
    insert(plan_.item_tree, p, 0, static_cast<int>(i));
  }
  plan_.item_slots = plan_.spec.item_fields.size();
}

JsonScanner::~JsonScanner() = default;

std::string_view JsonScanner::kernel() { return simdjson::get_active_implementation()->name(); }

Status JsonScanner::scan(std::string_view json, JsonItemFn on_item, void* context, JsonScanSummary& summary) {
  buffer_.assign(json);
  const std::size_t len = buffer_.size();
  buffer_.resize(len + simdjson::SIMDJSON_PADDING);
  return engine::scan(engine_->impl, plan_, buffer_.data(), len, buffer_.size(), on_item, context, summary);
}

}  // namespace lodestone::feeds::detail
