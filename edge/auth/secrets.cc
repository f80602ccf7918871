#include "auth/secrets.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace storeedge::auth {
namespace {

constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const unsigned char* p, size_t n) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | p[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64Url[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kB64Url[(acc << (6 - bits)) & 0x3f];
  return out;
}

std::vector<unsigned char> random_bytes(size_t n) {
  std::vector<unsigned char> b(n);
  // Without entropy there is no safe token to hand out: a "can't happen" that must not limp on.
  if (RAND_bytes(b.data(), static_cast<int>(n)) != 1) std::abort();
  return b;
}

std::string pbkdf2(std::string_view pin, std::string_view salt, std::uint32_t iterations) {
  unsigned char out[32];
  if (PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        sizeof out, out) != 1)
    std::abort();
  return base64url(out, sizeof out);
}

}  // namespace

std::string new_token(std::string_view prefix) {
  auto b = random_bytes(32);
  return std::string(prefix) + base64url(b.data(), b.size());
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (unsigned char c : digest) {
    out += hex[c >> 4];
    out += hex[c & 0xf];
  }
  return out;
}

std::string hash_pin(std::string_view pin, std::uint32_t iterations) {
  auto salt_bytes = random_bytes(16);
  std::string salt = base64url(salt_bytes.data(), salt_bytes.size());
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + salt + "$" +
         pbkdf2(pin, salt, iterations);
}

bool verify_pin(std::string_view pin, std::string_view stored) {
  // Format: pbkdf2-sha256$ITER$SALT$HASH
  constexpr std::string_view scheme = "pbkdf2-sha256$";
  if (stored.substr(0, scheme.size()) != scheme) return false;
  std::string_view rest = stored.substr(scheme.size());
  auto d1 = rest.find('$');
  if (d1 == std::string_view::npos) return false;
  auto d2 = rest.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  std::uint32_t iterations = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + d1, iterations);
  if (ec != std::errc{} || end != rest.data() + d1 || iterations == 0) return false;
  std::string_view salt = rest.substr(d1 + 1, d2 - d1 - 1);
  std::string_view hash = rest.substr(d2 + 1);
  return equal_secret(pbkdf2(pin, salt, iterations), hash);
}

bool equal_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_valid_pin(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 12) return false;
  for (char c : pin)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace storeedge::auth
