#pragma once
// Synthetic quote messages of realistic size (~300 bytes) in each source's format.
#include <string>

namespace lodestone::feeds::bench {

inline const std::string kSinaLine =
    "var hq_str_sz159713=\"稀土ETF,1.180,1.190,1.233,1.240,1.176,1.232,1.233,98765400,120456789.120,12000,1.232,"
    "8000,1.231,5000,1.230,4000,1.229,3000,1.228,9000,1.233,7000,1.234,6000,1.235,5000,1.236,4000,1.237,"
    "2026-02-09,10:15:03,00\";\n";

inline const std::string kTencentLine =
    "v_sz159713=\"51~稀土ETF~159713~1.233~1.190~1.180~987654~500000~487654~1.232~120~1.231~80~1.230~50~1.229~40~"
    "1.228~30~1.233~90~1.234~70~1.235~60~1.236~50~1.237~40~~20260209101503~0.043~3.61~1.240~1.176~"
    "1.233/987654/120456789~987654~12045.6789~2.31~~~1.240~1.176~5.38~52.10~52.10~~1.309~1.071~1.02~-12~1.218\";\n";

inline const std::string kEastmoneyUlist =
    R"({"rc":0,"rt":11,"svr":181669432,"lt":1,"full":1,"dlmkts":"","data":{"total":1,"diff":[{"f2":1.233,)"
    R"("f3":3.61,"f4":0.043,"f5":987654,"f6":120456789.0,"f12":"159713","f13":0,"f14":"稀土ETF","f15":1.24,)"
    R"("f16":1.176,"f17":1.18,"f18":1.19,"f124":1770603303,"f297":20260209}]}})";

inline const std::string kVendorWs =
    R"({"type":"tick","seq":918273,"data":{"ticks":[{"s":"159713.SZ","t":1770603303120,"px":{"last":1.233,)"
    R"("pre":1.190,"open":1.180,"high":1.240,"low":1.176},"vol":987654,"amt":120456789.12,"book":{"b1":1.232,)"
    R"("a1":1.233,"b1v":120,"a1v":90},"status":"T","venue":"SZSE"}]}})";

inline const std::string kCanonical =
    R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03.120+08:00","last":1.233,"prev_close":1.190,)"
    R"("open":1.180,"high":1.240,"low":1.176,"bid":1.232,"ask":1.233,"volume":98765400,"turnover":120456789.12,)"
    R"("name":"稀土ETF","iopv":1.2312,"source":"synthetic"})";

}  // namespace lodestone::feeds::bench
