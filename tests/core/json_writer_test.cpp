#include "relay/core/json_writer.hpp"
#include "tests/support/run_process.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>

namespace relay::core {
namespace {

std::string py_float(double d) {
  std::string s;
  append_python_float(s, d);
  return s;
}

TEST(PythonFloat, MatchesPythonRepr) {
  EXPECT_EQ(py_float(60.0), "60.0");
  EXPECT_EQ(py_float(0.1), "0.1");
  EXPECT_EQ(py_float(-0.0), "-0.0");
  EXPECT_EQ(py_float(1e16), "1e+16");
  EXPECT_EQ(py_float(1e15), "1000000000000000.0");
  EXPECT_EQ(py_float(1e-5), "1e-05");
  EXPECT_EQ(py_float(0.0001), "0.0001");
  EXPECT_EQ(py_float(123456.789), "123456.789");
  EXPECT_EQ(py_float(1.5e300), "1.5e+300");
  EXPECT_EQ(py_float(5e-324), "5e-324");
  EXPECT_EQ(py_float(100000.0), "100000.0");
}

TEST(JsonString, EscapesLikeEnsureAscii) {
  std::string s;
  append_json_string(s, "a\"b\\c\nd\te\x01\x7f");
  EXPECT_EQ(s, R"("a\"b\\c\nd\te\u0001\u007f")");
  s.clear();
  append_json_string(s, "caf\xC3\xA9 \xE6\x9D\xB1 \xF0\x9F\x9A\xA8");  // café 東 🚨
  EXPECT_EQ(s, R"("caf\u00e9 \u6771 \ud83d\udea8")");
}

// The block-at-a-time scan finds a byte that needs escaping wherever it sits in a block, in a
// string shorter than a block, in the last partial block, and after another: every position in
// strings of up to 40 bytes, checked against escaping byte by byte. The compact style keeps DEL
// and non-ASCII bytes as they are.
TEST(JsonString, EscapesEverySpecialByteWhereverItSits) {
  auto by_byte = [](std::string_view s, JsonStyle style) {
    std::string out = "\"";
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c == 0x01) out += "\\u0001";
      else if (c == 0x7F && style == JsonStyle::python) out += "\\u007f";
      else out += ch;
    }
    return out + "\"";
  };
  for (const char special : {'"', '\\', '\n', '\x01', '\x7f'})
    for (const JsonStyle style : {JsonStyle::python, JsonStyle::compact})
      for (std::size_t size = 1; size <= 40; ++size)
        for (std::size_t at = 0; at < size; ++at) {
          std::string s(size, 'k');
          s[at] = special;
          if (at + 3 < size) s[at + 3] = '"';  // and a second one after it
          std::string out;
          append_json_string(out, s, style);
          EXPECT_EQ(out, by_byte(s, style)) << "size " << size << ", special byte at " << at;
        }
}

// A non-ASCII character anywhere in a string: escaped by the python style, kept by the compact one.
TEST(JsonString, HandlesNonAsciiWhereverItSits) {
  for (std::size_t size = 2; size <= 40; ++size)
    for (std::size_t at = 0; at + 2 <= size; ++at) {
      std::string s(size, 'k');
      s.replace(at, 2, "\xC3\xA9");  // é
      std::string python, compact;
      append_json_string(python, s, JsonStyle::python);
      append_json_string(compact, s, JsonStyle::compact);
      EXPECT_EQ(python, "\"" + std::string(at, 'k') + "\\u00e9" + std::string(size - at - 2, 'k') + "\"")
          << "size " << size << ", at " << at;
      EXPECT_EQ(compact, "\"" + s + "\"") << "size " << size << ", at " << at;
    }
}

TEST(JsonWriter, UsesPythonSeparators) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("a", "x");
  w.key("b");
  w.begin_array();
  w.number(std::int64_t{1});
  w.boolean(true);
  w.null();
  w.end_array();
  w.key("c");
  w.begin_object();
  w.end_object();
  w.end_object();
  EXPECT_EQ(out, R"({"a": "x", "b": [1, true, null], "c": {}})");
}

// Every sample event, re-serialised, equals Python's json.dumps of the same file.
TEST(JsonWriter, EqualsPythonJsonDumpsOnEverySample) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(RELAY_SOURCE_DIR "/payloads/samples")) {
    const std::string path = entry.path().string();
    auto py = testing::run_process(
        {"python3", "-c", "import json,sys; sys.stdout.write(json.dumps(json.load(open(sys.argv[1], encoding='utf-8'))))",
         path});
    ASSERT_EQ(py.exit_code, 0) << py.err;
    std::string ours;
    JsonWriter(ours).value(boost::json::parse(testing::read_text(path)));
    EXPECT_EQ(ours, py.out) << path;
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace relay::core
