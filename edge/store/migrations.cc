// The schema, as the sequence of migrations that builds it. docs/schema.md explains each table.
#include "store/migrations.h"

#include <string>

namespace storeedge::store {
namespace {

// Version 1: identity of the database, people and devices, sessions, the audit log and the
// local replica of the store's allocations.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
  user_id      TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('associate', 'lead', 'manager')),
  badge_hash   TEXT UNIQUE,
  pin_hash     TEXT NOT NULL,
  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
  device_id   TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('handheld', 'pos', 'pack_station', 'kiosk')),
  name        TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  enrolled_at TEXT NOT NULL,
  enrolled_by TEXT NOT NULL,
  revoked_at  TEXT
) WITHOUT ROWID;

CREATE TABLE sessions (
  session_hash TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users (user_id),
  device_id    TEXT NOT NULL REFERENCES devices (device_id),
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  ended_at     TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  device_id   TEXT,
  user_id     TEXT,
  override_by TEXT,
  action      TEXT NOT NULL,
  target      TEXT,
  result      TEXT NOT NULL,
  detail      TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE allocations (
  allocation_id  TEXT PRIMARY KEY,
  order_id       TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('bopis', 'curbside', 'ship_from_store')),
  state          TEXT NOT NULL DEFAULT 'open',
  priority       INTEGER NOT NULL DEFAULT 0,
  promised_by    TEXT,
  customer_name  TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX allocations_by_state ON allocations (state, promised_by);

CREATE TABLE allocation_lines (
  allocation_id TEXT NOT NULL REFERENCES allocations (allocation_id),
  line          TEXT NOT NULL,
  sku           TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  qty           INTEGER NOT NULL CHECK (qty > 0),
  unit_price    INTEGER NOT NULL,
  currency      TEXT NOT NULL,
  PRIMARY KEY (allocation_id, line)
) WITHOUT ROWID;
)sql";

// Version 2: the OMS sync (docs/sync.md) — the down-stream position, quarantine, the
// transactional outbox with the store's up epoch, and the rest of the store's replica.
constexpr std::string_view kV2 = R"sql(
ALTER TABLE allocations ADD COLUMN customer TEXT NOT NULL DEFAULT '{}';
ALTER TABLE allocations ADD COLUMN pickup_person TEXT;
ALTER TABLE allocations ADD COLUMN ship_to TEXT;
ALTER TABLE allocations ADD COLUMN carrier TEXT;
ALTER TABLE allocations ADD COLUMN service TEXT;
ALTER TABLE allocations ADD COLUMN substitutions_allowed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE allocations ADD COLUMN notes TEXT;
ALTER TABLE allocation_lines ADD COLUMN gtins TEXT NOT NULL DEFAULT '[]';
ALTER TABLE allocation_lines ADD COLUMN picked_qty INTEGER NOT NULL DEFAULT 0;
ALTER TABLE allocation_lines ADD COLUMN cancelled_qty INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sync_down (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  epoch      TEXT,
  applied    INTEGER NOT NULL DEFAULT 0,
  snapshot   TEXT
);
INSERT INTO sync_down (id) VALUES (1);

CREATE TABLE snapshot_seen (
  kind TEXT NOT NULL,
  key  TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE quarantine (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at TEXT NOT NULL,
  epoch       TEXT,
  seq         INTEGER,
  message_id  TEXT,
  type        TEXT,
  code        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  payload     TEXT NOT NULL
);

CREATE TABLE outbox (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL,
  payload     TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  acked_at    TEXT,
  nack_code   TEXT,
  nack_reason TEXT
);
CREATE INDEX outbox_unacked ON outbox (seq) WHERE acked_at IS NULL;
INSERT INTO store_meta (key, value) VALUES ('up_epoch', 'edge-' || lower(hex(randomblob(8))));

CREATE TABLE store_config (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE catalog_items (
  sku         TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  unit_price  INTEGER NOT NULL,
  currency    TEXT NOT NULL,
  returnable  INTEGER NOT NULL,
  location    TEXT,
  updated_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE catalog_gtins (
  gtin TEXT PRIMARY KEY,
  sku  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE returnable_orders (
  order_id   TEXT PRIMARY KEY,
  document   TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE receipt_barcodes (
  barcode  TEXT PRIMARY KEY,
  order_id TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE labels (
  allocation_id  TEXT NOT NULL,
  package        TEXT NOT NULL,
  carrier        TEXT,
  service        TEXT,
  tracking       TEXT,
  format         TEXT,
  data           TEXT,
  failure_code   TEXT,
  failure_reason TEXT,
  received_at    TEXT NOT NULL,
  PRIMARY KEY (allocation_id, package)
) WITHOUT ROWID;

CREATE TABLE put_back_work (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  allocation_id TEXT NOT NULL,
  sku           TEXT NOT NULL,
  qty           INTEGER NOT NULL CHECK (qty > 0),
  created_at    TEXT NOT NULL,
  done_at       TEXT
);
)sql";

// Version 3: the store's work (docs/fulfilment.md) — the lifecycle of an allocation on the
// floor, each pick, stock per SKU and bin, and the responses of idempotent requests.
constexpr std::string_view kV3 = R"sql(
ALTER TABLE allocations ADD COLUMN accepted_at TEXT;
ALTER TABLE allocations ADD COLUMN picked_at TEXT;
ALTER TABLE allocations ADD COLUMN staging_location TEXT;
ALTER TABLE allocations ADD COLUMN ready_at TEXT;
ALTER TABLE allocations ADD COLUMN arrived_at TEXT;
ALTER TABLE allocations ADD COLUMN arrival_bay TEXT;
ALTER TABLE allocations ADD COLUMN closed_at TEXT;
ALTER TABLE allocations ADD COLUMN verification TEXT;
ALTER TABLE allocation_lines ADD COLUMN rejected_qty INTEGER NOT NULL DEFAULT 0;
ALTER TABLE allocation_lines ADD COLUMN handed_qty INTEGER NOT NULL DEFAULT 0;
ALTER TABLE allocation_lines ADD COLUMN substitute_sku TEXT;
CREATE INDEX allocations_by_order ON allocations (order_id);

CREATE TABLE picks (
  pick_id       INTEGER PRIMARY KEY AUTOINCREMENT,
  allocation_id TEXT NOT NULL,
  line          TEXT NOT NULL,
  sku           TEXT NOT NULL,
  qty           INTEGER NOT NULL CHECK (qty > 0),
  location      TEXT NOT NULL,
  code          TEXT NOT NULL,
  user_id       TEXT,
  device_id     TEXT,
  at            TEXT NOT NULL,
  undone_at     TEXT
);
CREATE INDEX picks_by_allocation ON picks (allocation_id, pick_id);

CREATE TABLE inventory (
  sku        TEXT NOT NULL,
  location   TEXT NOT NULL,
  on_hand    INTEGER NOT NULL DEFAULT 0,
  damaged    INTEGER NOT NULL DEFAULT 0 CHECK (damaged >= 0),
  count_due  INTEGER NOT NULL DEFAULT 0 CHECK (count_due IN (0, 1)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (sku, location)
) WITHOUT ROWID;

CREATE TABLE print_jobs (
  job_id        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind          TEXT NOT NULL,
  allocation_id TEXT,
  state         TEXT NOT NULL DEFAULT 'pending',
  created_at    TEXT NOT NULL,
  done_at       TEXT
);

CREATE TABLE idempotent_requests (
  device_id    TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (device_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotent_requests_by_age ON idempotent_requests (created_at);
)sql";

// Version 4: the rest of the floor (docs/fulfilment.md) — packages of ship-from-store
// allocations, put-back progress and its cause, cycle counts awaiting a lead, and batch walks —
// and the work queue in its own order: GET /api/v1/work pages through the open allocations by
// promise time and priority; with only allocations_by_state, every page read and sorted all open
// allocations (2 ms at 5000 on the loop thread). allocations_work_queue holds just the open
// ones, in the queue's order, with the filter columns, so a page is the next `limit` entries.
constexpr std::string_view kV4 = R"sql(
CREATE INDEX allocations_work_queue
  ON allocations (promised_by IS NULL, promised_by, priority DESC, allocation_id, kind, state)
  WHERE state IN ('open', 'accepted', 'picking', 'picked', 'ready', 'packing', 'packed');
ALTER TABLE allocations ADD COLUMN packed_at TEXT;
ALTER TABLE put_back_work ADD COLUMN done_qty INTEGER NOT NULL DEFAULT 0;
ALTER TABLE put_back_work ADD COLUMN reason TEXT NOT NULL DEFAULT 'cancelled';
CREATE INDEX put_back_work_open ON put_back_work (id) WHERE done_at IS NULL;
ALTER TABLE print_jobs ADD COLUMN package TEXT;
CREATE INDEX allocation_lines_by_sku ON allocation_lines (sku);
CREATE INDEX inventory_by_location ON inventory (location, sku);

CREATE TABLE packages (
  allocation_id      TEXT NOT NULL,
  package            TEXT NOT NULL,
  weight_g           INTEGER,
  length_mm          INTEGER,
  width_mm           INTEGER,
  height_mm          INTEGER,
  label_requested_at TEXT,
  typed_carrier      TEXT,
  typed_tracking     TEXT,
  created_at         TEXT NOT NULL,
  PRIMARY KEY (allocation_id, package)
) WITHOUT ROWID;

CREATE TABLE package_lines (
  allocation_id TEXT NOT NULL,
  package       TEXT NOT NULL,
  line          TEXT NOT NULL,
  qty           INTEGER NOT NULL CHECK (qty >= 0),
  PRIMARY KEY (allocation_id, package, line)
) WITHOUT ROWID;

CREATE TABLE counts (
  count_id   INTEGER PRIMARY KEY AUTOINCREMENT,
  location   TEXT NOT NULL,
  state      TEXT NOT NULL,
  counted_by TEXT NOT NULL,
  device_id  TEXT,
  created_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT
);
CREATE INDEX counts_by_state ON counts (state, count_id);

CREATE TABLE count_lines (
  count_id INTEGER NOT NULL,
  sku      TEXT NOT NULL,
  expected INTEGER NOT NULL,
  counted  INTEGER NOT NULL CHECK (counted >= 0),
  PRIMARY KEY (count_id, sku)
) WITHOUT ROWID;

CREATE TABLE batches (
  batch_id   INTEGER PRIMARY KEY AUTOINCREMENT,
  created_by TEXT NOT NULL,
  device_id  TEXT,
  created_at TEXT NOT NULL,
  closed_at  TEXT
);

CREATE TABLE batch_slots (
  batch_id      INTEGER NOT NULL,
  slot          INTEGER NOT NULL,
  allocation_id TEXT NOT NULL,
  PRIMARY KEY (batch_id, slot)
) WITHOUT ROWID;
CREATE INDEX batch_slots_by_allocation ON batch_slots (allocation_id);
)sql";

// Version 5: scanners plugged into the box (the device layer's registry, kept so storeedgectl
// and a restarted daemon see the last state and event of each), and the station an enrolled
// device (a pack station's browser) stands at, where scanners bound to it send their scans.
constexpr std::string_view kV5 = R"sql(
ALTER TABLE devices ADD COLUMN station TEXT;

CREATE TABLE scanners (
  scanner_id    TEXT PRIMARY KEY,
  device_key    TEXT NOT NULL,
  transport     TEXT NOT NULL,
  station       TEXT,
  devnode       TEXT NOT NULL,
  vid_pid       TEXT,
  serial        TEXT,
  port          TEXT,
  product       TEXT,
  state         TEXT NOT NULL,
  error         TEXT,
  since         TEXT NOT NULL,
  last_event_at TEXT,
  last_event    TEXT,
  scans         INTEGER NOT NULL DEFAULT 0,
  undelivered   INTEGER NOT NULL DEFAULT 0,
  errors        INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
)sql";

// Version 6: the print queue follows each job to its printer: which printer, the attempts and
// when to try again, the printer's own job id, why it waits, who asked for a reprint, and the
// station of the device whose action made it (its printer there is preferred).
constexpr std::string_view kV6 = R"sql(
ALTER TABLE print_jobs ADD COLUMN printer TEXT;
ALTER TABLE print_jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE print_jobs ADD COLUMN next_attempt_at TEXT;
ALTER TABLE print_jobs ADD COLUMN printer_job TEXT;
ALTER TABLE print_jobs ADD COLUMN reason TEXT;
ALTER TABLE print_jobs ADD COLUMN updated_at TEXT;
ALTER TABLE print_jobs ADD COLUMN reprint_of INTEGER REFERENCES print_jobs (job_id);
ALTER TABLE print_jobs ADD COLUMN requested_by TEXT;
ALTER TABLE print_jobs ADD COLUMN station TEXT;
CREATE INDEX print_jobs_by_state ON print_jobs (state, job_id);
)sql";

// Version 7: POS returns (docs/returns.md) — each return and its lines with the refund split
// over the order's tenders, policy breaches and the manager who overrode them, and the lead's
// review of returns taken offline; the orders the OMS answered an order.lookup with (kept apart
// from the sequenced replica); for each order document, how far the OMS had acknowledged the
// up stream when it arrived, so a return the document already counts is not counted twice;
// the return a print job (return label, return slip) belongs to, the bin and item a bin or shelf
// label prints, and the SSCC of a package that gets the store's own GS1 logistic label.
constexpr std::string_view kV7 = R"sql(
ALTER TABLE returnable_orders ADD COLUMN up_acked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE print_jobs ADD COLUMN return_id TEXT;
ALTER TABLE print_jobs ADD COLUMN location TEXT;
ALTER TABLE print_jobs ADD COLUMN sku TEXT;
ALTER TABLE packages ADD COLUMN sscc TEXT;

CREATE INDEX returnable_orders_by_email
  ON returnable_orders (json_extract(document, '$.customer.email_hash'));

CREATE TABLE looked_up_orders (
  order_id   TEXT PRIMARY KEY,
  document   TEXT NOT NULL,
  up_acked   INTEGER NOT NULL,
  fetched_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE returns (
  return_id       TEXT PRIMARY KEY,
  order_id        TEXT NOT NULL,
  source          TEXT NOT NULL CHECK (source IN ('replica', 'oms', 'fulfilled_here', 'not_found')),
  currency        TEXT NOT NULL,
  refund          INTEGER NOT NULL CHECK (refund >= 0),
  tenders         TEXT NOT NULL,
  breaches        TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  override_by     TEXT,
  override_reason TEXT,
  offline         INTEGER NOT NULL CHECK (offline IN (0, 1)),
  device_id       TEXT,
  station         TEXT,
  up_seq          INTEGER NOT NULL,
  created_at      TEXT NOT NULL,
  review          TEXT CHECK (review IN ('pending', 'approved', 'flagged')),
  reviewed_by     TEXT,
  reviewed_at     TEXT,
  review_note     TEXT
) WITHOUT ROWID;
CREATE INDEX returns_by_order ON returns (order_id);
CREATE INDEX returns_by_time ON returns (created_at, return_id);
CREATE INDEX returns_to_review ON returns (review, created_at) WHERE review IS NOT NULL;

CREATE TABLE return_lines (
  return_id   TEXT NOT NULL REFERENCES returns (return_id),
  line        TEXT NOT NULL,
  order_id    TEXT NOT NULL,
  sku         TEXT NOT NULL,
  description TEXT NOT NULL,
  qty         INTEGER NOT NULL CHECK (qty > 0),
  unit_refund INTEGER NOT NULL CHECK (unit_refund >= 0),
  refund      INTEGER NOT NULL CHECK (refund >= 0),
  reason      TEXT NOT NULL,
  condition   TEXT NOT NULL,
  disposition TEXT NOT NULL CHECK (disposition IN ('restock', 'damaged', 'return_to_dc')),
  location    TEXT,
  PRIMARY KEY (return_id, line)
) WITHOUT ROWID;
CREATE INDEX return_lines_by_order ON return_lines (order_id, line);
)sql";

}  // namespace

const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> all = {kV1, kV2, kV3, kV4, kV5, kV6, kV7};
  return all;
}

int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

Result<int> schema_version(Connection& db) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  int v = static_cast<int>((*st)->column_int(0));
  (*st)->reset();
  return v;
}

Result<void> migrate(Connection& db, int target) {
  if (target < 0) target = latest_schema_version();
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r.error();
  auto fail = [&](Error e) -> Result<void> {
    (void)db.exec("ROLLBACK");
    return e;
  };
  auto current = schema_version(db);
  if (!current) return fail(current.error());
  if (*current > latest_schema_version())
    return fail(make_error("schema_too_new", "database schema version " + std::to_string(*current) +
                                                 " is newer than this build knows (" +
                                                 std::to_string(latest_schema_version()) + ")"));
  for (int v = *current; v < target; ++v) {
    if (auto r = db.exec(migrations()[static_cast<size_t>(v)]); !r) {
      Error e = r.error();
      e.message = "migration to version " + std::to_string(v + 1) + ": " + e.message;
      return fail(e);
    }
  }
  if (target > *current) {
    if (auto r = db.exec("PRAGMA user_version = " + std::to_string(target)); !r)
      return fail(r.error());
  }
  if (auto r = db.exec("COMMIT"); !r) return fail(r.error());
  return {};
}

}  // namespace storeedge::store
