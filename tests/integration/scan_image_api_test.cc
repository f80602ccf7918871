// POST /api/v1/scans/image through the real daemon (symbols made by zint at test time, as PNG
// and JPEG; a non-image, a wrong media type, an oversize body, callers without credentials),
// and `storeedgectl scan decode` on generated files, each output line parsed.
#include <boost/json/parse.hpp>

#include "integration/daemon_fixture.h"
#include "scanner/image.h"
#include "support/barcode_images.h"

namespace storeedge::testing {
namespace {

using std::chrono::milliseconds;

class ScanImageApiTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    start();
    token_ = provision();
    HttpClient c(port_);
    session_ = sign_in(c, token_, R"({"badge":"BADGE-M1","pin":"1234"})");
    gs1_png_ =
        zint_png(dir_.path(), "gs1", "GS1_128", "[01]09506000134352[10]ABC123", {"--scale=3"});
    ASSERT_FALSE(gs1_png_.empty());
  }
  HttpResult post_image(const std::string& body, const std::string& type,
                        std::map<std::string, std::string> headers) {
    headers["Content-Type"] = type;
    HttpClient c(port_);
    return c.request("POST", "/api/v1/scans/image", body, headers);
  }
  HttpResult post_image(const std::string& body, const std::string& type) {
    return post_image(body, type, auth_headers(token_, session_));
  }
  std::string token_, session_, gs1_png_;
};

TEST_F(ScanImageApiTest, PngAndJpegPhotosGiveTheirScan) {
  auto r = post_image(gs1_png_, "image/png");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto codes = r.json().at("codes").as_array();
  ASSERT_EQ(codes.size(), 1u) << r.body;
  const auto& code = codes[0].as_object();
  EXPECT_EQ(code.at("aim").as_string(), "]C1");
  EXPECT_EQ(code.at("symbology").as_string(), "GS1-128");
  EXPECT_EQ(code.at("text").as_string(),
            "0109506000134352"
            "10ABC123");
  EXPECT_EQ(code.at("gtin").as_string(), "09506000134352");
  EXPECT_EQ(code.at("gs1").as_array().size(), 2u);
  EXPECT_EQ(code.at("gs1").as_array()[1].at("value").as_string(), "ABC123");

  auto image = scanner::load_image(
      zint_png(dir_.path(), "upce", "UPCE", "0123456", {"--scale=3", "--rotate=180"}));
  ASSERT_TRUE(image);
  // The media type only says "an image": a JPEG labelled PNG is read as the JPEG it is.
  r = post_image(encode_jpeg(*image, 85), "image/png; charset=binary");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  ASSERT_EQ(body.at("codes").as_array().size(), 1u) << r.body;
  const auto& upce = body.at("codes").as_array()[0];
  EXPECT_EQ(upce.at("symbology").as_string(), "UPC-E");
  EXPECT_EQ(upce.at("gtin").as_string(), "00012345000065");
}

TEST_F(ScanImageApiTest, AnImageWithoutACodeIsAnEmptyList) {
  scanner::GreyImage grey{320, 240, std::vector<std::uint8_t>(320 * 240, 200)};
  auto r = post_image(encode_jpeg(grey), "image/jpeg");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("codes").as_array().empty()) << r.body;
}

TEST_F(ScanImageApiTest, RefusesWhatIsNotAPhoto) {
  auto r = post_image("not an image at all", "image/jpeg");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "bad_image");
  r = post_image(gs1_png_.substr(0, gs1_png_.size() / 2), "image/png");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "bad_image");
  r = post_image(gs1_png_, "application/octet-stream");
  EXPECT_EQ(r.status, 415) << r.body;
  EXPECT_EQ(error_code(r), "unsupported_media_type");
  r = post_image(R"({"image":"x"})", "application/json");
  EXPECT_EQ(r.status, 415) << r.body;

  // Past http.max_body_bytes (1 MiB by default) the HTTP layer answers before the route.
  const std::string big(1024 * 1024 + 1, 'x');
  std::string raw =
      raw_exchange(port_,
                   "POST /api/v1/scans/image HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n"
                   "Authorization: Bearer " +
                       token_ + "\r\nStoreEdge-Session: " + session_ +
                       "\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big,
                   milliseconds(3000));
  EXPECT_EQ(raw.rfind("HTTP/1.1 413", 0), 0u) << raw.substr(0, 200);
  EXPECT_NE(raw.find("payload_too_large"), std::string::npos);
}

TEST_F(ScanImageApiTest, NeedsADeviceAndASession) {
  auto r = post_image(gs1_png_, "image/png", {});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(error_code(r), "unauthenticated");
  r = post_image(gs1_png_, "image/png", auth_headers(token_));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(error_code(r), "session_required");
  r = post_image(gs1_png_, "image/png", auth_headers("dev_not-a-token", session_));
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(ScanImageApiTest, CtlScanDecodePrintsOneObjectPerCode) {
  const std::string dm = dir_.file("dm.png");
  ASSERT_FALSE(zint_png(dir_.path(), "dm", "DATAMATRIX", "[01]09506000134352[17]250101",
                        {"--gs1", "--scale=4", "--whitesp=4", "--vwhitesp=4"})
                   .empty());
  const std::string gs1 = dir_.file("gs1.png");
  write_file(dir_.file("notes.txt"), "not an image");
  scanner::GreyImage grey{64, 64, std::vector<std::uint8_t>(64 * 64, 255)};
  write_file(dir_.file("blank.jpg"), encode_jpeg(grey));

  auto run = [](std::vector<std::string> files) {
    std::vector<std::string> argv = {STOREEDGECTL_BIN, "scan", "decode"};
    argv.insert(argv.end(), files.begin(), files.end());
    auto [code, out] = run_command(argv);
    std::vector<boost::json::object> lines;
    for (std::size_t at = 0; at < out.size();) {
      const auto nl = out.find('\n', at);
      EXPECT_NE(nl, std::string::npos) << "unterminated line: " << out.substr(at);
      if (nl == std::string::npos) break;
      boost::system::error_code ec;
      auto v = boost::json::parse(out.substr(at, nl - at), ec);
      EXPECT_FALSE(ec) << out.substr(at, nl - at);
      if (!ec && v.is_object()) lines.push_back(v.as_object());
      at = nl + 1;
    }
    return std::make_pair(code, lines);
  };

  auto [ok_code, ok_lines] = run({dm, gs1});
  EXPECT_EQ(ok_code, 0);
  ASSERT_EQ(ok_lines.size(), 2u);
  EXPECT_EQ(ok_lines[0].at("file").as_string(), dm);
  EXPECT_EQ(ok_lines[0].at("aim").as_string(), "]d2");
  EXPECT_EQ(ok_lines[0].at("symbology").as_string(), "GS1 DataMatrix");
  EXPECT_EQ(ok_lines[0].at("gtin").as_string(), "09506000134352");
  EXPECT_EQ(ok_lines[0].at("gs1").as_array()[1].at("ai").as_string(), "17");
  EXPECT_EQ(ok_lines[1].at("file").as_string(), gs1);
  EXPECT_EQ(ok_lines[1].at("aim").as_string(), "]C1");

  auto [bad_code, bad_lines] =
      run({dir_.file("missing.png"), dir_.file("notes.txt"), dir_.file("blank.jpg"), dm});
  EXPECT_EQ(bad_code, 1);
  ASSERT_EQ(bad_lines.size(), 4u);
  EXPECT_EQ(bad_lines[0].at("error").at("code").as_string(), "unreadable");
  EXPECT_EQ(bad_lines[1].at("error").at("code").as_string(), "bad_image");
  EXPECT_EQ(bad_lines[2].at("error").at("code").as_string(), "no_barcode");
  EXPECT_EQ(bad_lines[3].at("symbology").as_string(), "GS1 DataMatrix");
}

}  // namespace
}  // namespace storeedge::testing
