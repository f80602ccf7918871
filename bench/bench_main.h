// What main() of the benchmarks that fork storeedged and storeedgectl (fulfil_bench,
// returns_bench) does around the run itself: reads the options, finds and checks the binaries,
// prints the banner and turns a failure into an exit status.
#pragma once

#include <functional>
#include <string>

namespace storeedge::bench {

// Reads argv as `--name value` pairs and hands each to `set`, which returns false for a name it
// does not know or a value it refuses (an exception it throws, as std::stoi does on a bad number,
// counts as refused). Returns false on --help, on a name without a value and when `set` refuses.
bool read_options(
    int argc, char** argv,
    const std::function<bool(const std::string& name, const std::string& value)>& set);

// Fills an empty `storeedged` or `storeedgectl` with ../edge/ next to this binary and checks that
// both are executable (if not: prints which one, then `usage`, to stderr and returns 2). Then
// installs the signal handlers, prints "`bench`: storeedged PATH, SQLite VERSION, N CPUs online"
// and returns what `run` returns; an exception from `run` is printed as "FAILED: …" and ends the
// run with 1 (130 when interrupted). Call it from main, on the main thread.
int storeedged_bench_main(const char* bench, const char* usage, std::string& storeedged,
                          std::string& storeedgectl, const std::function<int()>& run);

}  // namespace storeedge::bench
