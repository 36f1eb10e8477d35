#pragma once
// Notifications and receivers the formatting tests share. The headline is real (每日经济新闻,
// 2026-02-09 14:23, naming 北方稀土 among the movers); the prices, times after it, fingerprints,
// tokens and secrets are SYNTHETIC.
#include <string>

#include "lodestone/notify/notification.hpp"
#include "lodestone/notify/receiver.hpp"

namespace lodestone::notify::testing {

// 2026-02-09 14:31:05 in Shanghai: the `now` every render in these tests is given.
Timestamp fixed_now();

// news-and-move on 600111.SH 北方稀土: 41.20 → 43.31 (+5.12%) since the previous close, explained
// by the headline.
Alert firing_alert();
// The same alert resolved at 14:43:35: its headline was retracted at the source.
Alert resolved_alert();
// stock-move on 600111.SH re-labelled explained → unexplained (its headline withdrawn).
Alert update_alert();

Notification firing();
Notification resolved();
Notification update();
// 12 alerts in 3 minutes (11 firing, 1 resolved), folded into one digest.
Notification digest12();
Notification test_message();

// One receiver of each kind, with synthetic tokens ("TEST_TOKEN" in URLs) and secrets.
ReceiverConfig receiver(ReceiverKind kind);

// A firing alert whose headline and message are many kilobytes of Chinese with emoji: it must be
// cut at every service's limit.
Notification long_firing();

}  // namespace lodestone::notify::testing
