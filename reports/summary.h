// The short human summary `shardsim run` prints: run header, producers, hottest shards,
// conservation, findings. Fits a 100-column terminal: long names are cut with "..." at their end,
// or where else keeps a column's names apart; shard ids are never cut. Pure function, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "models/result/run_result.h"

namespace shardsim {

inline constexpr int kSummaryWidthColumns = 100;

struct TextColumn {
  std::string header;
  bool right = false;   // numbers align right
  bool shrink = false;  // text that may be cut to fit the width
  // The cell's last space-separated word (a share after a name) is never cut: only the text
  // before it shrinks.
  bool keep_last_word = false;
};

// Words of `text` in lines of at most `width` columns after `indent`; a word longer than a line
// is cut at code-point boundaries.
std::string Wrap(const std::string& text, const std::string& indent,
                 size_t width = kSummaryWidthColumns);

// A header row plus rows, indented two, columns sized to their contents two spaces apart, no
// trailing spaces; shrinkable columns are cut (with "...", where names stay apart) until a line
// fits kSummaryWidthColumns. Used by every terminal table (run, compare, size, sweep).
std::string TextTable(const std::vector<TextColumn>& cols,
                      const std::vector<std::vector<std::string>>& rows);

// Hottest shards rank by peak utilisation: the busier of peak records/s over the records limit
// and peak bytes/s over the bytes limit, using offered load (accepted + throttled) where it is
// higher than accepted, because a throttled shard's accepted peak sits at the limit and hides how
// far demand exceeded it. Ties keep shard order. Shows the three busiest, plus the most throttled
// shard when it is not among them; for each, its expected share of the stream (from key weights)
// and its top key with that key's share of the shard.
std::string SummaryText(const RunResult& result);

}  // namespace shardsim
