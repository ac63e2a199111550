// `shardsim route`: which shard of a freshly created N-shard stream (or of a stream after
// resharding operations) each partition key (or explicit hash key) lands on. All-or-nothing: any
// invalid input line means no output at all. Stateless; safe to call from several threads with
// distinct streams.
#pragma once

#include <iosfwd>

#include "models/keys/shard_map.h"

namespace shardsim {

enum class RouteInput {
  kKeys,   // one partition key per line, UTF-8; one trailing '\r' is stripped (CRLF files)
           // and a UTF-8 byte-order mark at the start of the file is skipped
  kJsonl,  // one JSON object per line: {"partition_key": "...", "explicit_hash_key": "..."}
};

inline constexpr int kRouteMaxShards = 100'000;  // a sanity bound of this tool, not an AWS limit

// Reads `in` and writes one JSON line per input line, in order:
//   {"partition_key": "a", "hash_key": "<decimal>", "shard_id": "shardId-000000000000"}
// hash_key is MD5 of the key's UTF-8 bytes, or the explicit_hash_key when one is given.
// In --keys mode a key cannot end in '\r' and an empty line is an empty (invalid) key; use --jsonl
// for keys with '\r', '\n' or any other character. In --jsonl mode every line must be an object
// with a string partition_key, an optional string explicit_hash_key and no other field.
// Returns 0 on success. On invalid input (a bad `shards`, key, hash key, JSON or field) writes
// "line N: <rule>" errors to `err`, nothing to `out`, and returns 2.
int RunRoute(int shards, RouteInput input, std::istream& in, std::ostream& out, std::ostream& err);

// The same on the open shards of `map` (a stream after resharding: `route --ops FILE`).
int RunRoute(const ShardMap& map, RouteInput input, std::istream& in, std::ostream& out,
             std::ostream& err);

}  // namespace shardsim
