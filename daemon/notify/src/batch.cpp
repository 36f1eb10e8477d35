// Turning held groups into the message that goes out: a group's own batch, or a digest of
// several. Every entry is settled by it; only the alerts shown are cut for the renderer.
#include <algorithm>

#include "dispatcher_state.hpp"

namespace lodestone::notify::detail {
namespace {

int severity_rank(Severity s) {
  switch (s) {
    case Severity::Critical:
      return 2;
    case Severity::Warning:
      return 1;
    case Severity::Info:
      return 0;
  }
  return 0;
}

// The labels every group shares (same name, same value): what a digest can still say about all.
std::map<std::string, std::string> common_labels(const std::vector<const Group*>& groups) {
  std::map<std::string, std::string> common = groups.front()->labels;
  for (const Group* g : groups) {
    for (auto it = common.begin(); it != common.end();) {
      auto there = g->labels.find(it->first);
      if (there == g->labels.end() || there->second != it->second)
        it = common.erase(it);
      else
        ++it;
    }
  }
  return common;
}

// At most `cap` of `items` (oldest first): critical before warning before info, then the newest,
// so a cut digest still shows what matters and what is current; shown oldest first again.
std::vector<const Held*> shown(const std::vector<const Held*>& items, std::size_t cap) {
  if (items.size() <= cap) return items;
  std::vector<const Held*> pick = items;
  std::stable_sort(pick.begin(), pick.end(), [](const Held* a, const Held* b) {
    const int ra = severity_rank(a->alert.severity);
    const int rb = severity_rank(b->alert.severity);
    if (ra != rb) return ra > rb;
    if (a->alert.ts != b->alert.ts) return a->alert.ts > b->alert.ts;
    return a->order > b->order;
  });
  pick.resize(cap);
  std::stable_sort(pick.begin(), pick.end(), [](const Held* a, const Held* b) {
    if (a->alert.ts != b->alert.ts) return a->alert.ts < b->alert.ts;
    return a->order < b->order;
  });
  return pick;
}

}  // namespace

std::string batch_id(const std::vector<OutboxEntry>& entries, const std::string& receiver) {
  if (entries.size() == 1) return entries.front().id;
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) ids.push_back(e.id);
  std::sort(ids.begin(), ids.end());
  std::string joined;
  joined.reserve(ids.size() * 33);
  for (const auto& id : ids) {
    if (!joined.empty()) joined.push_back(',');
    joined += id;
  }
  return entry_id(joined, receiver);
}

Batch fold(const std::string& receiver, const std::vector<const Group*>& groups, const std::string& public_url,
           std::size_t alert_cap) {
  std::vector<const Held*> items;
  for (const Group* g : groups)
    for (const Held& h : g->items) items.push_back(&h);
  // Oldest first by the alert's own time; arrival order keeps a firing before its resolved
  // when both carry the same time.
  std::stable_sort(items.begin(), items.end(), [](const Held* a, const Held* b) {
    if (a->alert.ts != b->alert.ts) return a->alert.ts < b->alert.ts;
    return a->order < b->order;
  });

  Batch batch;
  batch.entries.reserve(items.size());
  for (const Held* h : items) batch.entries.push_back(h->entry);
  for (const Group* g : groups) batch.groups.push_back(Batch::Group{g->key, g->route});

  Notification& n = batch.notification;
  n.receiver = receiver;
  n.public_url = public_url;
  n.id = batch_id(batch.entries, receiver);
  const bool digest = groups.size() > 1 || items.size() > std::max<std::size_t>(alert_cap, 1);
  for (const Held* h : shown(items, std::max<std::size_t>(alert_cap, 1))) n.alerts.push_back(h->alert);
  if (digest) {
    n.kind = NotificationKind::Digest;
    n.group_key = std::string(kDigestGroupKey);
    n.group_labels = common_labels(groups);
    n.digest_count = items.size();
    n.digest_from = items.front()->alert.ts;
    n.digest_to = items.back()->alert.ts;
  } else {
    n.kind = NotificationKind::Alerts;
    n.group_key = groups.front()->key;
    n.group_labels = groups.front()->labels;
  }
  return batch;
}

}  // namespace lodestone::notify::detail
