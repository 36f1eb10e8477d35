#pragma once
// Pulls selected values out of a JSON document with simdjson On Demand: the shared engine under
// every JSON feed (Eastmoney, vendor WebSocket, flash news). Values stay raw text (numbers as
// their token, so decimals keep their digits); the caller turns them into domain types.
//
// Built without target flags: simdjson's stage 1 (the SIMD structural index) is dispatched at
// run time inside libsimdjson to the CPU's best kernel (icelake here) whatever this file is
// compiled for; only the inline stage-2 iteration follows the compile target, and building it
// for AVX2 measured no faster on ~300-byte quote messages (see bench/feeds and feeds/README.md).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"

namespace lodestone::feeds::detail {

enum class JsonKind : std::uint8_t { Missing, Null, Bool, Number, String, Object, Array };

struct JsonSlot {
  JsonKind kind = JsonKind::Missing;
  // Number: its token; String: unescaped text; Bool: "true"/"false"; Object/Array: raw JSON.
  std::string_view text;
  [[nodiscard]] bool present() const { return kind != JsonKind::Missing && kind != JsonKind::Null; }
};

// A path is a list of object keys ("data", "diff"). Keys are matched byte for byte, unescaped.
using JsonPath = std::vector<std::string>;

struct JsonScanSpec {
  // Where the items sit. Empty: the document itself is an item, or an array of items.
  JsonPath items;
  // An object at `items` is a map of items (Eastmoney's diff without np=1) rather than one item.
  bool items_object_is_map = false;
  std::vector<JsonPath> root_fields;  // read once per document, before the items
  std::vector<JsonPath> item_fields;  // read in every item, relative to it
};

// The spec as a key tree, so one pass over an item fills every slot.
struct JsonKeyNode {
  static constexpr int kItems = -2;  // in the root tree: the items sit here
  std::string key;
  int slot = -1;
  std::vector<JsonKeyNode> children;
};

// Root fields and the items are found in one forward pass over the document (simdjson 3.0.1's
// find_field_unordered assumes an already-validated object when it wraps around, which malformed
// input breaks). So an item sees the root fields that come before it in the document.
struct JsonScanPlan {
  JsonScanSpec spec;
  JsonKeyNode root_tree;
  JsonKeyNode item_tree;
  std::size_t item_slots = 0;
};

struct JsonScanSummary {
  std::size_t items = 0;
  bool items_null = false;     // `items` was JSON null (Eastmoney: unknown secid)
  bool items_missing = false;  // no value at `items`
  std::size_t non_object_items = 0;
  // spec.root_fields' values, valid until the next scan (also when no item was found).
  const JsonSlot* root = nullptr;
};

// Called once per item. `root` has spec.root_fields.size() slots, `item` has plan.item_slots.
using JsonItemFn = void (*)(void* context, const JsonSlot* root, const JsonSlot* item);

class JsonScanner {
 public:
  explicit JsonScanner(JsonScanSpec spec);
  ~JsonScanner();
  JsonScanner(const JsonScanner&) = delete;
  JsonScanner& operator=(const JsonScanner&) = delete;

  // Items before a malformation are delivered; the error says what broke and where.
  Status scan(std::string_view json, JsonItemFn on_item, void* context, JsonScanSummary& summary);

  // The kernel simdjson runs stage 1 with on this CPU ("haswell", "westmere", "fallback", …).
  static std::string_view kernel();

 private:
  struct Engine;
  JsonScanPlan plan_;
  std::string buffer_;  // the input, copied with simdjson's padding
  std::unique_ptr<Engine> engine_;
};

namespace engine {
struct Engine;
Engine* make_engine();
void free_engine(Engine* e);
Status scan(Engine* e, const JsonScanPlan& plan, const char* data, std::size_t len, std::size_t capacity,
            JsonItemFn on_item, void* context, JsonScanSummary& summary);
}  // namespace engine

}  // namespace lodestone::feeds::detail
