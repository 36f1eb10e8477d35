// The On Demand traversal behind JsonScanner.
#include <simdjson.h>

#include "json_scan.hpp"

namespace lodestone::feeds::detail::engine {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

constexpr std::size_t kMaxSlots = 64;

std::string_view trim_token(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// An object or array slot holds the value's JSON text.
template <class Container>
error_code store_raw(od::value& v, JsonKind kind, JsonSlot& slot) {
  Container container;
  std::string_view raw;
  if (auto e = v.get<Container>().get(container)) return e;
  if (auto e = container.raw_json().get(raw)) return e;
  slot.kind = kind;
  slot.text = raw;
  return simdjson::SUCCESS;
}

error_code store(od::value& v, JsonSlot& slot) {
  od::json_type t{};
  if (auto e = v.type().get(t)) return e;
  switch (t) {
    case od::json_type::number:
      slot.kind = JsonKind::Number;
      slot.text = trim_token(v.raw_json_token());
      return simdjson::SUCCESS;
    case od::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return e;
      slot.kind = JsonKind::String;
      slot.text = s;
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (auto e = v.get_bool().get(b)) return e;
      slot.kind = JsonKind::Bool;
      slot.text = b ? "true" : "false";
      return simdjson::SUCCESS;
    }
    case od::json_type::null: {
      bool null = false;
      if (auto e = v.is_null().get(null)) return e;
      slot.kind = null ? JsonKind::Null : JsonKind::Missing;
      return simdjson::SUCCESS;
    }
    case od::json_type::object:
      return store_raw<od::object>(v, JsonKind::Object, slot);
    case od::json_type::array:
      return store_raw<od::array>(v, JsonKind::Array, slot);
  }
  return simdjson::INCORRECT_TYPE;
}

const JsonKeyNode* match(const JsonKeyNode& node, od::raw_json_string key) {
  for (const auto& child : node.children) {
    if (key.unsafe_is_equal(child.key)) return &child;
  }
  return nullptr;
}

error_code scan_object(od::object& obj, const JsonKeyNode& node, JsonSlot* slots) {
  for (auto field_result : obj) {
    od::field field;
    if (auto e = std::move(field_result).get(field)) return e;
    const JsonKeyNode* hit = match(node, field.key());
    if (hit == nullptr) continue;
    od::value& v = field.value();
    if (hit->slot >= 0) {
      if (auto e = store(v, slots[hit->slot])) return e;
    } else if (!hit->children.empty()) {
      od::object sub;
      if (v.get_object().get(sub)) continue;  // wrong shape: its slots stay missing
      if (auto e = scan_object(sub, *hit, slots)) return e;
    }
  }
  return simdjson::SUCCESS;
}

Status fail(error_code e, std::string_view where, std::size_t item) {
  std::string msg(simdjson::error_message(e));
  msg += " (";
  msg += where;
  if (item != static_cast<std::size_t>(-1)) {
    msg += " ";
    msg += std::to_string(item);
  }
  msg += ")";
  const ErrorCode code = e == simdjson::UTF8_ERROR    ? ErrorCode::bad_encoding
                         : e == simdjson::DEPTH_ERROR ? ErrorCode::too_deep
                                                      : ErrorCode::bad_json;
  return make_error(code, std::move(msg));
}

constexpr std::size_t kNoItem = static_cast<std::size_t>(-1);

// On Demand validates lazily: after the root value, only whitespace may follow.
bool at_end(od::document& doc) {
  const char* rest = nullptr;
  return doc.current_location().get(rest) != simdjson::SUCCESS;
}

}  // namespace

struct Engine {
  od::parser parser;
  JsonSlot root[kMaxSlots];
  JsonSlot item[kMaxSlots];
};

Engine* make_engine() { return new Engine(); }
void free_engine(Engine* e) { delete e; }

namespace {

struct Run {
  Engine& engine;
  const JsonScanPlan& plan;
  JsonItemFn on_item;
  void* context;
  JsonScanSummary& summary;

  Status item_object(od::object& obj) {
    const std::size_t n = plan.item_slots;
    for (std::size_t i = 0; i < n; ++i) engine.item[i] = JsonSlot{};
    if (auto e = scan_object(obj, plan.item_tree, engine.item)) return fail(e, "item", summary.items);
    on_item(context, engine.root, engine.item);
    ++summary.items;
    return {};
  }

  Status item_value(od::value& v) {
    od::object obj;
    if (v.get_object().get(obj)) {
      ++summary.non_object_items;
      return {};
    }
    return item_object(obj);
  }

  Status items_container(od::value& v) {
    od::json_type t{};
    if (auto e = v.type().get(t)) return fail(e, "items", kNoItem);
    switch (t) {
      case od::json_type::null:
        summary.items_null = true;
        return {};
      case od::json_type::array: {
        od::array arr;
        if (auto e = v.get_array().get(arr)) return fail(e, "items", kNoItem);
        return items_array(arr);
      }
      case od::json_type::object: {
        od::object obj;
        if (auto e = v.get_object().get(obj)) return fail(e, "items", kNoItem);
        if (!plan.spec.items_object_is_map) return item_object(obj);
        for (auto field_result : obj) {
          od::field field;
          if (auto e = std::move(field_result).get(field)) return fail(e, "item", summary.items);
          if (auto s = item_value(field.value()); !s) return s;
        }
        return {};
      }
      default:
        summary.items_missing = true;
        return {};
    }
  }

  // One forward pass over an object of the root tree: store root fields, descend, find the items.
  Status walk_root(od::object& obj, const JsonKeyNode& node, bool& found) {
    for (auto field_result : obj) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return fail(e, "document", kNoItem);
      const JsonKeyNode* hit = match(node, field.key());
      if (hit == nullptr) continue;
      od::value& v = field.value();
      if (hit->slot == JsonKeyNode::kItems) {
        found = true;
        if (auto s = items_container(v); !s) return s;
      } else if (hit->slot >= 0) {
        if (auto e = store(v, engine.root[hit->slot])) return fail(e, "root field", kNoItem);
      } else if (!hit->children.empty()) {
        od::object sub;
        if (v.get_object().get(sub)) continue;
        if (auto s = walk_root(sub, *hit, found); !s) return s;
      }
    }
    return {};
  }

  Status items_array(od::array& arr) {
    for (auto el : arr) {
      od::value v;
      if (auto e = std::move(el).get(v)) return fail(e, "item", summary.items);
      if (auto s = item_value(v); !s) return s;
    }
    return {};
  }
};

}  // namespace

Status scan(Engine* engine, const JsonScanPlan& plan, const char* data, std::size_t len, std::size_t capacity,
            JsonItemFn on_item, void* context, JsonScanSummary& summary) {
  summary = JsonScanSummary{};
  summary.root = engine->root;
  for (std::size_t i = 0; i < plan.spec.root_fields.size(); ++i) engine->root[i] = JsonSlot{};
  od::document doc;
  if (auto e = engine->parser.iterate(data, len, capacity).get(doc)) return fail(e, "document", kNoItem);
  Run run{*engine, plan, on_item, context, summary};
  od::json_type root_type{};
  if (auto e = doc.type().get(root_type)) return fail(e, "document", kNoItem);

  if (root_type == od::json_type::array) {
    if (!plan.spec.items.empty()) {
      summary.items_missing = true;
      return {};
    }
    od::array arr;
    if (auto e = doc.get_array().get(arr)) return fail(e, "document", kNoItem);
    if (auto s = run.items_array(arr); !s) return s;
    if (!at_end(doc)) return make_error(ErrorCode::bad_json, "trailing content after the JSON document");
    return {};
  }
  od::object root;
  if (auto e = doc.get_object().get(root)) return fail(e, "document", kNoItem);
  if (plan.spec.items.empty()) {
    // The document is the one item (root fields only apply when the items sit below the root).
    if (auto s = run.item_object(root); !s) return s;
    if (!at_end(doc)) return make_error(ErrorCode::bad_json, "trailing content after the JSON document");
    return {};
  }
  bool found = false;
  if (auto s = run.walk_root(root, plan.root_tree, found); !s) return s;
  if (!found) summary.items_missing = true;
  if (!at_end(doc)) return make_error(ErrorCode::bad_json, "trailing content after the JSON document");
  return {};
}

}  // namespace lodestone::feeds::detail::engine
