// `shardsim route`: validation, hashing and output of the route command. See route.h.
#include "cli/route.h"

#include <cstdint>
#include <cstdio>
#include <istream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "models/keys/hash_key.h"
#include "models/keys/shard_map.h"

namespace shardsim {
namespace {

constexpr int64_t kMaxErrorsShown = 20;

struct RouteEntry {
  std::string partition_key;
  std::optional<std::string> explicit_hash_key;
};

// nlohmann's message minus its "[json.exception.parse_error.101] parse error at line 1, " prefix:
// the input is one line, so only the column is news.
std::string JsonParseMessage(const nlohmann::json::parse_error& e) {
  std::string_view what = e.what();
  if (const size_t p = what.find("] "); p != std::string_view::npos) what.remove_prefix(p + 2);
  constexpr std::string_view kLineOne = "parse error at line 1, ";
  if (what.starts_with(kLineOne)) what.remove_prefix(kLineOne.size());
  return std::string(what);
}

// Fills `entry` from one JSONL line; returns an error message, empty when the line is valid.
std::string ParseJsonLine(std::string_view line, RouteEntry* entry) {
  nlohmann::json j;
  // Duplicate fields would otherwise silently keep the last value.
  std::string duplicate;
  std::vector<std::vector<std::string>> seen;  // field names per open object
  auto reject_duplicates = [&](int /*depth*/, nlohmann::json::parse_event_t event,
                               nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::object_start) seen.emplace_back();
    if (event == nlohmann::json::parse_event_t::object_end && !seen.empty()) seen.pop_back();
    if (event == nlohmann::json::parse_event_t::key && !seen.empty()) {
      const std::string name = parsed.get<std::string>();
      for (const std::string& n : seen.back()) {
        if (n == name && duplicate.empty()) duplicate = name;
      }
      seen.back().push_back(name);
    }
    return true;
  };
  try {
    j = nlohmann::json::parse(line, reject_duplicates);
  } catch (const nlohmann::json::parse_error& e) {
    return "invalid JSON: " + JsonParseMessage(e);
  }
  if (!duplicate.empty()) return "duplicate field " + nlohmann::json(duplicate).dump();
  if (!j.is_object()) return std::string("expected a JSON object, got ") + j.type_name();
  for (const auto& [name, value] : j.items()) {
    if (name == "partition_key") {
      if (!value.is_string()) {
        return std::string("partition_key must be a string, got ") + value.type_name();
      }
      entry->partition_key = value.get<std::string>();
    } else if (name == "explicit_hash_key") {
      if (!value.is_string()) {
        return std::string("explicit_hash_key must be a string of decimal digits, got ") +
               value.type_name();
      }
      entry->explicit_hash_key = value.get<std::string>();
    } else {
      return "unknown field " + nlohmann::json(name).dump() +
             " (allowed: partition_key, explicit_hash_key)";
    }
  }
  if (!j.contains("partition_key")) return "partition_key is required";
  return "";
}

// The output of a run held back until every input line proved valid (all or nothing), in memory
// up to kSpillBytes and then in an anonymous temporary file: memory stays constant in the number
// of keys, disk takes the output's size.
class HeldOutput {
 public:
  static constexpr size_t kSpillBytes = size_t{1} << 20;

  // False if the temporary file could not be created or written.
  bool Append(std::string_view text) {
    buffer_ += text;
    return buffer_.size() < kSpillBytes || Spill();
  }
  // Writes everything held to `out`; false on a failure of the temporary file.
  bool CopyTo(std::ostream& out) {
    if (spill_ != nullptr) {
      if (!Spill() || std::fflush(spill_.get()) != 0) return false;
      std::rewind(spill_.get());
      char chunk[1 << 16];
      size_t n;
      while ((n = std::fread(chunk, 1, sizeof(chunk), spill_.get())) > 0) {
        out.write(chunk, static_cast<std::streamsize>(n));
      }
      if (std::ferror(spill_.get())) return false;
    }
    out << buffer_;
    return true;
  }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  bool Spill() {
    if (spill_ == nullptr) spill_.reset(std::tmpfile());
    if (spill_ == nullptr) return false;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), spill_.get()) != buffer_.size())
      return false;
    buffer_.clear();
    return true;
  }
  std::string buffer_;
  std::unique_ptr<std::FILE, Closer> spill_;
};

}  // namespace

int RunRoute(int shards, RouteInput input, std::istream& in, std::ostream& out, std::ostream& err) {
  if (shards < 1 || shards > kRouteMaxShards) {
    err << "route: --shards must be between 1 and " << kRouteMaxShards << ", got " << shards
        << "\n";
    return 2;
  }
  return RunRoute(ShardMap::CreateStream(shards), input, in, out, err);
}

int RunRoute(const ShardMap& map, RouteInput input, std::istream& in, std::ostream& out,
             std::ostream& err) {
  Md5Hasher hasher;
  // Held so that an invalid line anywhere leaves stdout empty: no partial output.
  HeldOutput output;
  std::string line_out;
  bool held = true;
  int64_t errors = 0;
  int64_t line_number = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    // A UTF-8 byte-order mark at the start of the file is not part of the first key.
    if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    RouteEntry entry;
    std::string error;
    if (input == RouteInput::kKeys) {
      std::string_view key = line;
      if (key.ends_with('\r')) key.remove_suffix(1);
      entry.partition_key = key;
    } else {
      error = ParseJsonLine(line, &entry);
    }
    std::optional<HashKey> hash_key;
    if (error.empty() && ValidPartitionKey(entry.partition_key, &error)) {
      // Kinesis still requires a valid partition key when an explicit hash key overrides it.
      hash_key = entry.explicit_hash_key
                     ? ParseHashKey(*entry.explicit_hash_key, &error, "explicit_hash_key")
                     : hasher.PartitionKeyHash(entry.partition_key);
    }
    if (!hash_key) {
      if (++errors <= kMaxErrorsShown) err << "line " << line_number << ": " << error << "\n";
      continue;
    }
    if (errors > 0 || !held) continue;  // the output will be dropped anyway
    line_out = "{\"partition_key\": ";
    line_out += nlohmann::json(entry.partition_key).dump();
    line_out += ", \"hash_key\": \"";
    line_out += hash_key->ToDecimal();
    line_out += "\", \"shard_id\": \"";
    line_out += ShardIdString(map.Lookup(*hash_key));
    line_out += "\"}\n";
    held = output.Append(line_out);
  }
  if (in.bad()) {
    err << "route: read error after line " << line_number << "; nothing written\n";
    return 2;
  }
  if (errors > 0) {
    if (errors > kMaxErrorsShown) {
      err << "... and " << errors - kMaxErrorsShown << " more invalid lines\n";
    }
    err << "route: " << errors << " of " << line_number
        << " lines invalid; nothing written to stdout\n";
    return 2;
  }
  if (!held || !output.CopyTo(out)) {
    err << "route: failed to hold the output in a temporary file\n";
    return 1;
  }
  out.flush();
  if (!out) {
    err << "route: failed to write the output\n";
    return 1;
  }
  return 0;
}

}  // namespace shardsim
