# Generates a C++ source holding the handheld web app's files (web/*) as byte arrays, with their
# content types and ETags; run by the build (cmake -P) whenever a file under web/ changes.
# Inputs: WEB_DIR (the web/ folder), OUT (the .cc to write).
cmake_minimum_required(VERSION 3.25)

file(GLOB files LIST_DIRECTORIES false RELATIVE ${WEB_DIR}
     ${WEB_DIR}/*.html ${WEB_DIR}/*.css ${WEB_DIR}/*.js ${WEB_DIR}/*.svg ${WEB_DIR}/*.png
     ${WEB_DIR}/*.webmanifest)
list(SORT files)
if(NOT "index.html" IN_LIST files)
  message(FATAL_ERROR "embed_web: ${WEB_DIR}/index.html is missing")
endif()

set(arrays "")
set(table "")
set(i 0)
foreach(name IN LISTS files)
  if(NOT name MATCHES "^[a-z0-9][a-z0-9._-]*$")
    message(FATAL_ERROR "embed_web: ${name}: file names are lower-case letters, digits, . _ -")
  endif()
  get_filename_component(ext ${name} LAST_EXT)
  if(ext STREQUAL ".html")
    set(type "text/html; charset=utf-8")
  elseif(ext STREQUAL ".css")
    set(type "text/css; charset=utf-8")
  elseif(ext STREQUAL ".js")
    set(type "text/javascript; charset=utf-8")
  elseif(ext STREQUAL ".svg")
    set(type "image/svg+xml")
  elseif(ext STREQUAL ".png")
    set(type "image/png")
  else()
    set(type "application/manifest+json")
  endif()
  file(READ ${WEB_DIR}/${name} hex HEX)
  file(SHA256 ${WEB_DIR}/${name} sha)
  string(SUBSTRING ${sha} 0 20 etag)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  if(size EQUAL 0)
    set(bytes "0")
  else()
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  endif()
  string(APPEND arrays "const unsigned char k${i}[] = {${bytes}};\n")
  string(APPEND table
         "    {\"${name}\", \"${type}\", \"\\\"${etag}\\\"\",\n"
         "     std::string_view(reinterpret_cast<const char*>(k${i}), ${size})},\n")
  math(EXPR i "${i} + 1")
endforeach()

set(content "// Generated from web/ by edge/api/embed_web.cmake. Do not edit.
#include \"api/web_assets.h\"

namespace storeedge::api {
namespace {

${arrays}
const WebAsset kAssets[] = {
${table}};

}  // namespace

const WebAsset* find_web_asset(std::string_view name) {
  for (const WebAsset& a : kAssets)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace storeedge::api
")
# Rewrite only on change, so an unchanged web/ does not recompile the file.
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE ${OUT} "${content}")
