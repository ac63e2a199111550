// Tests for the reusable loader parts (models/spec/loader/{json_document,diagnostics,
// value_parsers,object_reader}.h) through a small reader of a made-up price file with its own
// object-type table and enum: parsing with diagnostics, unknown fields with "did you mean",
// variants, ranged parsers, document order; and PointerSet.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "models/spec/diagnostic.h"
#include "models/spec/loader/diagnostics.h"
#include "models/spec/loader/json_document.h"
#include "models/spec/loader/object_reader.h"
#include "models/spec/loader/value_parsers.h"

namespace shardsim::loader {
namespace {

enum class PriceUnit { kHour, kGb };
constexpr EnumName<PriceUnit> kPriceUnits[] = {{"hour", PriceUnit::kHour}, {"gb", PriceUnit::kGb}};

const std::map<std::string, ObjectTypeInfo>& PriceTypes() {
  static const std::map<std::string, ObjectTypeInfo> kTypes = {
      {"price_file", {"", {{"region", {}}, {"currency", {}}, {"prices", {}}}}},
      {"price", {"unit", {{"dimension", {}}, {"unit", {}}, {"usd", {}}, {"free_gb", {"gb"}}}}},
  };
  return kTypes;
}

struct Price {
  std::string dimension;
  PriceUnit unit = PriceUnit::kHour;
  double usd = 0;
  double free_gb = 0;
};

struct PriceFile {
  std::string region;
  std::vector<Price> prices;
};

// What a price-file loader built on the parts looks like.
std::vector<Diagnostic> ReadPrices(const std::string& text, PriceFile* out) {
  Context c;
  std::optional<Json> root = ParseDocument(text, c);
  if (root) {
    ObjectReader r(c, *root, "", PriceTypes().at("price_file"));
    r.Required("region", &out->region, Region());
    std::string currency;
    r.Optional("currency", &currency, Text(3, 3));
    r.Require("prices");
    r.Array("prices", 1, 100, [&](const Json& v, Ptr p, size_t) {
      Price price;
      ObjectReader pr(c, v, p, PriceTypes().at("price"));
      pr.Required("dimension", &price.dimension, ResourceName());
      pr.Required("usd", &price.usd, Number(Range<double>{0.0, std::nullopt}));
      if (pr.Discriminator<PriceUnit>(kPriceUnits, &price.unit, /*required=*/true) &&
          price.unit == PriceUnit::kGb) {
        pr.Optional("free_gb", &price.free_gb, Number());
      }
      out->prices.push_back(price);
    });
  }
  std::vector<Diagnostic> errors = c.TakeErrors();
  if (root) SortByDocumentOrder(*root, &errors);
  return errors;
}

std::string Show(const std::vector<Diagnostic>& errors) {
  std::string out;
  for (const Diagnostic& d : errors) out += FormatDiagnostic("prices.json", d) + "\n";
  return out;
}

TEST(LoaderPartsTest, AnotherReaderReadsItsOwnFormat) {
  PriceFile f;
  const auto errors = ReadPrices(R"({"region": "eu-west-1", "currency": "USD", "prices": [
      {"dimension": "shard_hour", "unit": "hour", "usd": 0.015},
      {"dimension": "efo_gb", "unit": "gb", "usd": 0.013, "free_gb": 1}]})",
                                 &f);
  EXPECT_EQ(Show(errors), "");
  EXPECT_EQ(f.region, "eu-west-1");
  ASSERT_EQ(f.prices.size(), 2u);
  EXPECT_EQ(f.prices[1].unit, PriceUnit::kGb);
  EXPECT_DOUBLE_EQ(f.prices[1].free_gb, 1.0);
}

TEST(LoaderPartsTest, ReportsEveryProblemInDocumentOrder) {
  PriceFile f;
  const auto errors = ReadPrices(R"({"prices": [
      {"dimension": "shard hour", "unit": "hours", "usd": -1},
      {"dimension": "x", "unit": "hour", "usd": 1, "free_gb": 2}],
    "regoin": "us-east-1", "currency": "US"})",
                                 &f);
  EXPECT_EQ(Show(errors),
            "prices.json: /region: missing required field \"region\"\n"
            "prices.json: /prices/0/dimension: must be 1 to 128 characters from a-z, A-Z, 0-9, "
            "\"_\", \".\" and \"-\", got \"shard hour\"\n"
            "prices.json: /prices/0/unit: expected one of \"hour\" or \"gb\", got \"hours\"; did "
            "you mean \"hour\"?\n"
            "prices.json: /prices/0/usd: must be at least 0, got -1\n"
            "prices.json: /prices/1/free_gb: \"free_gb\" applies only to unit \"gb\", not "
            "\"hour\"\n"
            "prices.json: /regoin: unknown field \"regoin\", did you mean \"region\"?\n"
            "prices.json: /currency: must be 3 to 3 characters long, got 2\n");
}

TEST(LoaderPartsTest, ParsingReportsDuplicateKeysAndMalformedJson) {
  PriceFile f;
  EXPECT_EQ(Show(ReadPrices(R"({"region": "us-east-1", "region": "eu-west-1", "prices": [
      {"dimension": "a", "unit": "hour", "usd": 1}]})",
                            &f)),
            "prices.json: /region: duplicate key \"region\": each key may appear only once\n");
  EXPECT_EQ(f.region, "us-east-1");  // the first value
  EXPECT_EQ(Show(ReadPrices("{\n  \"region\": ,\n}", &f)),
            "prices.json:2:13: syntax error while parsing value - unexpected ','; expected '[', "
            "'{', or a literal\n");
}

TEST(LoaderPartsTest, FindsValuesByPointer) {
  Context c;
  const std::optional<Json> root = ParseDocument(R"({"a": [{"b/c": 1}, {"d~e": 2}]})", c);
  ASSERT_TRUE(root.has_value());
  ASSERT_NE(FindPointer(*root, "/a/0/b~1c"), nullptr);
  EXPECT_EQ(*FindPointer(*root, "/a/0/b~1c"), 1);
  EXPECT_EQ(*FindPointer(*root, "/a/1/d~0e"), 2);
  EXPECT_EQ(FindPointer(*root, "/a/2"), nullptr);
  EXPECT_EQ(FindPointer(*root, "/a/0/b~1c/x"), nullptr);
  EXPECT_EQ(FindPointer(*root, ""), &*root);
  EXPECT_EQ(SplitPointer("/a~1b/0/~0"), (std::vector<std::string>{"a/b", "0", "~"}));
  EXPECT_EQ(DocumentPosition(*root, "/a/1/zz"), (std::vector<int64_t>{0, 1, -1}));
}

TEST(LoaderPartsTest, CountsErrorsBeyondTheShownOnes) {
  Context c;
  for (size_t i = 0; i < kMaxErrors + 5; ++i) c.Error("/x/" + std::to_string(i), "bad");
  c.ErrorKeepingValue("/y", "duplicate");
  EXPECT_TRUE(c.HasProblem("/x/104"));
  EXPECT_FALSE(c.HasProblem("/y"));
  const std::vector<Diagnostic> errors = c.TakeErrors();
  ASSERT_EQ(errors.size(), kMaxErrors + 1);
  EXPECT_EQ(errors.back().message, "... and 6 more errors not shown");
}

TEST(PointerSetTest, TouchesItselfItsAncestorsAndItsDescendants) {
  PointerSet set;
  EXPECT_FALSE(set.Touches("/a"));
  set.Insert("/producers/1/keys");
  EXPECT_TRUE(set.Touches("/producers/1/keys"));
  EXPECT_TRUE(set.Touches("/producers/1/keys/count"));  // inside a value with a problem
  EXPECT_TRUE(set.Touches("/producers/1"));             // holds a value with a problem
  EXPECT_TRUE(set.Touches("/producers"));
  EXPECT_TRUE(set.Touches(""));
  EXPECT_FALSE(set.Touches("/producers/1/key"));
  EXPECT_FALSE(set.Touches("/producers/10"));
  EXPECT_FALSE(set.Touches("/producers/1/keys-x"));
  EXPECT_FALSE(set.Touches("/producers/0"));
}

TEST(DiagnosticTextTest, QuotesAndSuggests) {
  EXPECT_EQ(Quote("a\"b\\c\n"), "\"a\\\"b\\\\c?\"");
  std::string cut(1, '"');
  cut.append(60, 'x').append("...\"");
  EXPECT_EQ(Quote(std::string(70, 'x')), cut);
  EXPECT_EQ(QuotedList({"a", "b", "c"}), "\"a\", \"b\" or \"c\"");
  EXPECT_EQ(ShortNumber(3.0), "3");
  EXPECT_EQ(ShortNumber(0.25), "0.25");
  EXPECT_EQ(ClosestName("Max-Records", {"max_records", "min_records"}), "max_records");
  EXPECT_EQ(ClosestName("abc", {"xyz"}), std::nullopt);
  EXPECT_EQ(PointerToken("a/b~c"), "a~1b~0c");
  EXPECT_EQ(CountChars("h\xC3\xA9llo"), 5);
}

}  // namespace
}  // namespace shardsim::loader
