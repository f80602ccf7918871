#include "scanner/hid_descriptor.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace storeedge::scanner {

namespace {

constexpr std::size_t kMaxMainItems = 1024;
constexpr std::size_t kMaxDepth = 16;
constexpr std::size_t kMaxUsagesPerItem = 4096;
constexpr std::size_t kMaxGlobalStack = 8;
constexpr std::uint32_t kMaxElementBits = 256;  // Linux refuses larger report sizes too

Error bad(std::string message) {
  return make_error("bad_descriptor", std::move(message));
}

struct Globals {
  std::uint16_t usage_page = 0;
  std::uint32_t report_size = 0;
  std::uint32_t report_count = 0;
  std::uint8_t report_id = 0;
};

// A local usage as written: with a page of its own (4-byte form) or taking the usage page in
// effect at the main item.
struct LocalUsage {
  std::uint32_t value = 0;
  bool extended = false;
};

struct Locals {
  std::vector<LocalUsage> usages;
  std::optional<LocalUsage> minimum;
  std::optional<LocalUsage> maximum;
};

std::uint32_t resolve(LocalUsage u, std::uint16_t page) {
  return u.extended ? u.value : hid_usage(page, static_cast<std::uint16_t>(u.value));
}

struct Collection {
  std::uint8_t type = 0;
  std::uint32_t usage = 0;
};

class Parser {
 public:
  Result<ReportDescriptor> run(std::span<const std::uint8_t> bytes);

 private:
  Result<std::vector<std::uint32_t>> take_usages();
  Result<void> main_item(std::uint8_t tag, std::uint32_t data);
  Result<void> report_item(ReportType type, std::uint32_t data);
  Result<void> global_item(std::uint8_t tag, std::uint32_t data);
  Result<void> local_item(std::uint8_t tag, std::uint32_t data, std::size_t size);

  ReportDescriptor out_;
  Globals globals_;
  std::vector<Globals> global_stack_;
  Locals locals_;
  std::vector<Collection> collections_;
  std::uint32_t application_ = 0;
  std::map<std::pair<int, std::uint8_t>, std::uint32_t> bits_;  // (type, id) → bits so far
};

Result<std::vector<std::uint32_t>> Parser::take_usages() {
  std::vector<std::uint32_t> usages;
  for (const auto& u : locals_.usages) usages.push_back(resolve(u, globals_.usage_page));
  if (locals_.minimum && locals_.maximum) {
    const std::uint32_t lo = resolve(*locals_.minimum, globals_.usage_page);
    const std::uint32_t hi = resolve(*locals_.maximum, globals_.usage_page);
    if (hi < lo || hi - lo >= kMaxUsagesPerItem) return bad("usage range too large or reversed");
    for (std::uint32_t u = lo; u <= hi; ++u) usages.push_back(u);
  }
  if (usages.size() > kMaxUsagesPerItem) return bad("too many usages for one item");
  locals_ = Locals{};
  return usages;
}

Result<void> Parser::report_item(ReportType type, std::uint32_t data) {
  if (out_.fields.size() >= kMaxMainItems) return bad("too many main items");
  if (globals_.report_size == 0 || globals_.report_size > kMaxElementBits)
    return bad("report size must be 1-" + std::to_string(kMaxElementBits) + " bits");
  auto usages = take_usages();
  if (!usages) return usages.error();
  ReportField f;
  f.type = type;
  f.report_id = globals_.report_id;
  f.size = globals_.report_size;
  f.count = globals_.report_count;
  f.constant = (data & 0x01) != 0;
  f.usages = std::move(*usages);
  f.application = application_;
  f.collection = collections_.empty() ? 0 : collections_.back().usage;
  std::uint32_t& bits = bits_[{static_cast<int>(type), f.report_id}];
  f.bit_offset = bits;
  const std::uint64_t end = std::uint64_t{bits} + std::uint64_t{f.size} * f.count;
  if (end > (kMaxReportBytes - 1) * 8) return bad("report longer than the bound");
  bits = static_cast<std::uint32_t>(end);
  out_.fields.push_back(std::move(f));
  return {};
}

Result<void> Parser::main_item(std::uint8_t tag, std::uint32_t data) {
  switch (tag) {
    case 0x8:
      return report_item(ReportType::input, data);
    case 0x9:
      return report_item(ReportType::output, data);
    case 0xb:
      return report_item(ReportType::feature, data);
    case 0xa: {  // Collection
      if (collections_.size() >= kMaxDepth) return bad("collections nested too deep");
      auto usages = take_usages();
      if (!usages) return usages.error();
      Collection c{static_cast<std::uint8_t>(data), usages->empty() ? 0 : usages->front()};
      if (collections_.empty() && c.type == 0x01) {
        application_ = c.usage;
        out_.applications.push_back(c.usage);
      }
      collections_.push_back(c);
      return {};
    }
    case 0xc:  // End Collection
      if (collections_.empty()) return bad("End Collection without Collection");
      collections_.pop_back();
      if (collections_.empty()) application_ = 0;
      locals_ = Locals{};
      return {};
    default:
      return bad("unknown main item");
  }
}

Result<void> Parser::global_item(std::uint8_t tag, std::uint32_t data) {
  switch (tag) {
    case 0x0:
      globals_.usage_page = static_cast<std::uint16_t>(data);
      return {};
    case 0x7:
      globals_.report_size = data;
      return {};
    case 0x8:
      if (data == 0 || data > 0xff) return bad("report id must be 1-255");
      globals_.report_id = static_cast<std::uint8_t>(data);
      out_.uses_report_ids = true;
      return {};
    case 0x9:
      globals_.report_count = data;
      return {};
    case 0xa:  // Push
      if (global_stack_.size() >= kMaxGlobalStack) return bad("Push nested too deep");
      global_stack_.push_back(globals_);
      return {};
    case 0xb:  // Pop
      if (global_stack_.empty()) return bad("Pop without Push");
      globals_ = global_stack_.back();
      global_stack_.pop_back();
      return {};
    default:  // logical/physical extents, unit, unit exponent: not needed here
      return {};
  }
}

Result<void> Parser::local_item(std::uint8_t tag, std::uint32_t data, std::size_t size) {
  const LocalUsage usage{data, size == 4};
  switch (tag) {
    case 0x0:
      if (locals_.usages.size() >= kMaxUsagesPerItem) return bad("too many usages");
      locals_.usages.push_back(usage);
      return {};
    case 0x1:
      locals_.minimum = usage;
      return {};
    case 0x2:
      locals_.maximum = usage;
      return {};
    default:  // designators, strings, delimiters
      return {};
  }
}

Result<ReportDescriptor> Parser::run(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxReportDescriptorBytes) return bad("descriptor longer than 4096 bytes");
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t prefix = bytes[i];
    if (prefix == 0xfe) {  // long item: size, tag, data; no long items are defined
      if (i + 1 >= bytes.size()) return bad("truncated long item");
      const std::size_t size = bytes[i + 1];
      if (i + 3 + size > bytes.size()) return bad("truncated long item");
      i += 3 + size;
      continue;
    }
    const std::size_t size = (prefix & 0x03) == 3 ? 4 : (prefix & 0x03);
    if (i + 1 + size > bytes.size()) return bad("truncated item");
    std::uint32_t data = 0;
    for (std::size_t k = 0; k < size; ++k) data |= std::uint32_t{bytes[i + 1 + k]} << (8 * k);
    const auto type = static_cast<std::uint8_t>((prefix >> 2) & 0x03);
    const auto tag = static_cast<std::uint8_t>(prefix >> 4);
    Result<void> r;
    if (type == 0)
      r = main_item(tag, data);
    else if (type == 1)
      r = global_item(tag, data);
    else if (type == 2)
      r = local_item(tag, data, size);
    if (!r) return r.error();
    i += 1 + size;
  }
  if (!collections_.empty()) return bad("Collection without End Collection");
  return std::move(out_);
}

struct Found {
  const ReportField* field = nullptr;
  std::size_t element = 0;
};

// The first element carrying `usage` in the input report `id` of the application.
Found find_usage(const ReportDescriptor& d, std::uint32_t application, std::uint8_t id,
                 std::uint32_t usage) {
  for (const auto& f : d.fields) {
    if (f.type != ReportType::input || f.application != application || f.report_id != id ||
        f.constant)
      continue;
    for (std::size_t e = 0; e < f.count; ++e)
      if (f.usage_at(e) == usage) return {&f, e};
  }
  return {};
}

// Byte offset in the report as read of an element that must be a whole, aligned byte.
std::optional<std::size_t> byte_at(const ReportDescriptor& d, Found found) {
  if (!found.field || found.field->size != 8) return std::nullopt;
  const std::size_t bit = found.field->bit_offset + found.element * 8;
  if (bit % 8 != 0) return std::nullopt;
  return bit / 8 + (d.uses_report_ids ? 1 : 0);
}

std::optional<ScannedDataLayout> layout_from(const ReportDescriptor& d, std::uint32_t app) {
  namespace u = hid_pos_usage;
  for (const auto& f : d.fields) {
    if (f.type != ReportType::input || f.application != app || f.constant) continue;
    for (std::size_t e = 0; e < f.count; ++e) {
      if (f.usage_at(e) != hid_usage(kHidPosPage, u::kDecodedData)) continue;
      const auto data_at = byte_at(d, {&f, e});
      if (!data_at) return std::nullopt;
      ScannedDataLayout l;
      l.report_id = f.report_id;
      l.report_bytes = d.report_bytes(ReportType::input, f.report_id);
      l.data_at = *data_at;
      // The data runs over the consecutive elements carrying Decoded Data.
      std::size_t n = 0;
      while (e + n < f.count && f.usage_at(e + n) == hid_usage(kHidPosPage, u::kDecodedData)) ++n;
      l.data_bytes = n;
      l.byte_count_at = byte_at(d, find_usage(d, app, f.report_id, kByteCountUsage));
      const auto s1 = byte_at(
          d, find_usage(d, app, f.report_id, hid_usage(kHidPosPage, u::kSymbologyIdentifier1)));
      const auto s2 = byte_at(
          d, find_usage(d, app, f.report_id, hid_usage(kHidPosPage, u::kSymbologyIdentifier2)));
      const auto s3 = byte_at(
          d, find_usage(d, app, f.report_id, hid_usage(kHidPosPage, u::kSymbologyIdentifier3)));
      if (s1 && s2 && s3 && *s2 == *s1 + 1 && *s3 == *s1 + 2) l.aim_at = s1;
      const Found more =
          find_usage(d, app, f.report_id, hid_usage(kHidPosPage, u::kDecodeDataContinued));
      if (more.field)
        l.more_data_bit =
            more.field->bit_offset + more.element * more.field->size + (d.uses_report_ids ? 8 : 0);
      return l;
    }
  }
  return std::nullopt;
}

std::vector<ReportRef> reports_of(const ReportDescriptor& d, std::uint32_t app, ReportType type) {
  std::vector<ReportRef> out;
  for (const auto& f : d.fields) {
    if (f.type != type || f.application != app) continue;
    const ReportRef ref{f.report_id, d.report_bytes(type, f.report_id)};
    if (std::find(out.begin(), out.end(), ref) == out.end()) out.push_back(ref);
  }
  return out;
}

}  // namespace

std::uint32_t ReportField::usage_at(std::size_t element) const {
  if (usages.empty()) return 0;
  return usages[std::min(element, usages.size() - 1)];
}

std::size_t ReportDescriptor::report_bytes(ReportType type, std::uint8_t id) const {
  std::uint64_t bits = 0;
  for (const auto& f : fields)
    if (f.type == type && f.report_id == id) bits += std::uint64_t{f.size} * f.count;
  return static_cast<std::size_t>((bits + 7) / 8) + (uses_report_ids ? 1 : 0);
}

Result<ReportDescriptor> parse_report_descriptor(std::span<const std::uint8_t> bytes) {
  try {
    return Parser{}.run(bytes);
  } catch (const std::exception& e) {  // allocation failure
    return make_error("internal", e.what());
  }
}

ScannedDataLayout common_scanned_data_layout() {
  ScannedDataLayout l;
  l.report_id = 2;
  l.report_bytes = 64;
  l.byte_count_at = 1;
  l.aim_at = 2;
  l.data_at = 5;
  l.data_bytes = 56;
  l.more_data_bit = 63 * 8;
  l.assumed = true;
  return l;
}

Result<HidPosDescriptor> find_hid_pos(std::span<const std::uint8_t> descriptor) {
  auto parsed = parse_report_descriptor(descriptor);
  if (!parsed) return parsed.error();
  const ReportDescriptor& d = *parsed;
  const auto app = std::find_if(d.applications.begin(), d.applications.end(),
                                [](std::uint32_t u) { return (u >> 16) == kHidPosPage; });
  if (app == d.applications.end())
    return make_error("not_a_scanner", "no HID POS (usage page 0x8C) application collection");
  HidPosDescriptor out;
  out.application = *app;
  if (auto layout = layout_from(d, *app))
    out.scanned_data = *layout;
  else
    out.scanned_data = common_scanned_data_layout();
  out.feature_reports = reports_of(d, *app, ReportType::feature);
  out.output_reports = reports_of(d, *app, ReportType::output);
  for (const auto& f : d.fields)
    if (f.type == ReportType::input)
      out.max_input_report_bytes =
          std::max(out.max_input_report_bytes, d.report_bytes(ReportType::input, f.report_id));
  out.max_input_report_bytes = std::max(out.max_input_report_bytes, out.scanned_data.report_bytes);
  return out;
}

}  // namespace storeedge::scanner
