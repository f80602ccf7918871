// A POS return as the returns code stores it (schema version 7: `returns`, `return_lines`), in
// plain SQL, for the tests of what printing makes from it: taken offline at till-1 by an
// associate with a manager's override; three lines, two of them going back to the DC; refunded
// to one card.
#pragma once

namespace storeedge::testing {

inline constexpr const char* kSampleReturnId = "R-S042-0001";

inline constexpr const char* kSampleReturnSql = R"sql(
INSERT INTO users (user_id, display_name, role, pin_hash, created_at, updated_at) VALUES
  ('a17', 'Alex Associate', 'associate', 'x', '2026-01-01T00:00:00.000Z',
   '2026-01-01T00:00:00.000Z'),
  ('m9', 'Olga Manager', 'manager', 'x', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO returns (return_id, order_id, source, currency, refund, tenders, breaches, user_id,
                     override_by, override_reason, offline, device_id, station, up_seq,
                     created_at, review) VALUES
  ('R-S042-0001', 'W1009912', 'replica', 'EUR', 2897,
   '[{"tender":"T1","method":"card","last4":"4242","amount":2897}]',
   '[{"rule":"return_window"}]', 'a17', 'm9', 'receipt lost', 1, 'hh1', 'till-1', 12,
   '2026-11-23T12:00:00.000Z', 'pending');
INSERT INTO return_lines (return_id, line, order_id, sku, description, qty, unit_refund, refund,
                          reason, condition, disposition, location) VALUES
  ('R-S042-0001', '10', 'W1009912', 'SKU-2002', 'Tea towel', 1, 0, 0, 'wrong_item', 'new',
   'return_to_dc', NULL),
  ('R-S042-0001', '1', 'W1009912', 'SKU-1001', 'Blue mug', 2, 1199, 2398, 'changed_mind', 'new',
   'restock', 'A-03-2'),
  ('R-S042-0001', '2', 'W1009912', 'SKU-3003', 'Espresso cup, stoneware, hand glazed in Portugal',
   1, 499, 499, 'damaged', 'damaged', 'return_to_dc', NULL);
)sql";

}  // namespace storeedge::testing
