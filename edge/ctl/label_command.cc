#include "ctl/label_command.h"

#include <charconv>
#include <fstream>
#include <optional>

#include "printer/barcode.h"
#include "printer/label_kinds.h"
#include "printer/label_render.h"

namespace storeedge::ctl {

namespace {

using namespace printer;

class Flags {
 public:
  explicit Flags(const std::map<std::string, std::string>& flags) : flags_(flags) {}
  std::string get(const std::string& name, std::string fallback) const {
    auto it = flags_.find(name);
    return it == flags_.end() ? fallback : it->second;
  }
  bool has(const std::string& name) const { return flags_.contains(name); }
  // The flag as a whole number, or nullopt (a usage error) when it is not one.
  std::optional<int> number(const std::string& name, int fallback) const {
    auto it = flags_.find(name);
    if (it == flags_.end()) return fallback;
    int value = 0;
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
  }

 private:
  const std::map<std::string, std::string>& flags_;
};

struct Usage {
  std::string why;
};

std::string sample_sscc() {
  const std::string body = "10614141123456789";  // extension 1, company prefix 0614141
  return body + gs1_check_digit(body);
}

const std::string kSampleOrder = "ORD-2024-000123";

Result<Label> bag(const Flags& f, std::optional<Usage>& usage) {
  BagLabelInput in{f.get("order", kSampleOrder), "AL-88412", f.get("customer", "Jane Doe"),
                   f.get("location", "S-04"),    1,          2,
                   "StoreEdge Demo Store 0042"};
  auto n = f.number("bag", 1);
  auto m = f.number("bags", 2);
  if (!n || !m) usage = Usage{"--bag and --bags must be numbers"};
  in.bag = n.value_or(1);
  in.bags = m.value_or(1);
  return make_bag_label(in);
}

Result<Label> shipping(const Flags& f, std::optional<Usage>& usage) {
  ShippingLabelInput in;
  in.sscc = f.get("sscc", sample_sscc());
  in.ship_to = {"Jane Doe", "12 Harbour Street", "Flat 3", "Springfield IL 62701", "USA"};
  in.ship_from = {"StoreEdge Demo Store 0042", "1 Market Square", "Springfield IL 62702"};
  in.carrier = "UPS";
  in.service = "Ground";
  in.tracking = f.get("tracking", "1Z999AA10123456784");
  auto weight = f.number("weight", 1250);
  if (!weight) usage = Usage{"--weight must be grams"};
  in.weight_grams = weight.value_or(0);
  in.order = f.get("order", kSampleOrder);
  return make_shipping_label(in);
}

Result<Label> packing_slip(const Flags& f, std::optional<Usage>& usage) {
  PackingSlipInput in;
  in.order = f.get("order", kSampleOrder);
  in.ship_to = {"Jane Doe", "12 Harbour Street", "Springfield IL 62701"};
  const std::string page = f.get("page", "a4");
  if (page != "a4" && page != "letter") usage = Usage{"--page must be a4 or letter"};
  in.page = page == "letter" ? PageSize::letter : PageSize::a4;
  auto lines = f.number("lines", 12);
  if (!lines) usage = Usage{"--lines must be a number"};
  for (int i = 1; i <= lines.value_or(0); ++i)
    in.lines.push_back(
        {"SKU-" + std::to_string(10000 + i), "Sample item " + std::to_string(i), 1 + i % 3});
  return make_packing_slip(in);
}

Result<Label> return_label(const Flags& f) {
  ReturnLabelInput in;
  in.return_id = f.get("return-id", "RET-2024-0042");
  in.from_store = "StoreEdge Demo Store 0042";
  in.to_dc = {"StoreEdge DC North", "Returns dock 7", "400 Logistics Way", "Joliet IL 60431"};
  in.reason = "Damaged packaging";
  in.items = {{"SKU-10001", "Kettle", 1}, {"SKU-10002", "Mug, blue", 4}, {"SKU-10003", "", 2}};
  return make_return_label(in);
}

Result<Label> bin(const Flags& f) {
  BinLabelInput in;
  in.location = f.get("location", "A-03-2");
  if (f.has("sku")) in.sku = f.get("sku", "");
  if (f.has("description")) in.description = f.get("description", "");
  return make_bin_label(in);
}

}  // namespace

std::vector<std::string> label_render_flags() {
  return {"kind",     "format",   "dpi",         "page",      "out",  "order",
          "customer", "location", "bag",         "bags",      "sscc", "tracking",
          "weight",   "sku",      "description", "return-id", "lines"};
}

int run_label_render(const std::map<std::string, std::string>& flags, std::ostream& out,
                     std::ostream& err) {
  const Flags f(flags);
  const auto usage_error = [&](const std::string& why) {
    err << "storeedgectl: label render: " << why << "\n";
    return 2;
  };
  const std::string kind = f.get("kind", "");
  const std::string format_flag = f.get("format", "");
  DocumentFormat format = DocumentFormat::zpl;
  if (format_flag == "pdf")
    format = DocumentFormat::pdf;
  else if (format_flag == "png")
    format = DocumentFormat::png;
  else if (format_flag != "zpl")
    return usage_error("--format must be zpl, pdf or png");
  if (f.has("page") && kind != "packing-slip")
    return usage_error("--page is for --kind packing-slip");
  const auto dpi = f.number("dpi", format == DocumentFormat::pdf ? 300 : 203);
  if (!dpi) return usage_error("--dpi must be a number");

  std::optional<Usage> usage;
  Result<Label> label = make_error("", "");
  if (kind == "bag")
    label = bag(f, usage);
  else if (kind == "shipping")
    label = shipping(f, usage);
  else if (kind == "packing-slip")
    label = packing_slip(f, usage);
  else if (kind == "return")
    label = return_label(f);
  else if (kind == "bin")
    label = bin(f);
  else
    return usage_error("--kind must be bag, shipping, packing-slip, return or bin");
  if (usage) return usage_error(usage->why);
  auto document = label ? render_document(*label, format, *dpi) : Result<Document>(label.error());
  if (!document) {
    err << "storeedgectl: " << document.error().code << ": " << document.error().message << "\n";
    return 1;
  }
  if (!f.has("out")) {
    out.write(document->bytes.data(), static_cast<std::streamsize>(document->bytes.size()));
    out.flush();
    return out ? 0 : 1;
  }
  const std::string path = f.get("out", "");
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(document->bytes.data(), static_cast<std::streamsize>(document->bytes.size()));
  file.close();
  if (!file) {
    err << "storeedgectl: cannot write '" << path << "'\n";
    return 1;
  }
  return 0;
}

}  // namespace storeedge::ctl
