// storeedgectl: the operator's command line. Works on the state directory's database directly
// (WAL and a busy timeout let it run beside the daemon), so it also works while the daemon is
// stopped — which is how the first manager and the first device come to exist.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <map>

#include "auth/identity.h"
#include "auth/secrets.h"
#include "core/clock.h"
#include "ctl/label_command.h"
#include "ctl/print_commands.h"
#include "ctl/restore_command.h"
#include "ctl/returns_command.h"
#include "ctl/scan_command.h"
#include "ctl/sync_commands.h"
#include "devices/scanner_rows.h"
#include "store/state_dir.h"

namespace {

using namespace storeedge;

const char* const kUsage =
    "usage: storeedgectl [--config FILE] [--state-dir DIR] COMMAND\n"
    "  users add --id ID --name NAME --role associate|lead|manager [--badge CODE]\n"
    "                            (reads the PIN from standard input, or prompts on a terminal)\n"
    "  users list\n"
    "  users set-pin --id ID     (reads the new PIN like users add)\n"
    "  users deactivate --id ID\n"
    "  devices enrol --id ID --kind handheld|pos|pack_station|kiosk --name NAME\n"
    "                [--station STATION]  (prints the device token once; only its hash is stored)\n"
    "  devices [list]            (enrolled devices, then scanners: station, state, last event)\n"
    "  devices set-station --id ID [--station STATION]  (no --station: clears it)\n"
    "  devices revoke --id ID\n"
    "  audit [--limit N]\n"
    "  print-jobs [list] [--state STATE] [--limit N]   (the print queue, newest first)\n"
    "  print-jobs reprint --id N | print-jobs cancel --id N\n"
    "  returns [list] [--review pending|approved|flagged] [--order ID] [--limit N]\n"
    "  returns show --id R-...                         (a POS return with its lines)\n"
    "  sync status               (OMS sync: epochs, applied, outbox, quarantine, exceptions)\n"
    "  sync quarantine [--limit N | --id N]   (refused down messages; --id shows one payload)\n"
    "  sync exceptions [--limit N | --seq N]  (up messages the OMS nacked)\n"
    "  backup --to FILE          (a consistent copy of the live database; the daemon may run)\n"
    "  restore --from BACKUP     (with storeedged stopped: the backup replaces the database,\n"
    "                            which is kept aside; starts a new up epoch, docs/operations.md)\n"
    "  scan decode FILE...       (barcodes in JPEG/PNG images, one JSON object per line;\n"
    "                            needs no database or daemon)\n"
    "  label render --kind bag|shipping|packing-slip|return|bin --format zpl|pdf|png\n"
    "               [--dpi 203|300] [--page a4|letter] [--out FILE]\n"
    "               [--order ID] [--customer NAME] [--location LOC] [--bag N] [--bags N]\n"
    "               [--sscc 18DIGITS] [--tracking NO] [--weight GRAMS] [--sku SKU]\n"
    "               [--description TEXT] [--return-id ID] [--lines N]\n"
    "                            (a sample label with these fields overridden, to standard\n"
    "                            output or FILE; needs no database or daemon)\n";

struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> flags;
};

int usage_error(const std::string& why) {
  std::cerr << "storeedgectl: " << why << "\n" << kUsage;
  return 2;
}

// The flags each command takes; anything else is a usage error, not silently ignored.
std::optional<std::string> check_flags(const Args& a) {
  static const std::map<std::vector<std::string>, std::vector<std::string>> allowed = {
      {{"users", "add"}, {"id", "name", "role", "badge"}},
      {{"users", "list"}, {}},
      {{"users", "set-pin"}, {"id"}},
      {{"users", "deactivate"}, {"id"}},
      {{"devices", "enrol"}, {"id", "kind", "name", "station"}},
      {{"devices", "list"}, {}},
      {{"devices"}, {}},
      {{"devices", "set-station"}, {"id", "station"}},
      {{"devices", "revoke"}, {"id"}},
      {{"audit"}, {"limit"}},
      {{"print-jobs"}, {"state", "limit"}},
      {{"print-jobs", "list"}, {"state", "limit"}},
      {{"print-jobs", "reprint"}, {"id"}},
      {{"print-jobs", "cancel"}, {"id"}},
      {{"returns"}, {"review", "order", "limit"}},
      {{"returns", "list"}, {"review", "order", "limit"}},
      {{"returns", "show"}, {"id"}},
      {{"sync", "status"}, {}},
      {{"sync", "quarantine"}, {"limit", "id"}},
      {{"sync", "exceptions"}, {"limit", "seq"}},
      {{"restore"}, {"from"}},
      {{"backup"}, {"to"}},
      {{"label", "render"}, ctl::label_render_flags()},
  };
  auto it = allowed.find(a.words);
  if (it == allowed.end()) return "unknown command";
  for (const auto& [flag, value] : a.flags) {
    if (std::find(it->second.begin(), it->second.end(), flag) == it->second.end())
      return "unknown option --" + flag + " for this command";
  }
  return std::nullopt;
}

int fail(const Error& e) {
  std::cerr << "storeedgectl: " << e.code << ": " << e.message << "\n";
  return 1;
}

std::string read_pin() {
  const bool tty = isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::cerr << "PIN: " << std::flush;
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string pin;
  std::getline(std::cin, pin);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
  return pin;
}

std::string operator_name() {
  const char* user = std::getenv("SUDO_USER");
  if (!user) user = std::getenv("USER");
  return std::string("operator:") + (user ? user : "unknown");
}

// Runs `change` and its audit row in one transaction.
Result<void> commit(store::Connection& db, const std::string& action, const std::string& target,
                    const std::function<Result<void>(store::Connection&)>& change) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r;
  auto r = change(db);
  if (r) {
    r = auth::append_audit(
        db, {format_rfc3339(std::chrono::system_clock::now()), std::nullopt, operator_name(),
             std::nullopt, "ctl " + action, target, "ok", std::nullopt});
  }
  if (!r) {
    (void)db.exec("ROLLBACK");
    return r;
  }
  return db.exec("COMMIT");
}

std::string opt(const std::optional<std::string>& s) {
  return s.value_or("-");
}

int run(const Args& a, store::Connection& db, const Config& config) {
  const auto& w = a.words;
  auto flag = [&](const std::string& k) -> std::string {
    auto it = a.flags.find(k);
    return it == a.flags.end() ? std::string() : it->second;
  };
  const std::string now = format_rfc3339(std::chrono::system_clock::now());
  if (w == std::vector<std::string>{"users", "add"}) {
    auth::NewUser u{flag("id"), flag("name"), auth::Role::associate, std::nullopt, ""};
    auto role = auth::parse_role(flag("role"));
    if (!role) return usage_error("--role must be associate, lead or manager");
    u.role = *role;
    if (a.flags.contains("badge")) u.badge = flag("badge");
    u.pin = read_pin();
    if (auto invalid = auth::validate_new_user(u)) return fail(*invalid);
    const std::string hash = auth::hash_pin(u.pin, config.auth.pin_hash_iterations);
    if (auto r = commit(db, "users add", u.user_id,
                        [&](store::Connection& c) { return auth::insert_user(c, u, hash, now); });
        !r)
      return fail(r.error());
    std::cout << "created " << auth::role_name(u.role) << " " << u.user_id << "\n";
    return 0;
  }
  if (w == std::vector<std::string>{"users", "list"}) {
    auto users = auth::list_users(db);
    if (!users) return fail(users.error());
    std::cout << "ID\tROLE\tACTIVE\tBADGE\tNAME\n";
    for (const auto& u : *users)
      std::cout << u.user_id << "\t" << auth::role_name(u.role) << "\t" << (u.active ? "yes" : "no")
                << "\t" << (u.has_badge ? "yes" : "no") << "\t" << u.display_name << "\n";
    return 0;
  }
  if (w == std::vector<std::string>{"users", "set-pin"} ||
      w == std::vector<std::string>{"users", "deactivate"}) {
    const bool set_pin = w[1] == "set-pin";
    std::optional<std::string> hash;
    if (set_pin) {
      std::string pin = read_pin();
      if (!auth::is_valid_pin(pin))
        return fail(make_error("invalid_request", "pin: must be 4-12 digits"));
      hash = auth::hash_pin(pin, config.auth.pin_hash_iterations);
    }
    std::optional<bool> active;
    if (!set_pin) active = false;
    if (auto r = commit(db, "users " + w[1], flag("id"),
                        [&](store::Connection& c) {
                          return auth::update_user(c, flag("id"), std::nullopt, active, hash, now);
                        });
        !r)
      return fail(r.error());
    std::cout << "updated " << flag("id") << "\n";
    return 0;
  }
  if (w == std::vector<std::string>{"devices", "enrol"}) {
    std::optional<std::string> station;
    if (a.flags.count("station")) station = flag("station");
    auth::Device d{flag("id"),      flag("kind"), flag("name"), now,
                   operator_name(), std::nullopt, station};
    if (auto invalid = auth::validate_device(d)) return fail(*invalid);
    const std::string token = auth::new_token("dev_");
    if (auto r = commit(db, "devices enrol", d.device_id,
                        [&](store::Connection& c) {
                          return auth::insert_device(c, d, auth::sha256_hex(token));
                        });
        !r)
      return fail(r.error());
    std::cerr << "enrolled " << d.kind << " " << d.device_id
              << "; its token follows, shown this once:\n";
    std::cout << token << "\n";
    return 0;
  }
  if (w == std::vector<std::string>{"devices", "list"} ||
      w == std::vector<std::string>{"devices"}) {
    auto devices = auth::list_devices(db);
    if (!devices) return fail(devices.error());
    auto scanners = devices::load_scanner_rows(db);
    if (!scanners) return fail(scanners.error());
    std::cout << "ID\tKIND\tSTATION\tSTATE\tLAST EVENT\tNAME\n";
    for (const auto& d : *devices)
      std::cout << d.device_id << "\t" << d.kind << "\t" << opt(d.station) << "\t"
                << (d.revoked_at ? "revoked " + *d.revoked_at : "active") << "\t"
                << "enrolled " << d.enrolled_at << "\t" << d.name << "\n";
    for (const auto& s : *scanners)
      std::cout << s.id << "\tscanner/" << s.transport << "\t"
                << (s.station.empty() ? "-" : s.station) << "\t" << devices::state_name(s.state)
                << "\t" << s.last_event_at << " " << s.last_event << "\t" << s.key << " "
                << s.info.product << "\n";
    return 0;
  }
  if (w == std::vector<std::string>{"devices", "set-station"}) {
    std::optional<std::string> station;
    if (a.flags.count("station")) station = flag("station");
    if (auto r = commit(
            db, "devices set-station", flag("id"),
            [&](store::Connection& c) { return auth::set_device_station(c, flag("id"), station); });
        !r)
      return fail(r.error());
    std::cout << "station of " << flag("id") << ": " << station.value_or("(none)") << "\n";
    return 0;
  }
  if (w == std::vector<std::string>{"devices", "revoke"}) {
    if (auto r =
            commit(db, "devices revoke", flag("id"),
                   [&](store::Connection& c) { return auth::revoke_device(c, flag("id"), now); });
        !r)
      return fail(r.error());
    std::cout << "revoked " << flag("id") << "\n";
    return 0;
  }
  if (!w.empty() && w[0] == "sync") return ctl::run_sync(w, a.flags, db);
  if (!w.empty() && w.front() == "print-jobs")
    return ctl::run_print_jobs(
        {w.begin() + 1, w.end()}, a.flags, db,
        [&](const std::string& action, const std::string& target,
            const std::function<Result<void>(store::Connection&)>& change) {
          return commit(db, action, target, change);
        },
        now, operator_name(), std::cout);
  if (!w.empty() && w.front() == "returns")
    return ctl::run_returns({w.begin() + 1, w.end()}, a.flags, db, std::cout);
  if (w == std::vector<std::string>{"audit"}) {
    int limit = 50;
    if (a.flags.contains("limit")) {
      const std::string& text = flag("limit");
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
      if (ec != std::errc{} || end != text.data() + text.size()) limit = 0;
    }
    if (limit < 1 || limit > 100000) return usage_error("--limit must be 1-100000");
    auto rows = auth::recent_audit(db, limit);
    if (!rows) return fail(rows.error());
    for (const auto& e : *rows)
      std::cout << e.at << "\t" << opt(e.device_id) << "\t" << opt(e.user_id) << "\t"
                << opt(e.override_by) << "\t" << e.action << "\t" << opt(e.target) << "\t"
                << e.result << "\n";
    return 0;
  }
  return usage_error("unknown command");
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::string config_file;
  ConfigOverrides overrides;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--help" || s == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (s.rfind("--", 0) == 0) {
      if (i + 1 >= argc) return usage_error(s + " needs a value");
      std::string key = s.substr(2);
      std::string value = argv[++i];
      if (key == "config")
        config_file = value;
      else if (key == "state-dir")
        overrides.state_dir = value;
      else if (key == "tenant")
        overrides.tenant = value;
      else if (key == "store")
        overrides.store = value;
      else
        a.flags[key] = value;
    } else {
      a.words.push_back(s);
    }
  }
  if (a.words.empty()) return usage_error("no command");
  if (a.words.size() >= 2 && a.words[0] == "scan" && a.words[1] == "decode") {
    if (!a.flags.empty()) return usage_error("scan decode takes no options");
    if (a.words.size() == 2) return usage_error("scan decode needs at least one FILE");
    return ctl::run_scan_decode({a.words.begin() + 2, a.words.end()}, std::cout);
  }
  if (auto bad = check_flags(a)) return usage_error(*bad);
  if (a.words == std::vector<std::string>{"label", "render"})
    return ctl::run_label_render(a.flags, std::cout, std::cerr);
  auto config = load_config(config_file, overrides);
  if (!config) return fail(config.error());
  const std::string dir = resolve_state_dir(*config);
  if (a.words == std::vector<std::string>{"restore"}) {
    auto from = a.flags.find("from");
    if (from == a.flags.end()) return usage_error("restore needs --from BACKUP");
    return ctl::run_restore(from->second, dir, *config, operator_name());
  }
  if (a.words == std::vector<std::string>{"backup"}) {
    auto to = a.flags.find("to");
    if (to == a.flags.end()) return usage_error("backup needs --to FILE");
    return ctl::run_backup(to->second, dir, *config);
  }
  // Only the commands that create the first manager or device may create a database; anything
  // else on a missing one is almost certainly a mistyped --state-dir.
  const bool creates = a.words == std::vector<std::string>{"users", "add"} ||
                       a.words == std::vector<std::string>{"devices", "enrol"};
  if (!creates && !std::filesystem::exists(std::filesystem::path(dir) / store::kDatabaseFile))
    return fail(make_error("no_database", "no database in '" + dir + "' (check --state-dir)"));
  auto db = store::open_store(dir, *config);
  if (!db) return fail(db.error());
  return run(a, *db, *config);
}
