// Barcode images made at test time: zint (a different encoder from the decoder under test)
// writes PNG symbols into a temp dir; a symbol can be re-encoded as JPEG with libjpeg.
#pragma once

#include <string>
#include <vector>

#include "scanner/image.h"

namespace storeedge::testing {

// Runs `zint -b TYPE -d DATA -o DIR/NAME.png` plus `extra` (e.g. "--scale=3", "--rotate=90");
// returns the PNG file's bytes, or "" when zint failed (its output then goes to stderr).
std::string zint_png(const std::string& dir, const std::string& name, const std::string& type,
                     const std::string& data, const std::vector<std::string>& extra = {});

// `image` as a baseline JPEG of the given quality (1-100).
std::string encode_jpeg(const scanner::GreyImage& image, int quality = 90);

}  // namespace storeedge::testing
