#pragma once
// A rules file the daemon tests share: one alert per headline naming export controls (出口管制),
// at any time of day, so alert seqs rise one per such headline.

namespace lodestone::testing {

inline constexpr const char* kPolicyRules = R"(keywords:
  export_control: ["出口管制"]
rules:
  - name: policy-news
    severity: info
    headline: { keywords: [export_control] }
    session: any
    message: "{headline}"
)";

}  // namespace lodestone::testing
