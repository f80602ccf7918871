// Credentials at rest: device and session tokens are 256-bit random strings stored as SHA-256.
// A badge barcode identifies a person, like a user name, and is stored as plain SHA-256 so it can
// be looked up; the secret is the PIN, low-entropy, so it is stored as salted PBKDF2-HMAC-SHA256.
// All functions are thread-safe; PIN hashing is slow on purpose and belongs on the blocking pool.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace storeedge::auth {

// A fresh bearer token: `prefix` + 43 characters of base64url (32 random bytes).
std::string new_token(std::string_view prefix);
// Hex SHA-256, used to store and look up tokens and badge barcodes.
std::string sha256_hex(std::string_view data);
// "pbkdf2-sha256$ITER$SALT$HASH" (salt and hash base64url).
std::string hash_pin(std::string_view pin, std::uint32_t iterations);
bool verify_pin(std::string_view pin, std::string_view stored);
// Constant-time comparison for equal-length secrets.
bool equal_secret(std::string_view a, std::string_view b);
// PINs are 4-12 ASCII digits.
bool is_valid_pin(std::string_view pin);

}  // namespace storeedge::auth
