// RFC 6455 conformance (reliability plan C1–C5): hand-made frames against the real daemon, each
// case on its own connection, modelled on the Autobahn|Testsuite case descriptions (which cannot
// run here: no Python 2, no Docker Hub). Pass = the right close code, the TCP connection ends,
// and the daemon keeps serving.
#include <gtest/gtest.h>

#include "reliability_support.hpp"

namespace lodestone::testing::reliability {
namespace {

constexpr std::uint8_t kCont = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9, kPong = 0xA;

class WsConformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { daemon_ = new Daemon(); }
  static void TearDownTestSuite() {
    delete daemon_;
    daemon_ = nullptr;
  }
  void TearDown() override {
    // No case may take the daemon down or leave it unable to serve.
    EXPECT_EQ(raw_http(port(), get_request("/healthz")).status, 200U) << daemon_->log();
    EXPECT_EQ(daemon_->log().find("AddressSanitizer"), std::string::npos) << daemon_->log();
  }
  static std::uint16_t port() { return daemon_->port(); }

  // An upgraded connection past its hello.
  static std::unique_ptr<RawWebSocket> open() {
    auto ws = std::make_unique<RawWebSocket>(port());
    EXPECT_EQ(ws->status(), 101U) << ws->response_head();
    auto hello = ws->read_frame();
    EXPECT_TRUE(hello && hello->opcode == kText && hello->payload.find(R"("type":"hello")") != std::string::npos);
    return ws;
  }

  // Sends `bytes` on a fresh connection; the close code the server answers with (0: TCP closed
  // without a close frame, -1: nothing within 30 s, a hang) and whether the TCP connection then
  // ends.
  static int close_code_for(const std::string& bytes, bool* tcp_closed = nullptr) {
    auto ws = open();
    ws->send(bytes);
    const int code = ws->read_until_close(std::chrono::seconds(30));
    // After its close frame the server ends the TCP connection (at the latest when the 5 s close
    // handshake times out); the client never answers here, so allow that timeout and a loaded
    // machine's delay on top.
    const bool closed = ws->socket().wait_closed(std::chrono::seconds(30));
    if (tcp_closed) *tcp_closed = closed;
    return code;
  }

  static Daemon* daemon_;
};
Daemon* WsConformance::daemon_ = nullptr;

const std::string kPingJson = R"({"type":"ping"})";

// ---- C1: masking, reserved bits, reserved opcodes ----

TEST_F(WsConformance, C1_AnUnmaskedClientFrameFailsTheConnectionWith1002) {
  bool closed = false;
  EXPECT_EQ(close_code_for(ws_frame(kText, kPingJson, true, 0, /*masked=*/false), &closed), 1002);
  EXPECT_TRUE(closed);
}

TEST_F(WsConformance, C1_ReservedBitsWithoutAnExtensionFailWith1002) {
  for (std::uint8_t rsv = 1; rsv <= 7; ++rsv) {
    bool closed = false;
    EXPECT_EQ(close_code_for(ws_frame(kText, kPingJson, true, rsv), &closed), 1002) << "rsv " << int(rsv);
    EXPECT_TRUE(closed) << "rsv " << int(rsv);
  }
  // On a control frame too.
  EXPECT_EQ(close_code_for(ws_frame(kPing, "x", true, 4)), 1002);
}

TEST_F(WsConformance, C1_ReservedOpcodesFailWith1002) {
  for (int op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    bool closed = false;
    EXPECT_EQ(close_code_for(ws_frame(static_cast<std::uint8_t>(op), "payload"), &closed), 1002) << "opcode " << op;
    EXPECT_TRUE(closed) << "opcode " << op;
  }
}

TEST_F(WsConformance, C1_AValidMessageAfterTheFramingCasesStillWorks) {
  auto ws = open();
  ws->send(ws_frame(kText, kPingJson));
  auto pong = ws->read_frame();
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(pong->payload, R"({"type":"pong"})");
}

// ---- C2: control frames and fragmentation ----

TEST_F(WsConformance, C2_AFragmentedPingFailsWith1002) {
  EXPECT_EQ(close_code_for(ws_frame(kPing, "frag", /*fin=*/false)), 1002);
}

TEST_F(WsConformance, C2_APingWith126BytesOfPayloadFailsWith1002) {
  EXPECT_EQ(close_code_for(ws_frame(kPing, std::string(126, 'p'))), 1002);
  EXPECT_EQ(close_code_for(ws_frame(kClose, close_payload(1000, std::string(124, 'r')))), 1002);
}

TEST_F(WsConformance, C2_AContinuationWithoutAStartFailsWith1002) {
  EXPECT_EQ(close_code_for(ws_frame(kCont, kPingJson)), 1002);
  EXPECT_EQ(close_code_for(ws_frame(kCont, "x", /*fin=*/false)), 1002);
}

TEST_F(WsConformance, C2_ANewDataFrameInsideAFragmentedMessageFailsWith1002) {
  EXPECT_EQ(close_code_for(ws_frame(kText, R"({"type":)", false) + ws_frame(kText, R"("ping"})")), 1002);
  EXPECT_EQ(close_code_for(ws_frame(kText, R"({"type":)", false) + ws_frame(kBinary, "x")), 1002);
}

TEST_F(WsConformance, C2_APingBetweenFragmentsIsAnsweredAndTheMessageStillArrives) {
  auto ws = open();
  ws->send(ws_frame(kText, R"({"type")", false) + ws_frame(kPing, "mid") + ws_frame(kCont, R"(:"pi)", false) +
           ws_frame(kCont, R"(ng"})", true));
  auto pong = ws->read_frame();
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(pong->opcode, kPong);
  EXPECT_EQ(pong->payload, "mid");
  auto answer = ws->read_frame();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->payload, R"({"type":"pong"})");
}

// ---- C3: UTF-8 ----

TEST_F(WsConformance, C3_InvalidUtf8InATextFrameFailsWith1007) {
  const std::vector<std::string> invalid = {
      "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64",  // a UTF-16 surrogate
      "{\"type\":\"ping\",\"x\":\"\xc0\xaf\"}",                                            // overlong '/'
      "\xf4\x90\x80\x80",                                                                  // above U+10FFFF
      "\xff",                                                                              // never valid
      "\x80",                                                                              // lone continuation
  };
  for (const auto& text : invalid) {
    bool closed = false;
    EXPECT_EQ(close_code_for(ws_frame(kText, text), &closed), 1007) << ::testing::PrintToString(text);
    EXPECT_TRUE(closed);
  }
}

TEST_F(WsConformance, C3_InvalidUtf8SplitAcrossFragmentsFailsWith1007) {
  // 0xE2 starts a three-byte sequence; the next fragment breaks it.
  EXPECT_EQ(close_code_for(ws_frame(kText, "{\"type\":\"ping\",\"x\":\"\xe2", false) + ws_frame(kCont, "\x28\"}")),
            1007);
  // The server may fail fast, inside the first fragment: 0xED 0xA0 is already a surrogate.
  EXPECT_EQ(close_code_for(ws_frame(kText, "\xed\xa0", false)), 1007);
}

TEST_F(WsConformance, C3_ValidUtf8SplitInsideACharacterIsAccepted) {
  auto ws = open();
  const std::string text = "{\"type\":\"ping\",\"note\":\"稀土\"}";
  const auto cut = text.find("\xe7\xa8\x80") + 1;  // inside 稀
  ws->send(ws_frame(kText, text.substr(0, cut), false) + ws_frame(kCont, text.substr(cut)));
  auto answer = ws->read_frame();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->payload, R"({"type":"pong"})");
}

// ---- C4: close codes and the close handshake ----

TEST_F(WsConformance, C4_InvalidCloseCodesFailWith1002) {
  // Autobahn 7.9.1–7.9.9, plus 1014 and 1015 (reserved, never on the wire). Codes of 5000 and
  // above (Autobahn 7.13.x) are only "informational" there; Beast echoes them, this does not test them.
  for (int code : {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999, 1014, 1015}) {
    bool closed = false;
    EXPECT_EQ(close_code_for(ws_frame(kClose, close_payload(static_cast<std::uint16_t>(code))), &closed), 1002)
        << "code " << code;
    EXPECT_TRUE(closed) << "code " << code;
  }
}

TEST_F(WsConformance, C4_AOneByteClosePayloadFailsWith1002) {
  EXPECT_EQ(close_code_for(ws_frame(kClose, std::string(1, '\x03'))), 1002);
}

TEST_F(WsConformance, C4_ACloseReasonThatIsNotUtf8FailsTheConnection) {
  const int code = close_code_for(ws_frame(kClose, close_payload(1000, "\xce\xba\xe1\xbd\xb9\xed\xa0\x80")));
  EXPECT_TRUE(code == 1002 || code == 1007) << code;  // Autobahn 7.5.1 allows either
}

TEST_F(WsConformance, C4_ValidCloseCodesAreEchoedAndTheTcpConnectionEndsAtOnce) {
  for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    auto ws = open();
    const auto sent = std::chrono::steady_clock::now();
    ws->send(ws_frame(kClose, close_payload(static_cast<std::uint16_t>(code), "bye")));
    EXPECT_EQ(ws->read_until_close(std::chrono::seconds(30)), code);
    EXPECT_TRUE(ws->socket().wait_closed(std::chrono::seconds(30))) << "code " << code;
    // "At once" against the alternative, the server waiting for the client to end TCP until its
    // 5 s close timeout: anything before that is the server's own doing, however loaded the box.
    EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::milliseconds(4500)) << "code " << code;
  }
  // An empty close frame is answered with 1000.
  auto ws = open();
  ws->send(ws_frame(kClose, ""));
  EXPECT_EQ(ws->read_until_close(), 1000);
}

TEST_F(WsConformance, C4_AClientThatNeverAnswersTheServersCloseIsDroppedWithinTheCloseTimeout) {
  auto ws = open();
  ws->send(ws_frame(kText, "not json"));  // the server closes with 4002 ...
  EXPECT_EQ(ws->read_until_close(), 4002);
  const auto asked = std::chrono::steady_clock::now();
  // ... and the client keeps silent: the close handshake times out (5 s) and the server drops TCP.
  // The bound leaves a loaded machine's timers room and still catches a server that never drops
  // it (the next thing that would is the 60 s idle timeout).
  EXPECT_TRUE(ws->socket().wait_closed(std::chrono::seconds(40)));
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(20));
}

// ---- C5: ping and pong ----

TEST_F(WsConformance, C5_APingIsAnsweredWithAPongCarryingTheSamePayload) {
  auto ws = open();
  std::string binary(125, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);
  for (const std::string& payload : {std::string(), std::string("hello"), binary}) {
    ws->send(ws_frame(kPing, payload));
    auto pong = ws->read_frame();
    ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->opcode, kPong);
    EXPECT_TRUE(pong->fin);
    EXPECT_EQ(pong->payload, payload);
  }
}

TEST_F(WsConformance, C5_AnUnsolicitedPongIsIgnored) {
  auto ws = open();
  ws->send(ws_frame(kPong, "unsolicited") + ws_frame(kText, kPingJson));
  auto answer = ws->read_frame();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->opcode, kText);
  EXPECT_EQ(answer->payload, R"({"type":"pong"})");
}

}  // namespace
}  // namespace lodestone::testing::reliability
